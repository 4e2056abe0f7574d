"""What earlier ``migrate`` runs already created in *this* org, for the steps whose object has no external Id.

CaseComment and Note cannot be found by key, so a re-run skips the rows the ledger says an earlier run of the
same dataset created in the org. The org is identified by its **Organization Id** (recorded in every migrate
run's options as ``org_id``), never by its name alone: a sandbox refreshed or an org re-created under the same
name is another org and holds none of those records (docs/load.md §3).

* A run recorded with an ``org_id`` is trusted when that Id is the current org's, and ignored otherwise.
* A run recorded before the Organization Id was kept (no ``org_id`` in its options) is trusted only as far as
  the org proves it: when it has the same dataset and org name, the Ids it recorded as created are looked up in
  the org (``SELECT Id FROM <object> WHERE Id IN (…)``, 200 at a time) and only those still there count
  (Salesforce Ids are unique across orgs; an org that is another one holds none of them).
* A step that any considered run left ``started`` or ``failed`` makes the step reconcile by content first
  (:func:`control.load.steps._reconcile`); for an old run that may have been into another org that only costs
  the reconciliation's queries, it never skips a row.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from control.ledger import Ledger, RunRecord, StepStatus
from control.load.orgquery import in_list, query
from control.load.workdb import chunks
from control.salesforce.org_data import same_org

__all__ = ["EarlierLookup", "earlier_runs"]

EarlierLookup = Callable[[str, str], tuple[dict[str, str], bool]]   # (sobject, table) → ({local: sf id}, interrupted)

_RUNS = 1000
_IN_LIST = 200


def _created(ledger: Ledger, run: RunRecord, sobject: str, table: str) -> Iterable[tuple[str, str]]:
    for entry in ledger.id_map(run.id, sobject=sobject):
        if entry.source_key.startswith(table + "-") and str(entry.action) == "created":
            yield entry.source_key, entry.salesforce_id


def _stopped_inside(ledger: Ledger, run: RunRecord, table: str) -> bool:
    return any(step.name == table and step.status in (StepStatus.STARTED, StepStatus.FAILED)
               for step in ledger.steps(run.id))


def _present(client: Any, sobject: str, ids: Iterable[str]) -> set[str]:
    """The 15-character forms of those ``ids`` that are records of ``sobject`` in the org."""
    found: set[str] = set()
    for part in chunks(sorted(set(ids)), _IN_LIST):
        found.update(r["Id"][:15] for r in query(client, f"SELECT Id FROM {sobject} WHERE Id IN {in_list(part)}"))
    return found


def earlier_runs(ledger: Ledger, client: Any, *, run_id: str, dataset: str, org: str, org_id: str) -> EarlierLookup:
    """The lookup a keyless step asks: the rows earlier runs created in this org, and whether one stopped
    inside the step. ``org`` is the org's name, ``org_id`` its Organization Id."""
    def lookup(sobject: str, table: str) -> tuple[dict[str, str], bool]:
        ids: dict[str, str] = {}
        unproven: dict[str, str] = {}
        interrupted = False
        for run in ledger.list_runs(limit=_RUNS, command="migrate"):
            if run.id == run_id or run.options.get("dataset") != dataset:
                continue
            if "org_id" in run.options:
                if not same_org(run.options["org_id"], org_id):
                    continue
                ids.update(_created(ledger, run, sobject, table))
            elif run.options.get("org") == org:
                unproven.update(_created(ledger, run, sobject, table))
            else:
                continue
            interrupted = interrupted or _stopped_inside(ledger, run, table)
        unproven = {k: v for k, v in unproven.items() if k not in ids}
        if unproven:
            there = _present(client, sobject, unproven.values())
            ids.update({k: v for k, v in unproven.items() if v[:15] in there})
        return ids, interrupted
    return lookup
