"""Checks of the map against the target org's schema (its describe, plus what the map creates).

Every target object and field must exist; fields must be writable the way the route writes them
(createable for inserts, updateable for merges); what a rule produces must fit the field's type, length
and picklist; a lookup must point at objects the field references; every field Salesforce requires on
insert must be written; record types and external-Id fields must exist.

Without a describe (no ``--org``/``--describe``), only objects and fields the map creates can be checked;
standard objects are then taken on trust and the report says so.
"""

from __future__ import annotations

from typing import Any

from control.mapping.check_context import CheckContext, RouteAt
from control.mapping.issues import IssueCode
from control.mapping.pipeline_types import produced_by
from control.mapping.rules import RecordTypeRule, RouteMode
from control.mapping.target_schema import AUDIT_FIELDS, TargetField, TargetObject
from control.mapping.value_types import Kind, Produced, accepts

__all__ = ["check_target"]

# fields a route fills by other means than its field rules
_IMPLICIT = frozenset({"OwnerId", "RecordTypeId"})


def _check_fit(ctx: CheckContext, path: tuple[Any, ...], sobject: str, field: TargetField, produced: Produced) -> None:
    problem = accepts(field.type, produced)
    if problem:
        ctx.error(IssueCode.TYPE_MISMATCH, path, f"{sobject}.{field.name} is {field.type}: {problem}")
        return
    if produced.kind is Kind.REFERENCE:
        allowed = set(field.reference_to)
        wrong = [o for o in produced.reference_objects if o not in allowed]
        if wrong and allowed:
            ctx.error(IssueCode.UNMAPPABLE, path,
                      f"{sobject}.{field.name} references {', '.join(sorted(allowed))}, but the lookup can return "
                      f"{', '.join(wrong)} records")
        return
    if field.type in ("picklist", "multipicklist") and produced.values:
        missing = [v for v in produced.values if v not in field.picklist_values]
        if missing:
            say = (f"{', '.join(repr(v) for v in missing)} {'is' if len(missing) == 1 else 'are'} not "
                   f"in the picklist {sobject}.{field.name}")
            if field.restricted:
                ctx.error(IssueCode.UNKNOWN_PICKLIST_VALUE, path, f"{say} (restricted: Salesforce refuses it)")
            else:
                ctx.warning(IssueCode.UNKNOWN_PICKLIST_VALUE, path,
                            f"{say}; Salesforce stores it but users cannot pick it again — add it to the picklist")
    if field.length and produced.max_length and produced.kind is Kind.TEXT and \
            field.type not in ("picklist", "multipicklist") and produced.max_length > field.length:
        ctx.warning(IssueCode.TOO_LONG, path,
                    f"values may be {produced.max_length} characters long; {sobject}.{field.name} holds "
                    f"{field.length}: longer ones will be quarantined (add truncate only if losing the rest is fine)")


def _check_lookup_field(ctx: CheckContext, path: tuple[Any, ...], rule: Any) -> None:
    from control.mapping.transforms import LookupTransform

    for s, step in enumerate(rule.transform):
        if isinstance(step, LookupTransform) and step.lookup.rule and step.lookup.field != "Id":
            route = ctx.route(step.lookup.rule)
            if route is not None and ctx.schema is not None and ctx.schema.described:
                if ctx.schema.field(route.target, step.lookup.field) is None:
                    ctx.error(IssueCode.UNKNOWN_FIELD, (*path, "transform", s, "lookup", "field"),
                              f"{route.target} has no field '{step.lookup.field}'")


def _check_route(ctx: CheckContext, at: RouteAt) -> None:
    assert ctx.schema is not None
    route = at.route
    obj = ctx.schema.object(route.target)
    if obj is None:
        if ctx.schema.described or route.target.endswith("__c"):
            hint = " (define it under targets with a label)" if route.target.endswith("__c") else ""
            ctx.error(IssueCode.UNKNOWN_OBJECT, (*at.path, "target"),
                      f"the org has no object {route.target}{hint}")
        return
    checkable = ctx.schema.described or obj.from_map
    written: set[str] = set()
    for k, rule in enumerate(route.fields):
        path = (*at.path, "fields", k)
        written.add(rule.target)
        field = obj.fields.get(rule.target)
        if field is None:
            if checkable:
                ctx.error(IssueCode.UNKNOWN_FIELD, (*path, "target"), f"{route.target} has no field '{rule.target}'"
                          + (" (define it under targets)" if rule.target.endswith("__c") else ""))
            continue
        writable = field.updateable if route.mode is RouteMode.MERGE else field.createable
        if not writable:
            if rule.target in AUDIT_FIELDS and route.mode is RouteMode.INSERT:
                ctx.audit_fields.setdefault(route.target, (*path, "target"))
            else:
                how = "updated" if route.mode is RouteMode.MERGE else "set on insert"
                ctx.error(IssueCode.NOT_WRITABLE, (*path, "target"), f"{route.target}.{rule.target} cannot be {how}")
            continue
        produced = produced_by(ctx, rule, path, at.rule.source, route,
                               lambda p, m: ctx.error(IssueCode.UNMAPPABLE, p, m))
        _check_fit(ctx, (*path, "target"), route.target, field, produced)
        _check_lookup_field(ctx, path, rule)
    _check_route_parts(ctx, at, obj, written, checkable)


