"""An org is its Organization Id, not its name: `st2sf migrate` into org X, X deleted and created again under the
same name (what a sandbox refresh does), migrate again — the new org gets every record again, CaseComments and
Notes included (they have no external Id: only the ledger says what an earlier run created), and the accounting
balances. Ledger runs written before the Organization Id was kept count only for the Ids the org still holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from control.ledger import Ledger, RunStatus
from control.load import migrate
from control.mapping.approval import EVENT as APPROVED, latest_approval
from tests.e2e.data.migrate_support import Target, fresh_target
from tests.support.salesforce_org import stop_org

pytestmark = pytest.mark.slow


def _load_steps(target: Target) -> list[dict[str, Any]]:
    manifest = json.loads((target.folder / "dataset.json").read_text(encoding="utf-8"))
    return [s for s in manifest["steps"] if s["kind"] == "load"]


def _keyless(target: Target) -> dict[str, tuple[str, int]]:
    """Step name → (sObject, rows) of the steps whose object has no external Id."""
    return {s["name"]: (s["sobject"], s["rows"]) for s in _load_steps(target) if not s["external_id"]}


def _steps(result) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in result.accounting["steps"]}


def _recreate(target: Target, data_path) -> Target:
    """Stop org ``target``, delete it, and create an org of the same name from the same seed; the dataset is built
    and planned again for it (its owner Ids are the new org's)."""
    stop_org(target.org)
    shutil.rmtree(target.org.db_path.parent)
    again = fresh_target(data_path, target.dataset)
    assert again.org.name == target.org.name and again.org.org_id != target.org.org_id
    return again


def _assert_fully_loaded(target: Target, result) -> None:
    """Every load step created all its rows, the org holds exactly the dataset, and every object balances."""
    assert result.ok, result.accounting["warnings"]
    steps = _steps(result)
    load_steps = _load_steps(target)
    assert {s["name"]: (steps[s["name"]]["created"], steps[s["name"]]["unchanged"], steps[s["name"]]["failed"])
            for s in load_steps} == {s["name"]: (s["rows"], 0, 0) for s in load_steps}
    sf = target.org.simple_salesforce("63.0")
    expected: dict[str, int] = {}
    for spec in load_steps:
        expected[spec["sobject"]] = expected.get(spec["sobject"], 0) + spec["rows"]
    assert {o: sf.query(f"SELECT count() FROM {o}")["totalSize"] for o in expected} == expected
    dataset = json.loads((target.folder / "dataset.json").read_text(encoding="utf-8"))["accounting"]
    for resource, row in result.accounting["objects"].items():
        assert row["balanced"] and row["failed"] == 0, (resource, row)
        assert row["loaded"] == dataset[resource]["dataset"], resource
    assert result.accounting["totals"]["balanced"]


def test_a_re_created_org_of_the_same_name_gets_every_case_comment_and_note_again(data_path) -> None:
    target = fresh_target(data_path, "refreshed")
    try:
        keyless = _keyless(target)
        assert {sobject for sobject, _ in keyless.values()} == {"CaseComment", "Note"}
        assert all(rows > 0 for _, rows in keyless.values())
        first = migrate(target.settings, dataset="refreshed", org="refreshed")
        _assert_fully_loaded(target, first)
        assert first.accounting["org_id"] == target.org.org_id
        ledger = Ledger.open(target.settings.ledger_url)
        try:
            assert ledger.get_run(first.run_id).options["org_id"] == target.org.org_id
        finally:
            ledger.close()

        target = _recreate(target, data_path)
        second = migrate(target.settings, dataset="refreshed", org="refreshed")
        _assert_fully_loaded(target, second)
        assert second.accounting["org_id"] == target.org.org_id != first.accounting["org_id"]
        assert second.accounting["totals"] == first.accounting["totals"]

        # the earlier run into the old org is ignored, this org's own run is trusted: nothing is written again
        third = migrate(target.settings, dataset="refreshed", org="refreshed")
        assert third.ok
        for step in third.accounting["steps"]:
            if step["kind"] in ("load", "update"):
                assert (step["created"], step["updated"], step["failed"], step["unchanged"]) == \
                    (0, 0, 0, step["rows"]), step
        assert not (third.run_folder / "mappings").exists()
        assert third.accounting["totals"] == first.accounting["totals"]
        sf = target.org.simple_salesforce("63.0")
        for name, (sobject, rows) in keyless.items():
            assert sf.query(f"SELECT count() FROM {sobject}")["totalSize"] == rows, name
    finally:
        stop_org(target.org)


def _legacy_ledger(target: Target, source_run: str, path: Path):
    """Settings whose ledger holds the map's approval and one `migrate` run as runs were recorded before the
    Organization Id was kept (options without ``org_id``), with the CaseComment/Note Ids ``source_run`` created."""
    settings = target.settings.model_copy(update={"ledger_url": f"sqlite:///{path}"})
    keyless = _keyless(target)
    approval = latest_approval(target.settings)
    assert approval is not None
    source = Ledger.open(target.settings.ledger_url)
    legacy = Ledger.open(settings.ledger_url)
    try:
        legacy.append_event(APPROVED, {"digest": approval.digest, "by": approval.by, "folder": approval.folder})
        options = dict(source.get_run(source_run).options)
        del options["org_id"]
        run = legacy.start_run("migrate", options)
        legacy.plan_steps(run.id, list(keyless))
        for name, (sobject, _) in keyless.items():
            with legacy.step(run.id, name):
                entries = [e for e in source.id_map(source_run, sobject=sobject) if e.source_key.startswith(name + "-")]
                legacy.record_ids(run.id, name, entries)
        legacy.finish_run(run.id, RunStatus.COMPLETED)
    finally:
        source.close()
        legacy.close()
    return settings


def test_runs_recorded_without_an_org_id_count_only_for_the_records_the_org_still_holds(data_path, tmp_path) -> None:
    target = fresh_target(data_path, "legacy")
    try:
        keyless = _keyless(target)
        first = migrate(target.settings, dataset="legacy", org="legacy")
        _assert_fully_loaded(target, first)
        settings = _legacy_ledger(target, first.run_id, tmp_path / "ledger.db")

        # same org: the old run's Ids are still there, so its rows are not inserted a second time
        again = migrate(settings, dataset="legacy", org="legacy")
        assert again.ok
        steps = _steps(again)
        assert {n: (steps[n]["created"], steps[n]["unchanged"]) for n in keyless} == \
            {n: (0, rows) for n, (_, rows) in keyless.items()}
        sf = target.org.simple_salesforce("63.0")
        assert {n: sf.query(f"SELECT count() FROM {o}")["totalSize"] for n, (o, _) in keyless.items()} == \
            {n: rows for n, (_, rows) in keyless.items()}

        # the org re-created under the same name: none of those Ids is there, every row is loaded again
        target = _recreate(target, data_path)
        settings = target.settings.model_copy(update={"ledger_url": settings.ledger_url})
        fresh = migrate(settings, dataset="legacy", org="legacy")
        _assert_fully_loaded(target, fresh)
    finally:
        stop_org(target.org)
