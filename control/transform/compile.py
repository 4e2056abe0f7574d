"""Compiling the approved map against the org's describe: routes, fields and steps ready to run.

Compilation happens once, before a record is read, and is where everything the org must already have
is checked: every target object and field exists (the generated metadata is deployed), every record
type exists, the fallback owner is an active user. Problems are collected and raised together as one
:class:`~control.errors.UsageError` listing them.

Per route it fixes:

* the **table** its rows go to (its own name for inserting routes; the ``into`` route's table for
  ``merge`` routes; none for ``match`` routes, whose lookups return existing Ids);
* per field rule the **value steps**, the **lookup** (always the last step) and the ``on_missing``
  policy, and the org's describe of the target field;
* **audit fields**: ``CreatedDate``/``CreatedById`` are kept when the org lets this user set them
  (describe: createable); otherwise CreatedDate goes to ``Original_Created_Date__c`` when the object has
  it, and a warning says what is lost.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from control.datasets.steps import FILE_OBJECTS
from control.errors import UsageError
from control.mapping.document import MigrationMap
from control.mapping.rules import FieldRule, MissingParent, ObjectRule, Route, RouteMode
from control.mapping.target_schema import TargetField, TargetObject
from control.mapping.transforms import FileContentTransform, LookupTransform, PolymorphicLookupTransform
from control.salesforce.org_data import OrgSnapshot

__all__ = ["CompiledField", "CompiledRoute", "CompiledMap", "compile_map", "staging_resource", "FILE_OBJECTS",
           "ORIGINAL_CREATED_DATE"]

ORIGINAL_CREATED_DATE = "Original_Created_Date__c"
_AUDIT = ("CreatedDate", "CreatedById")


def staging_resource(resource: str) -> str:
    """The staging name of a map resource (custom tables' rows live under ``custom_tables/<key>/rows``)."""
    if resource.startswith("custom_tables/") and not resource.endswith("/rows"):
        return resource + "/rows"
    return resource


class CompiledField(NamedTuple):
    rule: FieldRule
    target: str                      # the field written (after audit-field redirection)
    describe: TargetField
    value_steps: tuple[Any, ...]
    lookup: Any | None               # LookupTransform | PolymorphicLookupTransform
    on_missing: MissingParent
    file: bool                       # file_content: the attachment body (uploaded by the loader)


class CompiledRoute(NamedTuple):
    route: Route
    resource: str
    primary: bool
    table: str | None
    sobject: TargetObject
    fields: tuple[CompiledField, ...]
    external_id: str | None
    owner_field: bool                # the object has a createable OwnerId


class CompiledMap(NamedTuple):
    map: MigrationMap
    routes: dict[str, CompiledRoute]
    rules: tuple[ObjectRule, ...]    # object rules with routes (not skipped)
    skipped: dict[str, str]          # resource → the map's reason
    fixed_records: dict[str, TargetObject]
    warnings: tuple[str, ...]
    audit_fields: dict[str, tuple[str, ...]]   # table → audit fields its rows carry

    def route_resource(self, name: str) -> str:
        return self.routes[name].resource


def _lookup_of(rule: FieldRule, where: str, problems: list[str]) -> tuple[tuple[Any, ...], Any | None]:
    steps = tuple(rule.transform)
    positions = [i for i, s in enumerate(steps) if isinstance(s, (LookupTransform, PolymorphicLookupTransform))]
    if not positions:
        return steps, None
    if positions != [len(steps) - 1]:
        problems.append(f"{where}: a lookup must be the rule's last transform step")
    return steps[:positions[0]], steps[positions[0]]


def _audit_target(rule: FieldRule, obj: TargetObject, warnings: list[str], where: str) -> str | None:
    """The field an audit-field rule writes in this org, or None (dropped, with a warning)."""
    field = obj.fields.get(rule.target)
    if field is not None and field.createable:
        return rule.target
    if rule.target == "CreatedDate":
        keep = obj.fields.get(ORIGINAL_CREATED_DATE)
        if keep is not None and keep.createable:
            warnings.append(f"{where}: the org does not let this user set {obj.name}.CreatedDate; the original "
                            f"create date goes to {ORIGINAL_CREATED_DATE}.")
            return ORIGINAL_CREATED_DATE
        warnings.append(f"{where}: the org does not let this user set {obj.name}.CreatedDate and {obj.name} has "
                        f"no {ORIGINAL_CREATED_DATE}: original create dates are not kept. Enable 'Set Audit Fields "
                        "upon Record Creation' and assign the migration permission set, or add the field.")
    else:
        warnings.append(f"{where}: the org does not let this user set {obj.name}.{rule.target}: original authors "
                        "are not kept.")
    return None


def _compile_route(m: MigrationMap, org: OrgSnapshot, rule: ObjectRule, route: Route, primary: bool,
                   problems: list[str], warnings: list[str], audit: dict[str, list[str]]) -> CompiledRoute | None:
    where = f"route {route.name} ({rule.source} → {route.target})"
    obj = org.schema.object(route.target)
    if obj is None:
        problems.append(f"{where}: the org has no object {route.target}")
        return None
    if route.mode is RouteMode.MATCH:
        return CompiledRoute(route, rule.source, primary, None, obj, (), None, False)
    table = route.merge.into if route.mode is RouteMode.MERGE and route.merge else route.name
    fields: list[CompiledField] = []
    for frule in route.fields:
        target = frule.target
        if target in _AUDIT:
            kept = _audit_target(frule, obj, warnings, where)
            if kept is None:
                continue
            target = kept
            if route.target not in FILE_OBJECTS:
                audit.setdefault(table, [])
                if target not in audit[table]:
                    audit[table].append(target)
        describe = obj.fields.get(target)
        if describe is None:
            problems.append(f"{where}: the org has no field {route.target}.{target} (deploy the generated metadata: "
                            "st2sf metadata deploy)")
            continue
        steps, lookup = _lookup_of(frule, f"{where} field {target}", problems)
        is_file = any(isinstance(s, FileContentTransform) for s in steps)
        fields.append(CompiledField(frule, target, describe, tuple(s for s in steps
                                                                   if not isinstance(s, FileContentTransform)),
                                    lookup, frule.on_missing or route.missing_parent, is_file))
    if isinstance(route.record_type, str):
        names = {route.record_type}
    elif route.record_type is not None:
        names = set(route.record_type.values.values()) | ({route.record_type.default} if route.record_type.default
                                                            else set())
    else:
        names = set()
    for name in sorted(names - obj.record_types):
        problems.append(f"{where}: the org has no {route.target} record type {name}")
    owner = obj.fields.get("OwnerId")
    return CompiledRoute(route, rule.source, primary, table, obj, tuple(fields), route.external_id,
                         owner is not None and owner.createable)


def compile_map(m: MigrationMap, org: OrgSnapshot) -> CompiledMap:
    problems: list[str] = []
    warnings: list[str] = []
    audit: dict[str, list[str]] = {}
    routes: dict[str, CompiledRoute] = {}
    rules: list[ObjectRule] = []
    skipped: dict[str, str] = {}
    for rule in m.objects:
        if rule.skip is not None:
            skipped[rule.source] = rule.skip
            continue
        rules.append(rule)
        for primary, group in ((True, rule.routes), (False, rule.also)):
            for route in group:
                compiled = _compile_route(m, org, rule, route, primary, problems, warnings, audit)
                if compiled is not None:
                    routes[route.name] = compiled
    fixed: dict[str, TargetObject] = {}
    for name, record in m.records.items():
        obj = org.schema.object(record.target)
        if obj is None:
            problems.append(f"fixed record {name}: the org has no object {record.target}")
            continue
        for field in record.fields:
            if field not in obj.fields:
                problems.append(f"fixed record {name}: the org has no field {record.target}.{field}")
        fixed[name] = obj
    if problems:
        shown = "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more" if len(problems) > 8 else "")
        raise UsageError(f"The org '{org.name}' does not have what the map writes: {shown}.",
                         hint="Deploy the generated schema first (st2sf metadata deploy), or correct the map.",
                         problems=problems)
    return CompiledMap(m, routes, tuple(rules), skipped, fixed, tuple(dict.fromkeys(warnings)),
                       {t: tuple(f) for t, f in audit.items()})
