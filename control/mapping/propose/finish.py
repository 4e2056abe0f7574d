"""Finishing a route's decisions: names and specs of new fields, lookups, value maps, transforms, and the
fields Salesforce requires that no decision fills.

::

    matched decisions of one route ─► map: transform steps (parse, number, value map, lookup, concatenate
                                      │     for joined street lines)
                                      ├► create: a unique API name, the field spec (create.py), a value map
                                      │     of new picklist values, a lookup to where the parent landed
                                      └► required fields left empty: the best column, or a constant

:class:`Builder` gathers what all routes create (custom objects and fields, value maps, relationship
names) so names stay unique across the proposal. Lookups name the route the parent took
(``{lookup: {rule: route}}``), or the resource when every route it took fits the field
(``{lookup: {resource: work_orders}}``).
"""

from __future__ import annotations

from typing import Any, Callable

from rapidfuzz import fuzz

from control.mapping.expand import api_name_for
from control.mapping.inventory import SourceType
from control.mapping.propose.create import new_field_name, new_field_spec, steps_for
from control.mapping.propose.lexicon import expand
from control.mapping.propose.picklists import map_values, new_picklist_values
from control.mapping.propose.proposal import DecisionKind, FieldDecision, ObjectDecision, ValueMapProposal
from control.mapping.propose.routing import object_concept
from control.mapping.propose.scorers import candidate_for
from control.mapping.propose.source import SourceColumn
from control.mapping.target_schema import DESCRIBE_TYPE, TargetField, TargetObject, TargetSchema

__all__ = ["Builder", "Landing", "finish_route", "fill_required", "NEW_OBJECT_FIELDS"]

_NAME_FIELD = TargetField("Name", "string", "Name", length=80, nillable=True)
# what a new custom object offers a column besides the fields created for it
NEW_OBJECT_FIELDS = (_NAME_FIELD, TargetField("CreatedDate", "datetime", "Created Date", defaulted_on_create=True),
                      TargetField("LastModifiedDate", "datetime", "Last Modified Date", createable=False))


class Landing:
    """Where each resource's records land: its insert routes (route name, sObject)."""

    def __init__(self, routes: list[ObjectDecision]) -> None:
        self.routes: dict[str, list[tuple[str, str]]] = {}
        for r in routes:
            if r.target and r.route and r.mode == "insert":
                self.routes.setdefault(r.resource, []).append((r.route, r.target))

    def objects(self) -> dict[str, tuple[str, ...]]:
        """resource → the sObjects its records land in (what a lookup field must reference)."""
        return {res: tuple(t for _, t in routes) for res, routes in self.routes.items()}

    def lookup(self, resource: str | None, reference_to: tuple[str, ...] | None = None) -> dict[str, Any] | None:
        """The lookup step's parameters for a reference to ``resource`` written into a field referencing
        ``reference_to`` (None: a new lookup, to the first route's object)."""
        routes = self.routes.get(resource or "", [])
        fitting = [(n, t) for n, t in routes if reference_to is None or t in reference_to]
        if not fitting:
            return None
        if reference_to is not None and len(routes) > 1 and len(fitting) == len(routes):
            return {"resource": resource}
        return {"rule": fitting[0][0]}


class Builder:
    """Accumulates targets (custom objects and fields) and value maps while routes are finished."""

    def __init__(self, schema: TargetSchema) -> None:
        self.schema = schema
        self.targets: dict[str, dict[str, Any]] = {}  # sObject → {"spec": kwargs, "fields": {name: FieldSpec}}
        self.value_maps: list[ValueMapProposal] = []
        self.vm_names: set[str] = set()
        self.relationships: dict[str, set[str]] = {}

    def obj(self, name: str) -> dict[str, Any]:
        return self.targets.setdefault(name, {"spec": {}, "fields": {}})

    def taken(self, sobject: str) -> set[str]:
        # Task and Event custom fields are one set (Activity fields in Salesforce)
        shared = ("Task", "Event") if sobject in ("Task", "Event") else (sobject,)
        names: set[str] = set()
        for name in shared:
            existing = self.schema.object(name)
            names |= set(existing.fields) if existing else set()
            names |= set(self.targets.get(name, {}).get("fields", {}))
        return {n.removesuffix("__c") for n in names} | {"Name"}

    def value_map_name(self, route: str, field: str) -> str:
        base = f"{route}_{api_name_for(field.removesuffix('__c'), limit=40).lower()}"[:80]
        name, n = base, 2
        while name in self.vm_names:
            name = f"{base}_{n}"
            n += 1
        self.vm_names.add(name)
        return name

    def relationship(self, parent: str, child: str, field: str) -> str:
        used = self.relationships.setdefault(parent, set())
        base = api_name_for(f"{child.removesuffix('__c')} {field.removesuffix('__c')}", limit=38)
        name = api_name_for(base, taken=used, limit=38)
        used.add(name)
        return name


