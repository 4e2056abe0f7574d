"""``st2sf plan``: the built dataset + the org's ``/limits`` → the load plan, checked before anything moves.

:func:`make_plan` reads ``datasets/<name>/dataset.json`` (the steps and their row counts), recomputes the
load order (:mod:`.graph`: parents first, self-lookups and cycles broken by deferred ``after:`` updates),
chooses the API per step and costs it (:mod:`.budget`), adds the deferred updates and the file uploads,
and compares the totals with what the org has left. It writes ``plan.json`` beside the dataset and
returns a :class:`Plan`. A plan that does not fit raises :class:`~control.errors.LimitExceededError`
naming each limit, the need and what is left (``plan.json`` is still written, with ``fits: false``).

It refuses an unapproved map, a dataset built from another map than the approved one, and a dataset built
for another org than the one planned against — told by the org's Organization Id, which ``plan.json`` records
too (``org_id``; :mod:`control.datasets.org_identity`): a sandbox refreshed since the build is another org.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from control.datasets.layout import DatasetPaths, read_manifest, write_json
from control.datasets.org_identity import check_dataset_org
from control.datasets.steps import StepKind, StepSpec
from control.errors import LimitExceededError, UsageError
from control.ledger import Ledger
from control.mapping.approval import require_approved
from control.plan.budget import RECORD_BYTES, Need, StepCost, choose_api, file_cost, step_cost
from control.plan.graph import load_order
from control.settings import Settings

__all__ = ["PLAN_FORMAT", "PlannedStep", "Plan", "make_plan"]

PLAN_FORMAT = "st2sf.plan/1"
_OVERHEAD_REQUESTS = 3  # per step: describes and the record-type query CumulusCI makes


class PlannedStep(NamedTuple):
    name: str
    sobject: str
    kind: str            # load | update (a deferred lookup) | files
    action: str
    cost: StepCost
    after: str | None    # for updates: the step after which it runs
    fields: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "sobject": self.sobject, "kind": self.kind, "action": self.action,
                "after": self.after, "fields": list(self.fields), **self.cost.as_json()}


class Plan(NamedTuple):
    dataset: str
    path: Path
    map_digest: str
    org: str
    steps: tuple[PlannedStep, ...]
    cycles: tuple[tuple[str, ...], ...]
    budget: dict[str, Need]
    seconds: float
    warnings: tuple[str, ...]
    accounting: dict[str, Any]
    org_id: str | None = None   # the Organization Id of the org planned against

    @property
    def fits(self) -> bool:
        return all(n.fits for n in self.budget.values())

    def as_dict(self) -> dict[str, Any]:
        return {"format": PLAN_FORMAT, "dataset": self.dataset, "path": str(self.path), "map_digest": self.map_digest,
                "org": self.org, "org_id": self.org_id, "fits": self.fits, "seconds": round(self.seconds, 1),
                "steps": [s.as_json() for s in self.steps], "cycles": [list(c) for c in self.cycles],
                "budget": {k: v.as_json() for k, v in self.budget.items()}, "warnings": list(self.warnings),
                "accounting": self.accounting}


def _set_counts(database: Path, deferred: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Rows whose deferred lookup field is set (they get an update)."""
    out: dict[tuple[str, str], int] = {}
    if not deferred:
        return out
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for table, field in deferred:
            quoted_t, quoted_f = '"' + table.replace('"', '""') + '"', '"' + field.replace('"', '""') + '"'
            out[(table, field)] = int(conn.execute(f"SELECT count(*) FROM {quoted_t} WHERE {quoted_f} IS NOT NULL")
                                      .fetchone()[0])
    finally:
        conn.close()
    return out


def _read_org(settings: Settings, org: str | None, limits: Mapping[str, Mapping[str, int]] | None,
              org_id: str | None) -> tuple[Mapping[str, Mapping[str, int]], str]:
    """The org's ``/limits`` and Organization Id, each read from the org unless the caller gave it."""
    if limits is not None and org_id is not None:
        return limits, org_id
    from control.salesforce.access import connect, org_access
    from control.salesforce.org_data import organization_id, read_limits

    client = connect(org_access(settings, org))
    return (limits if limits is not None else read_limits(client),
            org_id if org_id is not None else organization_id(client))


