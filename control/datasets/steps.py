"""Load steps: what each dataset table is, as CumulusCI and the loader need to know it.

A :class:`StepSpec` is one table of the dataset and one step of the load: its sObject, its columns
(target fields), its lookups (per field, the tables whose rows the column may name — several for a
polymorphic field such as ``WhatId``), its external Id (``action: upsert`` on it) and whether it has
record types. ``kind`` is ``load`` for steps CumulusCI loads, ``file`` for ContentVersion and
ContentDocumentLink rows the loader uploads itself (files.jsonl).

Specs are serialised into ``dataset.json`` so the plan and the loader read them without the map.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

from control.mapping.rules import RouteMode
from control.mapping.transforms import LookupTransform
from control.transform.compile import FILE_OBJECTS, CompiledMap

__all__ = ["StepSpec", "LookupSpec", "step_specs", "StepKind"]


class StepKind:
    LOAD = "load"
    FILE = "file"


class LookupSpec(NamedTuple):
    field: str
    tables: tuple[str, ...]
    nillable: bool          # the field may be blank (so it can be set by a deferred update)
    updateable: bool

    def as_json(self) -> dict[str, Any]:
        return self._asdict() | {"tables": list(self.tables)}


class StepSpec(NamedTuple):
    name: str
    sobject: str
    resource: str | None                 # the source resource (None for fixed records)
    routes: tuple[str, ...]              # routes writing this table (the route itself, merges into it)
    columns: tuple[str, ...]
    lookups: tuple[LookupSpec, ...]
    external_id: str | None
    record_types: tuple[str, ...]
    audit_fields: tuple[str, ...]
    kind: str
    create_only: tuple[str, ...] = ()    # columns Salesforce sets on create but never updates

    @property
    def upsert_blockers(self) -> tuple[str, ...]:
        """Create-only columns that are not audit fields (master-detail parents, Task.TaskSubtype…): CumulusCI
        refuses them in an upsert step, and leaving them out would lose data (or a required parent)."""
        return tuple(c for c in self.create_only if c not in self.audit_fields)

    @property
    def action(self) -> str:
        """``upsert`` on the external Id when every column but the audit fields can be updated, else
        ``insert`` (a re-inserted row then fails on the unique external Id instead of duplicating)."""
        return "upsert" if self.external_id and not self.upsert_blockers else "insert"

    def as_json(self) -> dict[str, Any]:
        out = self._asdict()
        for key in ("routes", "columns", "record_types", "audit_fields", "create_only"):
            out[key] = list(out[key])
        out["lookups"] = [lk.as_json() for lk in self.lookups]
        out["action"] = self.action
        out["upsert_blockers"] = list(self.upsert_blockers)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "StepSpec":
        lookups = tuple(LookupSpec(lk["field"], tuple(lk["tables"]), bool(lk["nillable"]), bool(lk["updateable"]))
                        for lk in data.get("lookups", ()))
        return cls(data["name"], data["sobject"], data.get("resource"), tuple(data.get("routes", ())),
                   tuple(data["columns"]), lookups, data.get("external_id"), tuple(data.get("record_types", ())),
                   tuple(data.get("audit_fields", ())), data.get("kind", StepKind.LOAD),
                   tuple(data.get("create_only", ())))


def _lookup_tables(compiled: CompiledMap, step: Any, primary_routes: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    def table_of(name: str) -> str | None:
        route = compiled.routes.get(name)
        return None if route is None else route.table

    if isinstance(step, LookupTransform):
        params = step.lookup
        if params.record:
            return (params.record,)
        names = (params.rule,) if params.rule else primary_routes.get(params.resource or "", ())
    else:
        names = step.polymorphic_lookup.all_routes()
    return tuple(dict.fromkeys(t for t in (table_of(n) for n in names if n) if t))


def step_specs(compiled: CompiledMap) -> list[StepSpec]:
    """One spec per table: fixed records first, then inserting routes in map order."""
    primary_routes = {rule.source: tuple(r.name for r in rule.routes) for rule in compiled.rules}
    specs: list[StepSpec] = []
    ext = compiled.map.settings.external_id_field
    for name, record in compiled.map.records.items():
        obj = compiled.fixed_records[name]
        columns = list(record.fields)
        if ext in obj.fields and ext not in columns:
            columns.append(ext)
        specs.append(StepSpec(name, record.target, None, (), tuple(columns), (),
                              ext if ext in obj.fields else None, (), (), StepKind.LOAD))
    merges: dict[str, list[str]] = {}
    for name, route in compiled.routes.items():
        if route.route.mode is RouteMode.MERGE and route.table:
            merges.setdefault(route.table, []).append(name)
    for name, route in compiled.routes.items():
        if route.route.mode is not RouteMode.INSERT:
            continue
        writers = [route, *(compiled.routes[m] for m in merges.get(name, ()))]
        columns: list[str] = []
        create_only: list[str] = []
        lookups: dict[str, LookupSpec] = {}
        for writer in writers:
            for cf in writer.fields:
                if cf.target not in columns:
                    columns.append(cf.target)
                    if cf.describe.createable and not cf.describe.updateable:
                        create_only.append(cf.target)
                if cf.lookup is None:
                    continue
                tables = _lookup_tables(compiled, cf.lookup, primary_routes)
                if tables:
                    lookups[cf.target] = LookupSpec(cf.target, tables, cf.describe.nillable, cf.describe.updateable)
        rt = route.route.record_type
        record_types: tuple[str, ...] = ()
        if isinstance(rt, str):
            record_types = (rt,)
        elif rt is not None:
            record_types = tuple(sorted(set(rt.values.values()) | ({rt.default} if rt.default else set())))
        if record_types:
            columns.append("RecordTypeId")
        if route.route.owner is not None and route.owner_field and "OwnerId" not in columns:
            columns.append("OwnerId")
        kind = StepKind.FILE if route.route.target in FILE_OBJECTS else StepKind.LOAD
        specs.append(StepSpec(name, route.route.target, route.resource, tuple(w.route.name for w in writers),
                              tuple(columns), tuple(lookups.values()), route.external_id, record_types,
                              compiled.audit_fields.get(name, ()), kind, tuple(create_only)))
    return specs