def _check_route_parts(ctx: CheckContext, at: RouteAt, obj: TargetObject, written: set[str], checkable: bool) -> None:
    route = at.route
    if route.external_id and checkable:
        ext = obj.fields.get(route.external_id)
        if ext is None or not ext.external_id:
            ctx.error(IssueCode.UNMAPPABLE, (*at.path, "external_id"),
                      f"{route.target}.{route.external_id} is not an external-Id field"
                      + (" (it does not exist)" if ext is None else ""))
        elif route.external_id not in written:
            ctx.error(IssueCode.REQUIRED_NOT_MAPPED, (*at.path, "external_id"),
                      f"no field rule writes {route.external_id}, the route's external Id")
    record_types = [route.record_type] if isinstance(route.record_type, str) else (
        list(route.record_type.values.values()) + ([route.record_type.default] if route.record_type.default else [])
        if isinstance(route.record_type, RecordTypeRule) else [])
    for name in dict.fromkeys(record_types):
        if name not in obj.record_types and checkable:
            ctx.error(IssueCode.UNKNOWN_RECORD_TYPE, (*at.path, "record_type"),
                      f"{route.target} has no record type '{name}' (define it under targets.{route.target}.record_types)")
    if route.owner is not None and checkable and "OwnerId" not in obj.fields:
        ctx.error(IssueCode.UNMAPPABLE, (*at.path, "owner"), f"{route.target} records have no owner (no OwnerId)")
    if route.match is not None and checkable and route.match.target_field not in obj.fields:
        ctx.error(IssueCode.UNKNOWN_FIELD, (*at.path, "match", "target_field"),
                  f"{route.target} has no field '{route.match.target_field}'")
    if route.mode is RouteMode.INSERT and checkable:
        for field in obj.fields.values():
            if field.required_on_create and field.name not in written and field.name not in _IMPLICIT:
                ctx.error(IssueCode.REQUIRED_NOT_MAPPED, (*at.path, "fields"),
                          f"{route.target}.{field.name} is required on insert but no field rule of route "
                          f"'{route.name}' writes it")


def _check_records(ctx: CheckContext) -> None:
    assert ctx.schema is not None
    for name, record in ctx.map.records.items():
        obj = ctx.schema.object(record.target)
        if obj is None:
            if ctx.schema.described:
                ctx.error(IssueCode.UNKNOWN_OBJECT, ("records", name, "target"), f"the org has no object {record.target}")
            continue
        for field_name in record.fields:
            if (ctx.schema.described or obj.from_map) and field_name not in obj.fields:
                ctx.error(IssueCode.UNKNOWN_FIELD, ("records", name, "fields", field_name),
                          f"{record.target} has no field '{field_name}'")


def check_target(ctx: CheckContext) -> None:
    if ctx.schema is None:
        return
    for at in ctx.iter_routes():
        if at.route.mode is RouteMode.MATCH:
            obj = ctx.schema.object(at.route.target)
            if obj is None and ctx.schema.described:
                ctx.error(IssueCode.UNKNOWN_OBJECT, (*at.path, "target"), f"the org has no object {at.route.target}")
            elif obj is not None:
                _check_route_parts(ctx, at, obj, set(), ctx.schema.described or obj.from_map)
            continue
        _check_route(ctx, at)
    _check_records(ctx)
    if ctx.audit_fields:
        first = next(iter(ctx.audit_fields.values()))
        ctx.warning(IssueCode.AUDIT_FIELDS, first,
                    "audit fields (CreatedDate, CreatedById) are not createable in this org on "
                    f"{', '.join(sorted(ctx.audit_fields))}: enable \"Set Audit Fields upon Record Creation\" and "
                    f"assign the {ctx.map.settings.permission_set} permission set before loading")