def make_plan(settings: Settings, *, name: str | None = None, org: str | None = None, map_dir: Path | None = None,
              limits: Mapping[str, Mapping[str, int]] | None = None, org_id: str | None = None,
              actor: str | None = None) -> Plan:
    """Plan the load of dataset ``name`` into ``org``; see the module docstring. ``limits`` and ``org_id`` (the
    org's ``/limits`` and Organization Id) are read from the org unless given."""
    folder = (map_dir or settings.root / "mapping").resolve()
    approval = require_approved(settings, folder)
    paths = DatasetPaths.of(settings.root, name or settings.defaults.dataset)
    manifest = read_manifest(paths)
    if manifest.get("map_digest") != approval.digest:
        raise UsageError(f"Dataset '{paths.name}' was built from map {manifest.get('map_digest')}, but the approved "
                         f"map is {approval.digest}.", hint="Rebuild it: st2sf dataset build.")
    org_name = org or manifest.get("org")
    limits, org_id = _read_org(settings, org_name, limits, org_id)
    unchecked = check_dataset_org(manifest, dataset=paths.name, org=str(org_name), org_id=org_id)
    ledger = Ledger.open(settings.ledger_url)
    run = ledger.start_run("plan", {"dataset": paths.name, "org": org_name, "org_id": org_id,
                                    "map_digest": approval.digest}, actor=actor)
    try:
        with ledger.finishing(run.id):
            with ledger.step(run.id, "plan") as counts:
                plan = _plan(settings, manifest, paths, approval.digest, str(org_name), limits, org_id,
                             [unchecked] if unchecked else [])
                counts.update({"steps": len(plan.steps), "fits": plan.fits, "seconds": round(plan.seconds, 1)})
            write_json(paths.plan, plan.as_dict())
            if not plan.fits:
                short = [n for n in plan.budget.values() if not n.fits]
                text = "; ".join(f"{n.limit}: needs {n.need:,}, {n.remaining:,} left of {n.max:,}" for n in short)
                raise LimitExceededError(f"The load plan does not fit the org '{org_name}': {text}.",
                                         hint="Wait for the rolling 24-hour allocations to recover, free storage, "
                                              "raise the org's limits, or load the dataset in parts.",
                                         limits=[n.as_json() for n in short], plan=str(paths.plan))
        return plan
    finally:
        ledger.close()


def _plan(settings: Settings, manifest: dict[str, Any], paths: DatasetPaths, digest: str, org: str,
          limits: Mapping[str, Mapping[str, int]], org_id: str, notes: list[str]) -> Plan:
    specs = [StepSpec.from_json(s) for s in manifest["steps"]]
    rows = {s["name"]: int(s.get("rows", 0)) for s in manifest["steps"]}
    order = load_order(specs, rows)
    by_name = {s.name: s for s in specs}
    set_counts = _set_counts(paths.database, [(d.step, d.field) for d in order.deferred])
    steps: list[PlannedStep] = []
    for name in order.steps:
        spec = by_name[name]
        steps.append(PlannedStep(name, spec.sobject, "load", spec.action, step_cost(rows[name]), None, ()))
        updates: dict[str, list[str]] = {}
        for d in order.deferred:
            if d.after == name:
                updates.setdefault(d.step, []).append(d.field)
        for step, fields in updates.items():
            count = max(set_counts.get((step, f), 0) for f in fields)
            steps.append(PlannedStep(f"update {step} after {name}", by_name[step].sobject, "update", "update",
                                     step_cost(count, choose_api(count)), name, tuple(fields)))
    files = manifest.get("files_summary") or {}
    if files.get("files"):
        steps.append(PlannedStep("files", "ContentVersion", "files", "insert",
                                 file_cost(int(files["files"]), int(files.get("bytes", 0)), int(files.get("links", 0))),
                                 None, ()))
    load_records = sum(rows[s.name] for s in specs if s.kind == StepKind.LOAD)
    requests = sum(s.cost.requests for s in steps) + _OVERHEAD_REQUESTS * len(steps)
    budget = {
        "api_requests": Need.of("api_requests", requests, limits),
        "bulk_batches": Need.of("bulk_batches", sum(s.cost.batches for s in steps), limits),
        "data_storage_mb": Need.of("data_storage_mb", math.ceil(load_records * RECORD_BYTES / 1048576), limits),
        "file_storage_mb": Need.of("file_storage_mb", math.ceil(int(files.get("bytes", 0)) / 1048576), limits),
    }
    warnings = list(manifest.get("warnings", ())) + notes
    for d in order.deferred:
        why = "refers to its own object" if d.reason == "self-lookup" else "is part of a cycle"
        warnings.append(f"{by_name[d.step].sobject}.{d.field} of step {d.step} {why}: loaded blank, then set by an "
                        f"update after step {d.after}.")
    return Plan(paths.name, paths.plan, digest, org, tuple(steps), order.cycles, budget,
                sum(s.cost.seconds for s in steps), tuple(warnings), manifest.get("totals", {}), org_id)
