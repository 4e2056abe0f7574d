"""Expanding the map with what the audit discovered: auto-mapped custom fields and custom tables.

The written map stays short and tenant-independent (``custom_fields: auto`` on a route,
``custom_tables: {mode: auto}``); :func:`expand_map` turns it into the concrete map every later stage
reads — the validator, the metadata generator and the transform — so they all agree on the same names
and types.

* A route with ``custom_fields: auto`` gets, for each discovered custom field of its resource that no
  field rule reads, a custom field on its target (named from the key: ``"Gate Code"`` → ``Gate_Code__c``,
  typed from the audit) and a field rule with the transform the type needs (number parsing, yes/no, dates).
* Each custom table without an object rule becomes ``<Table_Key>__c`` (mode ``auto``) or is skipped with
  the reason (mode ``skip``). Its rows carry ``ServiceTracker_Id__c`` and, with ``link_parent``, a lookup to
  every object its parent resource lands in.

Expansion is deterministic: the same map and inventory give the same names in the same order.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from control.mapping.document import CustomTableMode, MigrationMap, Origins
from control.mapping.inventory import CUSTOM_PREFIX, SourceField, SourceInventory, SourceResource, SourceType
from control.mapping.rules import CustomFieldPolicy, FieldRule, MissingParent, ObjectRule, Route, RouteMode
from control.mapping.targets import FieldKind, FieldSpec, NameFieldKind, NameFieldSpec, ObjectSpec
from control.mapping.transforms import (
    BooleanTransform,
    LookupParams,
    LookupTransform,
    NaivePolicy,
    NumberParams,
    NumberTransform,
    ParseDateParams,
    ParseDateTransform,
    ParseDatetimeParams,
    ParseDatetimeTransform,
    ValueMapTransform,
)
from control.mapping.values import Unmapped, ValueMap

__all__ = ["Expansion", "ExpandedMap", "expand_map", "api_name_for", "custom_table_object"]

_WORD = re.compile(r"[A-Za-z0-9]+")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


class Expansion(NamedTuple):
    """One thing expansion added, for reports: ``kind`` is ``field`` or ``object``."""

    kind: str
    route: str
    target: str
    name: str
    source: str


class ExpandedMap(NamedTuple):
    map: MigrationMap
    added: tuple[Expansion, ...]


def api_name_for(text: str, *, taken: set[str] | frozenset[str] = frozenset(), limit: int = 40) -> str:
    """A Salesforce custom API name (without ``__c``) for a tenant's label: words joined by ``_``, each
    capitalised, a letter first, at most ``limit`` characters, unique (case-insensitively) among ``taken``."""
    words = _WORD.findall(text)
    base = "_".join(w[:1].upper() + w[1:] for w in words) or "Field"
    if not base[0].isalpha():
        base = "X" + base
    base = base[:limit].rstrip("_")
    lowered = {t.lower() for t in taken}
    candidate, n = base, 2
    while candidate.lower() in lowered:
        suffix = f"_{n}"
        candidate = base[: limit - len(suffix)].rstrip("_") + suffix
        n += 1
    return candidate


def custom_table_object(key: str) -> str:
    """The custom object a custom table becomes: ``inspection_forms`` → ``Inspection_Forms__c``."""
    return api_name_for(key) + "__c"


def _spec_and_steps(field: SourceField, label: str, resource: str) -> tuple[FieldSpec, tuple[Any, ...]]:
    help_text = (f'ServiceTracker custom field "{field.name.removeprefix(CUSTOM_PREFIX)}" of {resource} '
                 f'({field.type}, found by the audit).')
    base: dict[str, Any] = {"label": label[:40] or "Field", "help": help_text[:510]}
    kind = field.type
    if kind in (SourceType.STRING, SourceType.ID, SourceType.REFERENCE):
        if (field.max_length or 0) <= 255:
            return FieldSpec(type=FieldKind.TEXT, length=255, **base), ()
        return FieldSpec(type=FieldKind.LONG_TEXT_AREA, length=131072 if field.max_length > 32768 else 32768,
                         visible_lines=4, **base), ()
    if kind is SourceType.INTEGER:
        return FieldSpec(type=FieldKind.NUMBER, precision=18, scale=0, **base), \
            (NumberTransform(number=NumberParams(scale=0)),)
    if kind is SourceType.NUMBER:
        scale = min(field.scale if field.scale is not None else 2, 8)
        return FieldSpec(type=FieldKind.NUMBER, precision=18, scale=scale, **base), \
            (NumberTransform(number=NumberParams(scale=scale)),)
    if kind is SourceType.BOOLEAN:
        return FieldSpec(type=FieldKind.CHECKBOX, default_value="false", **base), (BooleanTransform(),)
    if kind is SourceType.DATE:
        return FieldSpec(type=FieldKind.DATE, **base), \
            (ParseDateTransform(parse_date=ParseDateParams(formats=_DATE_FORMATS)),)
    if kind is SourceType.DATETIME:
        return FieldSpec(type=FieldKind.DATETIME, **base), \
            (ParseDatetimeTransform(parse_datetime=ParseDatetimeParams(naive=NaivePolicy.TENANT)),)
    if kind is SourceType.ENUM and field.values:
        canonical: dict[str, str] = {}
        for value in field.values:  # Salesforce picklist values are unique ignoring case: "Gold" and "gold" are one
            canonical.setdefault(value.casefold(), value)
        spec = FieldSpec(type=FieldKind.PICKLIST, values=tuple(canonical.values()), restricted=False, **base)
        if len(canonical) == len(field.values):
            return spec, ()
        folding = ValueMap(values={v: canonical[v.casefold()] for v in field.values}, unmapped=Unmapped.KEEP)
        return spec, (ValueMapTransform(value_map=folding),)
    if kind is SourceType.EMAIL:
        return FieldSpec(type=FieldKind.EMAIL, **base), ()
    if kind is SourceType.PHONE:
        return FieldSpec(type=FieldKind.PHONE, **base), ()
    if kind is SourceType.URL:
        return FieldSpec(type=FieldKind.URL, **base), ()
    return FieldSpec(type=FieldKind.LONG_TEXT_AREA, length=32768, visible_lines=4, **base), ()


def _expand_route(route: Route, resource: SourceResource | None, targets: dict[str, ObjectSpec],
                  added: list[Expansion]) -> Route:
    if route.custom_fields is not CustomFieldPolicy.AUTO or resource is None or route.mode is RouteMode.MATCH:
        return route
    prefix = route.custom_field_prefix
    used_sources = {rule.source for rule in route.fields if rule.source} | {s.source for s in route.skipped}
    spec = targets.get(route.target, ObjectSpec())
    taken = {name.removesuffix("__c") for name in spec.fields} | {rule.target.removesuffix("__c") for rule in route.fields}
    new_rules = list(route.fields)
    new_fields = dict(spec.fields)
    for field in sorted(resource.custom_fields(), key=lambda f: f.name):
        if field.name in used_sources:
            continue
        key = field.name.removeprefix(CUSTOM_PREFIX)
        label = f"{prefix} {key}" if prefix else key
        field_spec, steps = _spec_and_steps(field, label, resource.name)
        existing = next((n for n, s in new_fields.items() if s.help == field_spec.help), None)
        name = existing or api_name_for(label, taken=taken) + "__c"
        taken.add(name.removesuffix("__c"))
        new_fields.setdefault(name, field_spec)
        new_rules.append(FieldRule(target=name, source=field.name, transform=steps))
        added.append(Expansion("field", route.name, route.target, name, field.name))
    targets[route.target] = spec.model_copy(update={"fields": new_fields})
    return route.model_copy(update={"fields": tuple(new_rules)})


def _parent_routes(base: MigrationMap, resource: str | None) -> list[Route]:
    if not resource:
        return []
    return [route for rule in base.rules_for(resource) for route in rule.routes
            if route.mode is RouteMode.INSERT and not route.each]


def _custom_table_rule(base: MigrationMap, table: SourceResource, targets: dict[str, ObjectSpec],
                       added: list[Expansion]) -> ObjectRule:
    key = table.name.split("/", 1)[1]
    if base.custom_tables.mode is CustomTableMode.SKIP:
        return ObjectRule(source=table.name, skip="custom_tables mode is skip: custom tables are not migrated")
    obj = custom_table_object(key)
    route_name = "custom_table_" + api_name_for(key, limit=60).lower()
    ext = base.settings.external_id_field
    fields: dict[str, FieldSpec] = {ext: FieldSpec(
        type=FieldKind.TEXT, length=64, label="ServiceTracker Id", external_id=True, unique=True,
        help="The row's id in ServiceTracker. st2sf matches records by it on re-load and delta sync; do not edit.")}
    rules = [FieldRule(target=ext, source="id")]
    relationship = api_name_for(table.label or key, limit=37)
    if base.custom_tables.link_parent:
        for parent in _parent_routes(base, table.parent_resource):
            field_name = api_name_for(parent.target.removesuffix("__c"), taken=set(fields)) + "__c"
            fields[field_name] = FieldSpec(
                type=FieldKind.LOOKUP, label=(base.targets.get(parent.target, ObjectSpec()).label
                                              or parent.target.removesuffix("__c").replace("_", " "))[:40],
                reference_to=parent.target, relationship_name=relationship, relationship_label=table.label[:40],
                delete_constraint="SetNull", help=f"The {table.parent_resource} record this row belongs to.")
            rules.append(FieldRule(target=field_name, source="parent_id",
                                   transform=(LookupTransform(lookup=LookupParams(rule=parent.name)),),
                                   on_missing=MissingParent.NULL))
    label = (table.label or key.replace("_", " ").title())[:40]
    targets[obj] = ObjectSpec(
        label=label, plural_label=label, description=f"ServiceTracker custom table '{key}'.",
        name_field=NameFieldSpec(label="Row Number", type=NameFieldKind.AUTO_NUMBER,
                                 display_format=api_name_for(key, limit=10).upper() + "-{0000000}"),
        sharing_model=base.custom_tables.sharing_model, fields=fields)
    added.append(Expansion("object", route_name, obj, obj, table.name))
    route = Route(name=route_name, target=obj, external_id=ext, custom_fields=CustomFieldPolicy.AUTO,
                  fields=tuple(rules))
    return ObjectRule(source=table.name, routes=(route,),
                      description=f"Custom table '{key}' → {obj} (custom_tables: auto).")


def expand_map(base: MigrationMap, inventory: SourceInventory | None, origins: Origins | None = None) -> ExpandedMap:
    """The concrete map: auto custom fields and custom tables filled in from ``inventory``."""
    if inventory is None:
        return ExpandedMap(base, ())
    targets = dict(base.targets)
    added: list[Expansion] = []
    explicit_sources = {rule.source for rule in base.objects}
    objects: list[ObjectRule] = list(base.objects)
    settings_origin = origins.resolve(("custom_tables",)) if origins else None
    for table in sorted(inventory.custom_tables(), key=lambda t: t.name):
        if table.name in explicit_sources:
            continue
        if origins is not None and settings_origin is not None:
            document = origins.documents.index(settings_origin[0])
            origins.add(("objects", len(objects)), document, settings_origin[1])
        objects.append(_custom_table_rule(base, table, targets, added))
    expanded: list[ObjectRule] = []
    for rule in objects:
        resource = inventory.resource(rule.source)
        routes = tuple(_expand_route(r, resource, targets, added) for r in rule.routes)
        also = tuple(_expand_route(r, resource, targets, added) for r in rule.also)
        expanded.append(rule.model_copy(update={"routes": routes, "also": also}) if rule.skip is None else rule)
    return ExpandedMap(base.model_copy(update={"targets": targets, "objects": tuple(expanded)}), tuple(added))
