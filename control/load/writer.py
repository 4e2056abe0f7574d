"""Writing a set of a step's rows through CumulusCI, with lock retries, ledger Ids and failed rows.

:func:`write_rows` stages the named rows in the working database, writes a one-step mapping and runs
LoadData. Every success goes to the ledger's id map (tied to the row's local id, which names the source
record) in batches; rows failing with ``UNABLE_TO_LOCK_ROW`` are retried (:mod:`control.load.retries`);
the rest come back as failures for errors.jsonl and the error budget.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Sequence

import yaml

from control.ledger import Action, IdMapEntry, Ledger
from control.load.cci_runner import CciSession, RowResult, run_load
from control.load.retries import LOCK_CODE, retry_rounds
from control.load.workdb import WorkDb

__all__ = ["WriteTarget", "WriteOutcome", "write_rows", "step_document"]

_LEDGER_BATCH = 2000


class WriteTarget(NamedTuple):
    cci: CciSession
    work: WorkDb
    ledger: Ledger
    run_id: str
    mappings_dir: Path


class WriteOutcome(NamedTuple):
    created: int
    updated: int
    failed: tuple[RowResult, ...]
    retried: int


def step_document(doc: Mapping[str, Any], *, api: str, drop_after: bool = True) -> dict[str, Any]:
    """A copy of a dataset mapping step for one write: the plan's API, ``after:`` lookups left out (the
    plan's own update steps set them)."""
    out = copy.deepcopy(dict(doc))
    out["api"] = api
    if drop_after and out.get("lookups"):
        out["lookups"] = {k: v for k, v in out["lookups"].items() if not (isinstance(v, dict) and v.get("after"))}
        if not out["lookups"]:
            out.pop("lookups")
    return out


class _Sink:
    def __init__(self, target: WriteTarget, step: str, sobject: str, update: bool) -> None:
        self.target, self.step, self.sobject, self.update = target, step, sobject, update
        self.pending: list[IdMapEntry] = []
        self.failed: list[RowResult] = []
        self.created = self.updated = 0

    def __call__(self, result: RowResult) -> None:
        if not result.success:
            self.failed.append(result)
            return
        created = bool(result.created) and not self.update
        if created:
            self.created += 1
        else:
            self.updated += 1
        self.pending.append(IdMapEntry(self.sobject, result.local_id, str(result.salesforce_id),
                                       Action.CREATED if created else Action.UPDATED))
        if len(self.pending) >= _LEDGER_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.target.ledger.record_ids(self.target.run_id, self.step, self.pending)
            self.pending = []


def write_rows(target: WriteTarget, *, step: str, label: str, sobject: str, table: str,
               document: Mapping[str, Any], local_ids: Sequence[str], update: bool = False) -> WriteOutcome:
    """Write ``local_ids`` of ``table`` with the one-step mapping ``document``; see the module docstring."""
    created = updated = retried = 0
    failed: list[RowResult] = []
    pending = list(local_ids)
    rounds = retry_rounds(str(document.get("api", "bulk")))
    for number, round_ in enumerate(rounds):
        if not pending:
            break
        doc = dict(document)
        doc["api"] = round_.api
        if round_.batch_size:
            doc["batch_size"] = round_.batch_size
        path = target.mappings_dir / f"{label}.{number}.mapping.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({label: doc}, sort_keys=False), encoding="utf-8")
        target.work.stage(table, pending)
        sink = _Sink(target, step, sobject, update)
        try:
            run_load(target.cci, mapping=path, database_url=target.work.url, sink=sink, bulk_mode=round_.bulk_mode)
        finally:
            sink.flush()
        created += sink.created
        updated += sink.updated
        locked = [r for r in sink.failed if r.code == LOCK_CODE]
        failed.extend(r for r in sink.failed if r.code != LOCK_CODE)
        if number + 1 < len(rounds) and locked:
            pending = [r.local_id for r in locked]
            retried += len(pending)
        else:
            failed.extend(locked)
            pending = []
    return WriteOutcome(created, updated, tuple(failed), retried)
