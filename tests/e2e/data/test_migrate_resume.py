"""Resumption: `st2sf migrate` SIGKILLed mid-load, then run again, leaves the org exactly as an
uninterrupted load into a second org started from the same seed — no duplicates, same values, same links.
And a kill between CumulusCI's insert of records without an external Id (CaseComment) and the ledger
write is reconciled against the org: the re-run inserts none of them again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest

from control.ledger import Ledger
from control.load import migrate
from control.load import writer
from tests.e2e.data.migrate_support import fresh_target
from tests.support.salesforce_admin import EmulatorAdmin
from tests.support.salesforce_org import stop_org

pytestmark = pytest.mark.slow

# a create date the load itself set (no original kept for that record): not comparable across orgs
_LOADED_SINCE = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 6 * 3600))


def _state(target) -> dict[str, Any]:
    """The org's migrated records, Ids replaced by source keys: comparable across orgs."""
    sf = target.org.simple_salesforce("63.0")
    manifest = json.loads((target.folder / "dataset.json").read_text())
    steps = [s for s in manifest["steps"] if s["kind"] == "load"]
    ext: dict[str, str] = {}
    for sobject in {s["sobject"] for s in steps if s["external_id"]}:
        for r in sf.query_all_iter(f"SELECT Id, ServiceTracker_Id__c FROM {sobject}"):
            ext[r["Id"][:15]] = r["ServiceTracker_Id__c"] or r["Id"]
    users = {r["Id"][:15]: r["Username"] for r in sf.query_all_iter("SELECT Id, Username FROM User")}
    rts = {r["Id"][:15]: r["DeveloperName"] for r in sf.query_all_iter("SELECT Id, DeveloperName FROM RecordType")}

    def plain(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 18 and value[:15] in ext:
            return ext[value[:15]]
        if isinstance(value, str) and len(value) == 18 and value[:15] in users:
            return users[value[:15]].split("@")[0]
        if isinstance(value, str) and len(value) == 18 and value[:15] in rts:
            return rts[value[:15]]
        return value

    dated = {s["sobject"] for s in steps if "CreatedDate" in s["create_only"]}   # original create dates kept
    state: dict[str, Any] = {}
    for sobject in sorted({s["sobject"] for s in steps}):
        describe = getattr(sf, sobject).describe()
        fields = [f["name"] for f in describe["fields"] if f["name"] not in (
            "Id", "LastModifiedDate", "SystemModstamp", "LastModifiedById", "LastViewedDate", "LastReferencedDate",
            "CaseNumber", "ContractNumber", "Name" if sobject in ("Asset_Work_History__c",) else "")
            and f["type"] not in ("address", "location") and not f.get("autoNumber")
            and (f["name"] != "CreatedDate" or sobject in dated)]
        records = [tuple(sorted((f, None if f == "CreatedDate" and str(r.get(f)) >= _LOADED_SINCE
                                 else plain(r.get(f))) for f in fields))
                   for r in sf.query_all_iter(f"SELECT {', '.join(fields)} FROM {sobject}")]
        state[sobject] = Counter(records)
    return state


def _steps(settings, run_id: str) -> dict[str, str]:
    ledger = Ledger.open(settings.ledger_url)
    try:
        return {s.name: str(s.status) for s in ledger.steps(run_id)}
    finally:
        ledger.close()


def _latest_run(settings) -> str | None:
    ledger = Ledger.open(settings.ledger_url)
    try:
        runs = ledger.list_runs(limit=1, command="migrate")
        return runs[0].id if runs else None
    finally:
        ledger.close()


def test_kill_9_mid_load_then_rerun_equals_an_uninterrupted_load(data_path) -> None:
    killed = fresh_target(data_path, "killed")
    clean = fresh_target(data_path, "clean")
    try:
        admin = EmulatorAdmin(killed.org)
        admin.set_faults(seed=3, latency_ms=120, paths=["/services/data"])   # slow enough to be caught mid-step
        before = _latest_run(killed.settings)
        proc = subprocess.Popen([sys.executable, "-m", "control.cli.app", "-C", str(data_path.root), "migrate",
                                 "--org", "killed", "--dataset", "killed", "--json"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
        run_id, deadline, victim = None, time.monotonic() + 240, "work_order_case"
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                latest = _latest_run(killed.settings)
                if latest and latest != before:
                    run_id = latest
                    if _steps(killed.settings, run_id).get(victim) == "started":
                        time.sleep(0.4)   # inside the step: its rows are being written
                        break
                time.sleep(0.05)
            assert proc.poll() is None, "the load finished before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            admin.clear_faults()
        assert run_id is not None
        statuses = _steps(killed.settings, run_id)
        assert statuses[victim] == "started" and statuses["case_comment"] == "planned"
        sf = killed.org.simple_salesforce("63.0")
        partial = sf.query("SELECT count() FROM Case")["totalSize"]

        resumed = migrate(killed.settings, dataset="killed", org="killed")
        assert resumed.ok, resumed.accounting["warnings"]
        case_step = next(s for s in resumed.accounting["steps"] if s["name"] == victim)
        assert case_step["unchanged"] == partial and case_step["created"] == case_step["rows"] - partial

        uninterrupted = migrate(clean.settings, dataset="clean", org="clean")
        assert uninterrupted.ok
        assert _state(killed) == _state(clean)
        for sobject in ("Account", "Case", "Contact", "Work_Order__c"):
            dupes = sf.query(f"SELECT ServiceTracker_Id__c, count(Id) n FROM {sobject} GROUP BY ServiceTracker_Id__c "
                             f"HAVING count(Id) > 1")["records"]
            assert dupes == [], sobject
    finally:
        stop_org(killed.org)
        stop_org(clean.org)


def test_a_crash_between_the_insert_and_the_ledger_write_inserts_nothing_twice(data_path, monkeypatch) -> None:
    target = fresh_target(data_path, "gap")
    try:
        real_flush = writer._Sink.flush

        def crash(self) -> None:
            if self.step == "case_comment" and self.pending:
                raise KeyboardInterrupt("killed after CumulusCI inserted, before the ledger write")
            real_flush(self)

        monkeypatch.setattr(writer._Sink, "flush", crash)
        with pytest.raises(KeyboardInterrupt):
            migrate(target.settings, dataset="gap", org="gap")
        monkeypatch.setattr(writer._Sink, "flush", real_flush)
        sf = target.org.simple_salesforce("63.0")
        manifest = json.loads((target.folder / "dataset.json").read_text())
        rows = next(s["rows"] for s in manifest["steps"] if s["name"] == "case_comment")
        assert sf.query("SELECT count() FROM CaseComment")["totalSize"] == rows   # inserted, not in the ledger

        again = migrate(target.settings, dataset="gap", org="gap")
        assert again.ok
        step = next(s for s in again.accounting["steps"] if s["name"] == "case_comment")
        assert (step["created"], step["unchanged"]) == (0, rows)
        assert sf.query("SELECT count() FROM CaseComment")["totalSize"] == rows
        third = migrate(target.settings, dataset="gap", org="gap")   # now known from the ledger: no query needed
        step = next(s for s in third.accounting["steps"] if s["name"] == "case_comment")
        assert (step["created"], step["unchanged"]) == (0, rows)
    finally:
        stop_org(target.org)
