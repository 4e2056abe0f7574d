"""The dataset's load steps (:class:`~control.datasets.steps.StepSpec`) from the compiled map.

One step per table: the map's fixed records first, then every inserting route in map order. A route's
table also carries the columns of the ``merge`` routes that write onto its rows (a single-site location's
shipping address on its client's Account). Lookup columns list every table they may name; create-only
columns (describe: createable, not updateable) decide whether the step can be an upsert.
"""

from __future__ import annotations

from typing import Any, Mapping

from control.datasets.steps import FILE_OBJECTS, LookupSpec, StepKind, StepSpec
from control.mapping.rules import RouteMode
from control.mapping.transforms import LookupTransform
from control.transform.compile import CompiledMap

__all__ = ["step_specs"]


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
