"""`st2sf migrate` refuses to start when a precondition fails (exit 2, nothing moved), stops after a step
whose failed rows exceed the error budget, and retries rows the org could not lock."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml

from control.errors import ConfigError, LimitExceededError, NotFoundError, UsageError
from control.ledger import Ledger
from control.load import migrate
from tests.e2e.data.migrate_support import fresh_target
from tests.support.salesforce_admin import EmulatorAdmin
from tests.support.salesforce_org import stop_org

pytestmark = pytest.mark.slow


def _runs(settings) -> int:
    ledger = Ledger.open(settings.ledger_url)
    try:
        return len(ledger.list_runs(limit=10000, command="migrate"))
    finally:
        ledger.close()


def test_preconditions_refuse_before_anything_moves(data_path) -> None:
    target = fresh_target(data_path, "precheck")
    try:
        sf = target.org.simple_salesforce("63.0")
        runs = _runs(target.settings)
        plan = target.folder / "plan.json"
        saved = plan.read_text()

        with pytest.raises(NotFoundError, match="has not been built"):
            migrate(target.settings, dataset="nosuch", org="precheck")

        plan.unlink()
        with pytest.raises(UsageError, match="no load plan") as exc:
            migrate(target.settings, dataset="precheck", org="precheck")
        assert "st2sf plan" in exc.value.hint

        plan.write_text(json.dumps({**json.loads(saved), "fits": False}))
        with pytest.raises(LimitExceededError, match="does not fit"):
            migrate(target.settings, dataset="precheck", org="precheck")
        plan.write_text(saved)

        with pytest.raises(ConfigError, match="was built for org 'precheck', not 'datapath'") as exc:
            migrate(target.settings, dataset="precheck", org="datapath")
        assert "st2sf dataset build --org datapath" in exc.value.hint

        insert = target.folder / "precheck.insert.mapping.yml"
        original = insert.read_text()
        doc = yaml.safe_load(original)
        doc["client_account"]["fields"].append("IsDeleted")   # never createable
        insert.write_text(yaml.safe_dump(doc, sort_keys=False))
        with pytest.raises(UsageError, match=r"Account\.IsDeleted \(step client_account\) is not createable"):
            migrate(target.settings, dataset="precheck", org="precheck")
        # through the CLI: exit 2, the same message
        proc = subprocess.run([sys.executable, "-m", "control.cli.app", "-C", str(data_path.root), "migrate",
                               "--org", "precheck", "--dataset", "precheck", "--json"],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2, proc.stderr
        assert json.loads(proc.stdout)["ok"] is False and "IsDeleted" in proc.stderr
        insert.write_text(original)

        assert _runs(target.settings) == runs                         # no run started
        assert sf.query("SELECT count() FROM Account WHERE ServiceTracker_Id__c != null")["totalSize"] == 0
    finally:
        stop_org(target.org)


def test_error_budget_stops_the_run_after_the_step_and_a_larger_one_lets_it_finish(data_path) -> None:
    target = fresh_target(data_path, "budget")
    try:
        database = target.folder / "budget.db"
        with sqlite3.connect(database) as conn:
            bad = [r[0] for r in conn.execute("SELECT id FROM product ORDER BY id LIMIT 3")]
            conn.executemany("UPDATE product SET Name = ? WHERE id = ?", [("x" * 300, b) for b in bad])
            rows = conn.execute("SELECT count(*) FROM product").fetchone()[0]
        first = migrate(target.settings, dataset="budget", org="budget")
        assert not first.ok
        names = [s["name"] for s in first.accounting["steps"]]
        assert names[-1] == "product" and "asset" not in names       # later steps did not run
        errors = [json.loads(line) for line in (first.run_folder / "errors.jsonl").read_text().splitlines()]
        assert sorted(e["local_id"] for e in errors) == sorted(bad)
        assert {e["code"] for e in errors} == {"STRING_TOO_LONG"} and all(e["resource"] == "parts" for e in errors)
        assert all(e["source_id"] == e["local_id"].split("-", 1)[1] and e["message"] for e in errors)
        assert first.accounting["objects"]["parts"]["failed"] == 3
        ledger = Ledger.open(target.settings.ledger_url)
        try:
            assert str(ledger.get_run(first.run_id).status) == "failed"
        finally:
            ledger.close()
        # 3 of 25 rows is 12 %: a 15 % budget lets the run finish, the 3 rows still counted as failed
        second = migrate(target.settings, dataset="budget", org="budget", error_budget=100.0 * 3 / rows + 1)
        assert second.ok
        product = next(s for s in second.accounting["steps"] if s["name"] == "product")
        assert (product["created"], product["unchanged"], product["failed"]) == (0, rows - 3, 3)
        parts = second.accounting["objects"]["parts"]
        assert parts["failed"] == 3 and parts["balanced"]
    finally:
        stop_org(target.org)


def test_rows_the_org_cannot_lock_are_retried_until_loaded(data_path) -> None:
    target = fresh_target(data_path, "locks")
    try:
        plan_path = target.folder / "plan.json"
        plan = json.loads(plan_path.read_text())
        for step in plan["steps"]:
            if step["kind"] == "load":
                step["api"] = "bulk"
        plan_path.write_text(json.dumps(plan))
        admin = EmulatorAdmin(target.org)
        admin.set_faults(seed=7, lock_row_rate=0.2, paths=["/services/async"])
        try:
            result = migrate(target.settings, dataset="locks", org="locks")
        finally:
            admin.clear_faults()
        assert result.ok and result.accounting["totals"]["failed"] == 0
        retried = sum(s["retried"] for s in result.accounting["steps"])
        assert retried > 20
        sf = target.org.simple_salesforce("63.0")
        manifest = json.loads((target.folder / "dataset.json").read_text())
        for spec in manifest["steps"]:
            if spec["kind"] == "load" and spec["sobject"] == "Case":
                assert sf.query("SELECT count() FROM Case")["totalSize"] == spec["rows"]
    finally:
        stop_org(target.org)
        shutil.rmtree(target.folder, ignore_errors=True)
