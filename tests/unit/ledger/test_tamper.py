"""verify-log names the first entry that no longer holds, whatever row was edited by hand."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from control.ledger import Action, BeforeImage, IdMapEntry, Ledger, RunStatus, verify_ledger


@pytest.fixture
def filled(tmp_path: Path):
    path = tmp_path / "ledger.db"
    led = Ledger.open(f"sqlite:///{path}")
    run = led.start_run("migrate", {"org": "dev"}, actor="ci")                      # seq 1
    led.plan_steps(run.id, ["load Account"])                                         # seq 2
    led.start_step(run.id, "load Account")                                           # seq 3
    led.record_before_images(run.id, "load Account",
                             [BeforeImage("Account", "001000000000009AAA", {"Name": "Before"})])  # seq 4
    led.record_ids(run.id, "load Account", [
        IdMapEntry("Account", f"CL-{i}", f"00100000000000{i}AAA", Action.CREATED) for i in range(1, 4)])  # seq 5
    led.complete_step(run.id, "load Account", {"created": 3})                        # seq 6
    led.finish_run(run.id, RunStatus.COMPLETED)                                      # seq 7
    led.append_event("map.approved", {"hash": "abc", "by": "alice"}, actor="alice")  # seq 8
    assert verify_ledger(led) == (True, 8, None, None)
    yield led, path
    led.close()


def _sql(path: Path, statement: str) -> None:
    con = sqlite3.connect(path)
    con.execute(statement)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("statement", "seq", "reason_part"),
    [
        ("UPDATE audit_log SET payload = '{\"by\":\"mallory\",\"hash\":\"abc\"}' WHERE seq = 8", 8, "was edited"),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", 3, "was edited"),
        ("DELETE FROM audit_log WHERE seq = 5", 5, "missing"),
        ("UPDATE id_map SET salesforce_id = '001000000000099AAA' WHERE source_key = 'CL-2'", 5, "a row was edited"),
        ("DELETE FROM id_map WHERE source_key = 'CL-3'", 5, "3 recorded, 2 found"),
        ("UPDATE before_images SET fields = '{\"Name\":\"Forged\"}'", 4, "before_images"),
        ("UPDATE runs SET status = 'failed'", 7, "was changed after this entry recorded it"),
        ("UPDATE steps SET counts = '{\"created\":300}'", 6, "step 'load Account'"),
        ("INSERT INTO id_map (run_id, step, sobject, source_key, salesforce_id, action, audit_seq) "
         "VALUES ('x', 's', 'Account', 'CL-9', '001000000000777AAA', 'created', 99)", 8, "audit log recorded 3"),
    ],
)
def test_hand_edits_are_named(filled, statement: str, seq: int, reason_part: str) -> None:
    led, path = filled
    _sql(path, statement)
    report = verify_ledger(led)
    assert report.ok is False
    assert report.first_bad_seq == seq
    assert reason_part in report.reason


def test_earliest_of_several_edits_is_named(filled) -> None:
    led, path = filled
    _sql(path, "UPDATE runs SET status = 'failed'")          # vouched for by entry 7
    _sql(path, "UPDATE before_images SET fields = '{}'")       # vouched for by entry 4
    assert verify_ledger(led).first_bad_seq == 4