def finish_route(route: ObjectDecision, decisions: tuple[FieldDecision, ...], builder: Builder,
                 landing: Landing) -> list[FieldDecision]:
    """Names, specs, transforms and value maps for the route's decisions."""
    assert route.target and route.route
    sobject = route.target
    existing = builder.schema.object(sobject)
    out: list[FieldDecision] = []
    joined: dict[str, list[str]] = {}
    for d in decisions:
        if d.kind is DecisionKind.JOIN and d.target:
            joined.setdefault(d.target, []).append(d.column.path)
    for d in decisions:
        column = d.column
        if d.kind is DecisionKind.MAP and d.target in joined:
            sources = [column.path, *joined[d.target]]
            out.append(d._replace(transform=({"concatenate": {"sources": sources, "separator": "\n"}},),
                                  reasons=(*d.reasons, f"joined with {', '.join(sources[1:])} (a second street line)")))
            continue
        if d.kind is DecisionKind.MAP and d.target:
            field = existing.fields.get(d.target) if existing else None
            field = field or next((f for f in NEW_OBJECT_FIELDS if f.name == d.target), None)
            describe = field.type if field else "string"
            value_map = None
            if column.type is SourceType.ENUM and column.values and field is not None and \
                    describe in ("picklist", "multipicklist", "combobox") and field.picklist_values:
                value_map = builder.value_map_name(route.route, d.target)
                builder.value_maps.append(ValueMapProposal(value_map, column.key, f"{sobject}.{d.target}",
                                                           map_values(_route_values(route, column), field)))
            lookup = landing.lookup(column.reference, field.reference_to if field else ()) \
                if column.type is SourceType.REFERENCE else None
            out.append(d._replace(transform=steps_for(column, describe, value_map=value_map, lookup=lookup)))
            continue
        if d.kind is not DecisionKind.CREATE:
            out.append(d)
            continue
        name = d.target or new_field_name(column, builder.taken(sobject))
        if column.type is SourceType.REFERENCE:
            parents = landing.routes.get(column.reference or "", [])
            if not parents:
                why = f"references {column.reference}, which is not migrated"
                out.append(d._replace(kind=DecisionKind.SKIP, target=None, skip_reason=why, reasons=(why,)))
                continue
            # parents split over several objects: the one the column is named after (work_order_id → Work_Order__c)
            parent_route, parent = max(parents, key=lambda p: (fuzz.ratio(expand(column.label), expand(p[1])),
                                                                -parents.index(p)))
            if len(parents) > 1:
                others = ", ".join(t for r, t in parents if r != parent_route)
                d = d._replace(reasons=(*d.reasons, f"a lookup to {parent}: records whose {column.reference} "
                                                    f"landed in {others} get no link here; add a lookup for those"))
            spec = new_field_spec(column, reference_to=parent,
                                  relationship=builder.relationship(parent, sobject, name))
            steps = steps_for(column, "reference", lookup={"rule": parent_route})
        elif column.type is SourceType.ENUM and column.values:
            vm = builder.value_map_name(route.route, name)
            builder.value_maps.append(ValueMapProposal(vm, column.key, f"{sobject}.{name}",
                                                       new_picklist_values(_route_values(route, column))))
            spec = new_field_spec(column, value_map=vm)
            steps = ({"value_map": vm},)
        else:
            spec = new_field_spec(column)
            steps = steps_for(column, _describe_of(spec.type))
        builder.obj(sobject)["fields"][name] = spec
        out.append(d._replace(target=name, transform=steps, target_type=str(spec.type)))
    return out


def _route_values(route: ObjectDecision, column: SourceColumn) -> tuple[str, ...]:
    """The values of ``column`` records on this route can have (a route's ``when … in`` narrows them)."""
    when = route.when or {}
    if when.get("field") == column.path and isinstance(when.get("in"), list):
        return tuple(str(v) for v in when["in"])
    return column.values or ()


def _describe_of(kind: Any) -> str:
    return DESCRIBE_TYPE[kind]


def fill_required(route: ObjectDecision, obj: TargetObject | None, decided: list[FieldDecision],
                  columns: list[SourceColumn], rank: Callable[[SourceColumn, list[Any]], list[Any]],
                  landing: Landing) -> list[FieldDecision]:
    """Extra rules for fields Salesforce requires on insert that no decision writes."""
    if obj is None:
        return []
    written = {d.target for d in decided if d.kind is DecisionKind.MAP}
    extra: list[FieldDecision] = []
    for field in obj.fields.values():
        if not field.required_on_create or field.name in written or field.name in ("OwnerId", "RecordTypeId"):
            continue
        candidate = candidate_for(obj.name, field, object_concept(obj.name))
        best = None
        for column in columns:
            if column.role.value != "data":
                continue
            scored = rank(column, [candidate])
            if scored and (best is None or scored[0].score > best[0]):
                best = (scored[0].score, column, scored[0])
        if best is not None:
            _, column, hit = best
            lookup = landing.lookup(column.reference, field.reference_to) \
                if column.type is SourceType.REFERENCE else None
            extra.append(FieldDecision(column, DecisionKind.MAP, field.name, round(min(0.5, hit.score), 3),
                                       (f"Salesforce requires {obj.name}.{field.name}; the best column for it",
                                        *hit.reasons), transform=steps_for(column, field.type, lookup=lookup),
                                       target_type=field.type))
        elif field.picklist_values:
            extra.append(FieldDecision(columns[0]._replace(path="", label=field.name), DecisionKind.MAP, field.name,
                                       0.3, (f"Salesforce requires {obj.name}.{field.name} and no column fits: "
                                             f"the constant '{field.picklist_values[0]}'; review",),
                                       transform=({"constant": field.picklist_values[0]},), target_type=field.type))
    return extra


