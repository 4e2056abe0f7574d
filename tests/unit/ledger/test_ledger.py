"""The run ledger: runs, steps, id map, before-images, and what a reader sees after each write."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.errors import NotFoundError, UsageError
from control.ledger import Action, BeforeImage, IdMapEntry, Ledger, RunStatus, StepStatus, new_run_id, verify_ledger


@pytest.fixture
def ledger(tmp_path: Path):
    led = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield led
    led.close()


def test_run_ids_sort_by_creation_time() -> None:
    ids = [new_run_id() for _ in range(50)]
    assert len(set(ids)) == 50
    stamps = [i.split("-")[0] for i in ids]
    assert stamps == sorted(stamps)
    assert len(ids[0]) == len("20261127T204939123Z-3f9a1c")


def test_run_lifecycle_and_options_are_redacted(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", {"org": "uat", "access_token": "00Dxx0000001gPL!AQ4AQFakeToken", "n": 3},
                           actor="alice")
    assert run.status is RunStatus.RUNNING
    assert run.options == {"org": "uat", "access_token": "***", "n": 3}
    ledger.finish_run(run.id, RunStatus.COMPLETED)
    done = ledger.get_run(run.id)
    assert done.status is RunStatus.COMPLETED
    assert done.ended_at is not None and done.ended_at >= done.started_at
    assert [r.id for r in ledger.list_runs()] == [run.id]


def test_failed_run_keeps_structured_error_without_secrets(ledger: Ledger) -> None:
    run = ledger.start_run("extract", {})
    err = UsageError("Bad key Bearer abcdefghijklmnop", hint="Set ST2SF_SERVICETRACKER_API_KEY.")
    ledger.finish_run(run.id, RunStatus.FAILED, error=err)
    got = ledger.get_run(run.id).error
    assert got["error"] == "UsageError"
    assert got["code"] == "USAGE"
    assert got["message"] == "Bad key Bearer ***"


def test_steps_move_through_their_states(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", {})
    ledger.plan_steps(run.id, ["load Account", "load Contact"])
    with ledger.step(run.id, "load Account") as counts:
        counts["created"] = 12
    with pytest.raises(RuntimeError):
        with ledger.step(run.id, "load Contact"):
            raise RuntimeError("boom")
    steps = ledger.steps(run.id)
    assert [(s.seq, s.name, s.status) for s in steps] == [
        (1, "load Account", StepStatus.COMPLETED), (2, "load Contact", StepStatus.FAILED)]
    assert steps[0].counts == {"created": 12}
    assert steps[1].error == {"error": "RuntimeError", "message": "boom"}


def test_unplanned_step_can_start_but_unknown_step_cannot_complete(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", {})
    ledger.start_step(run.id, "ad hoc")
    assert ledger.steps(run.id)[0].status is StepStatus.STARTED
    with pytest.raises(NotFoundError):
        ledger.complete_step(run.id, "never started")


def test_id_map_and_before_images_round_trip(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", {})
    n = ledger.record_ids(run.id, "load Account", [
        IdMapEntry("Account", "CL-1", "001000000000001AAA", Action.CREATED),
        IdMapEntry("Account", "CL-2", "001000000000002AAA", Action.UPDATED),
    ])
    assert n == 2
    assert list(ledger.id_map(run.id)) == [
        IdMapEntry("Account", "CL-1", "001000000000001AAA", Action.CREATED),
        IdMapEntry("Account", "CL-2", "001000000000002AAA", Action.UPDATED),
    ]
    assert ledger.id_counts(run.id) == {("Account", "created"): 1, ("Account", "updated"): 1}
    first = BeforeImage("Account", "001000000000002AAA", {"Name": "Old name", "Phone": None})
    later = BeforeImage("Account", "001000000000002AAA", {"Name": "Changed in between", "Phone": "1"})
    assert ledger.record_before_images(run.id, "load Account", [first]) == 1
    assert ledger.record_before_images(run.id, "load Account", [later]) == 0  # the first image wins
    assert list(ledger.before_images(run.id)) == [first]
    assert verify_ledger(ledger).ok


def test_unknown_run_is_a_usage_error(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError) as info:
        ledger.get_run("20990101T000000000Z-000000")
    assert info.value.exit_code == 2


def test_a_second_process_sees_committed_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    a, b = Ledger.open(url), Ledger.open(url)
    run = a.start_run("extract", {})
    a.plan_steps(run.id, ["clients"])
    assert [s.status for s in b.steps(run.id)] == [StepStatus.PLANNED]
    a.close()
    b.close()
