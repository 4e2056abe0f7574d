"""After every resource is built: checking deferred lookups, and the dataset's referential integrity.

Deferred lookups (self-lookups, cycles, lookups to ``also`` rows) were written as the local id the
parent's row *would* have. :func:`settle` finds every lookup column value that names no row of the
tables it may point to, and applies the field rule's ``on_missing``:

* ``null`` — the value is cleared; ``default`` — set to the rule's default;
* ``quarantine`` — the row is removed: a primary row's source record becomes *quarantined* (with the
  reason) in the landed index, an extra row is quarantined as a row;
* ``fail`` — the build stops (:class:`~control.errors.Failure`).

Removing a row can leave other rows pointing at it, so the sweep repeats over every lookup column
until nothing changes. Values that are Salesforce Ids (matched users, existing records) are not
local ids and are not checked here.
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Sequence

import orjson

from control.datasets.steps import StepSpec
from control.datasets.store import DatasetStore
from control.errors import Failure
from control.mapping.rules import MissingParent
from control.mapping.values import source_key
from control.transform.compile import CompiledField, CompiledMap, staging_resource
from control.transform.problems import Problem, QuarantineEntry, ReasonCode, RowKind

__all__ = ["settle"]

_ROUNDS = 20


def _field(compiled: CompiledMap, spec: StepSpec, column: str) -> CompiledField | None:
    for route in spec.routes:
        for cf in compiled.routes[route].fields:
            if cf.target == column and cf.lookup is not None:
                return cf
    return None


def settle(store: DatasetStore, compiled: CompiledMap, specs: Sequence[StepSpec], quarantine: IO[bytes],
           row_quarantined: Counter[str]) -> dict[str, int]:
    """Apply ``on_missing`` to every dangling lookup; returns counts per action."""
    actions: Counter[str] = Counter()
    for _ in range(_ROUNDS):
        changed = False
        for spec in specs:
            for lookup in spec.lookups:
                dangling = store.dangling(spec.name, lookup.field, lookup.tables)
                if not dangling:
                    continue
                cf = _field(compiled, spec, lookup.field)
                policy = cf.on_missing if cf is not None else MissingParent.NULL
                ids = [i for i, _ in dangling]
                store.begin()
                if policy is MissingParent.NULL or (policy is MissingParent.DEFAULT and cf is not None
                                                    and cf.rule.default is None):
                    store.set_column(spec.name, lookup.field, ids, None)
                    actions["nulled"] += len(ids)
                elif policy is MissingParent.DEFAULT and cf is not None:
                    store.set_column(spec.name, lookup.field, ids, source_key(cf.rule.default))
                    actions["defaulted"] += len(ids)
                elif policy is MissingParent.FAIL:
                    store.commit()
                    raise Failure(f"{spec.sobject}.{lookup.field} of {len(ids)} row(s) of step {spec.name} (first "
                                  f"{ids[0]}) references records that are not in the dataset; the map says "
                                  "on_missing: fail.", hint="See quarantine.jsonl for why the parents are missing.")
                else:
                    _remove(store, compiled, spec, lookup.field, dangling, quarantine, row_quarantined)
                    actions["quarantined"] += len(ids)
                store.commit()
                changed = True
        if not changed:
            break
    return dict(actions)


def _remove(store: DatasetStore, compiled: CompiledMap, spec: StepSpec, field: str, dangling: list[tuple[str, str]],
            quarantine: IO[bytes], row_quarantined: Counter[str]) -> None:
    owners = store.landed_by_local_id([i for i, _ in dangling])
    landed_rows = []
    for local_id, value in dangling:
        problem = Problem(ReasonCode.MISSING_PARENT, f"{field} names {value}, which is not in the dataset (its record "
                                                     "was quarantined or never arrived)", field=field, value=value,
                          hint="Fix the parent record's own quarantine reason, or set on_missing: null in the map.")
        if local_id in owners:
            resource, source_id = owners[local_id]
            entry = QuarantineEntry.from_problems(resource, source_id, RowKind.RECORD, spec.routes[0], spec.sobject,
                                                  [problem])
            landed_rows.append((resource, source_id, spec.routes[0], "quarantined", None, str(ReasonCode.MISSING_PARENT)))
        else:
            source_id = local_id.split("-", 1)[1].split("#", 1)[0] if "-" in local_id else local_id
            entry = QuarantineEntry.from_problems(staging_resource(spec.resource or ""), source_id, RowKind.ROW,
                                                  spec.name, spec.sobject,
                                                  [problem])
            row_quarantined[spec.name] += 1
        quarantine.write(orjson.dumps(entry.as_json()) + b"\n")
    store.delete_rows(spec.name, [i for i, _ in dangling])
    if spec.external_id:
        store.release_keys(spec.sobject, [i for i, _ in dangling])
    store.record_landed(landed_rows)
