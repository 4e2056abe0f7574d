"""An org is its Organization Id, not its name: `st2sf migrate` into org X, X deleted and created again under the
same name (what a sandbox refresh does), migrate again — the new org gets every record again, CaseComments and
Notes included (they have no external Id: only the ledger says what an earlier run created), and the accounting
balances. Ledger runs written before the Organization Id was kept count only for the Ids the org still holds.

A dataset and a plan are bound to the Organization Id too: made for X, X re-created, `st2sf migrate` refuses them
(exit 2, nothing written) and `st2sf plan` refuses the dataset, until both are made again for the new org."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from control.errors import UsageError
from control.ledger import Ledger, RunStatus
from control.load import migrate
from control.mapping.approval import EVENT as APPROVED, latest_approval
from control.plan import make_plan
from control.transform import build_dataset
from tests.e2e.data.migrate_support import Target, fresh_target, settings_for
from tests.support.salesforce_org import start_org, stop_org

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


def _migrate_runs(settings) -> int:
    ledger = Ledger.open(settings.ledger_url)
    try:
        return len(ledger.list_runs(limit=10000, command="migrate"))
    finally:
        ledger.close()


def _counts(target: Target) -> dict[str, int]:
    """Records per object the dataset loads, and of them those with a ServiceTracker Id."""
    sf = target.org.simple_salesforce("63.0")
    out: dict[str, int] = {}
    for spec in _load_steps(target):
        sobject = spec["sobject"]
        out[sobject] = sf.query(f"SELECT count() FROM {sobject}")["totalSize"]
        if spec["external_id"]:
            out[f"{sobject} keyed"] = sf.query(
                f"SELECT count() FROM {sobject} WHERE {spec['external_id']} != null")["totalSize"]
    return out


def test_a_dataset_and_plan_of_the_org_before_it_was_re_created_are_refused_until_made_again(data_path) -> None:
    target = fresh_target(data_path, "stale")
    dataset_json, plan_json = target.folder / "dataset.json", target.folder / "plan.json"
    try:
        old = target.org.org_id
        assert json.loads(dataset_json.read_text())["org_id"] == old == json.loads(plan_json.read_text())["org_id"]

        # the org re-created under the same name (a sandbox refresh); the dataset and plan are left as they were
        stop_org(target.org)
        shutil.rmtree(target.org.db_path.parent)
        org = start_org(data_path.settings.state_dir, "stale", seed=data_path.seed_file)
        target = target._replace(org=org, settings=settings_for(data_path, org))
        new = org.org_id
        assert new != old
        before, runs, saved_plan = _counts(target), _migrate_runs(target.settings), plan_json.read_text()
        assert before["Account keyed"] == 0 and before["CaseComment"] == 0

        message = (f"The org 'stale' was re-created since dataset 'stale' was built (Organization Id {old} → {new}): "
                   "its owner, user and record-type Ids are the old org's.")
        hint = ("Rebuild it for this org: `st2sf dataset build --org stale --name stale`, then plan again: "
                "`st2sf plan --org stale --name stale`.")
        with pytest.raises(UsageError) as caught:
            migrate(target.settings, dataset="stale", org="stale")
        assert (caught.value.message, caught.value.hint, caught.value.exit_code) == (message, hint, 2)
        proc = subprocess.run([sys.executable, "-m", "control.cli.app", "-C", str(data_path.root), "migrate",
                               "--org", "stale", "--dataset", "stale", "--json"],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2, proc.stderr
        error = json.loads(proc.stdout)["error"]
        assert (error["code"], error["message"], error["hint"]) == ("USAGE", message, hint)
        assert (error["recorded_org_id"], error["org_id"]) == (old, new)

        # `st2sf plan` refuses the dataset as well, and leaves plan.json as it was
        with pytest.raises(UsageError) as caught:
            make_plan(target.settings, name="stale", org="stale")
        assert caught.value.message == message
        assert plan_json.read_text() == saved_plan

        assert _counts(target) == before                                   # nothing was written to the org
        assert _migrate_runs(target.settings) == runs                       # no run was started

        # rebuilt, not planned again: the plan is still the old org's
        assert build_dataset(target.settings, org="stale", name="stale").org_id == new
        with pytest.raises(UsageError) as caught:
            migrate(target.settings, dataset="stale", org="stale")
        assert caught.value.message == (f"The org 'stale' was re-created since the plan of dataset 'stale' was made "
                                        f"(Organization Id {old} → {new}): its budget was the old org's limits.")
        assert caught.value.hint == "Plan again: `st2sf plan --org stale --name stale`."
        assert _counts(target) == before

        # planned again: migrate loads everything
        assert make_plan(target.settings, name="stale", org="stale").org_id == new
        assert json.loads(plan_json.read_text())["org_id"] == new
        loaded = migrate(target.settings, dataset="stale", org="stale")
        _assert_fully_loaded(target, loaded)
        assert loaded.accounting["org_id"] == new
        assert not [w for w in loaded.accounting["warnings"] if "Organization Id" in w]

        # a dataset and plan recorded before the Id was kept are accepted by name, with a warning line each
        for path in (dataset_json, plan_json):
            doc = json.loads(path.read_text())
            del doc["org_id"]
            path.write_text(json.dumps(doc))
        again = migrate(target.settings, dataset="stale", org="stale")
        assert again.ok and again.accounting["totals"] == loaded.accounting["totals"]
        assert all(s["created"] == s["updated"] == 0 for s in again.accounting["steps"] if s["kind"] != "files")
        assert [w.split(" records no Organization Id")[0] for w in again.accounting["warnings"]
                if "records no Organization Id" in w] == ["Dataset 'stale'", "The plan of dataset 'stale'"]
    finally:
        stop_org(target.org)
