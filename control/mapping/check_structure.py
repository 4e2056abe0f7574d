"""Checks of the map against itself: names defined once, every name it uses defined, target specs whole.

These need neither the source inventory nor the org: a route named twice, a lookup to a route that does
not exist, a value map nobody defined, a record type without the business process Salesforce requires,
two lookups giving one parent object the same child relationship name.
"""

from __future__ import annotations

from typing import Any

from control.mapping.check_context import BUSINESS_PROCESS_OBJECTS, NO_CUSTOM_FIELDS, CheckContext
from control.mapping.issues import IssueCode
from control.mapping.rules import RouteMode
from control.mapping.targets import REFERENCE_KINDS
from control.mapping.transforms import LookupTransform, PolymorphicLookupTransform, ValueMapTransform

__all__ = ["check_structure"]


def _check_names(ctx: CheckContext) -> None:
    seen_routes: dict[str, tuple[Any, ...]] = {}
    sources: dict[str, int] = {}
    for at in ctx.iter_routes():
        if at.route.name in seen_routes:
            ctx.error(IssueCode.DUPLICATE, (*at.path, "name"),
                      f"route name '{at.route.name}' is already used at {ctx.origins.position(seen_routes[at.route.name])};"
                      " route names must be unique in the map")
        else:
            seen_routes[at.route.name] = (*at.path, "name")
    for i, rule in enumerate(ctx.map.objects):
        if rule.source in sources:
            ctx.error(IssueCode.DUPLICATE, ("objects", i, "source"),
                      f"'{rule.source}' already has an object rule (objects[{sources[rule.source]}]); "
                      "put all its routes in one rule")
        else:
            sources[rule.source] = i


def _check_route_refs(ctx: CheckContext, route_path: tuple[Any, ...], name: str, *, expect_mode: RouteMode | None = None,
                      expect_target: str | None = None) -> None:
    route = ctx.route(name)
    if route is None:
        ctx.error(IssueCode.UNKNOWN_ROUTE, route_path, f"no route is named '{name}'")
        return
    if expect_mode is not None and route.mode is not expect_mode:
        ctx.error(IssueCode.UNMAPPABLE, route_path, f"route '{name}' must be a {expect_mode} route (it is {route.mode})")
    if expect_target is not None and route.target != expect_target:
        ctx.error(IssueCode.UNMAPPABLE, route_path, f"route '{name}' targets {route.target}, not {expect_target}")


def _check_field_rule_refs(ctx: CheckContext, source: str, rule_path: tuple[Any, ...], rule: Any) -> None:
    for s, step in enumerate(rule.transform):
        step_path = (*rule_path, "transform", s)
        if isinstance(step, ValueMapTransform) and isinstance(step.value_map, str) \
                and step.value_map not in ctx.map.value_maps:
            ctx.error(IssueCode.UNKNOWN_VALUE_MAP, (*step_path, "value_map"),
                      f"no value map is named '{step.value_map}' (define it under value_maps)")
        if isinstance(step, LookupTransform):
            params = step.lookup
            if params.rule is not None:
                _check_route_refs(ctx, (*step_path, "lookup", "rule"), params.rule)
            elif params.record is not None and params.record not in ctx.map.records:
                ctx.error(IssueCode.UNKNOWN_ROUTE, (*step_path, "lookup", "record"),
                          f"no fixed record is named '{params.record}' (define it under records)")
            elif params.resource is not None and not ctx.map.rules_for(params.resource):
                ctx.error(IssueCode.UNKNOWN_ROUTE, (*step_path, "lookup", "resource"),
                          f"no object rule moves '{params.resource}', so its records cannot be looked up")
        if isinstance(step, PolymorphicLookupTransform):
            params = step.polymorphic_lookup
            for resource in params.targets:
                for k, name in enumerate(params.routes_for(resource)):
                    value = params.targets[resource]
                    path = (*step_path, "polymorphic_lookup", "targets", resource) + ((k,) if not isinstance(value, str) else ())
                    _check_route_refs(ctx, path, name)
            for c, candidate in enumerate(params.candidates):
                for k, name in enumerate(candidate.routes):
                    _check_route_refs(ctx, (*step_path, "polymorphic_lookup", "candidates", c, "routes", k), name)


def _check_routes(ctx: CheckContext) -> None:
    for at in ctx.iter_routes():
        route = at.route
        if route.owner is not None and route.owner.via is not None:
            _check_route_refs(ctx, (*at.path, "owner", "via"), route.owner.via, expect_mode=RouteMode.MATCH,
                              expect_target="User")
        if route.merge is not None:
            _check_route_refs(ctx, (*at.path, "merge", "into"), route.merge.into, expect_mode=RouteMode.INSERT,
                              expect_target=route.target)
        if route.mode is RouteMode.INSERT and route.external_id is None and route.target not in NO_CUSTOM_FIELDS:
            ctx.error(IssueCode.UNMAPPABLE, (*at.path, "target"),
                      f"route '{route.name}' inserts {route.target} records without an external_id; set "
                      f"external_id: {ctx.map.settings.external_id_field} so re-loads upsert instead of duplicating")
        seen: dict[str, int] = {}
        for k, rule in enumerate(route.fields):
            if rule.target in seen:
                ctx.error(IssueCode.DUPLICATE, (*at.path, "fields", k, "target"),
                          f"{route.target}.{rule.target} is already written by fields[{seen[rule.target]}] of this route")
            else:
                seen[rule.target] = k
            _check_field_rule_refs(ctx, at.rule.source, (*at.path, "fields", k), rule)
        if not at.primary and route.mode is RouteMode.MATCH:
            ctx.error(IssueCode.UNMAPPABLE, (*at.path, "mode"), "an 'also' route cannot be a match route")


def _check_targets(ctx: CheckContext) -> None:
    relationships: dict[tuple[str, str], tuple[Any, ...]] = {}
    for name, spec in ctx.map.targets.items():
        base = ("targets", name)
        custom = name.endswith("__c")
        if name in NO_CUSTOM_FIELDS and spec.fields:
            ctx.error(IssueCode.UNMAPPABLE, (*base, "fields"), f"{name} cannot hold custom fields in Salesforce")
        if custom and spec.defines_object and not (spec.plural_label and spec.name_field):
            ctx.error(IssueCode.UNMAPPABLE, base, f"custom object {name} needs label, plural_label and name_field")
        if not custom and (spec.defines_object or spec.plural_label or spec.name_field or spec.sharing_model):
            ctx.error(IssueCode.UNMAPPABLE, base,
                      f"{name} is a standard object: only its fields, record_types and business_processes can be set")
        for rt_name, rt in spec.record_types.items():
            if rt.business_process and rt.business_process not in spec.business_processes:
                ctx.error(IssueCode.UNMAPPABLE, (*base, "record_types", rt_name, "business_process"),
                          f"business process '{rt.business_process}' is not defined under {name}.business_processes")
            if name in BUSINESS_PROCESS_OBJECTS and not rt.business_process:
                ctx.error(IssueCode.UNMAPPABLE, (*base, "record_types", rt_name),
                          f"a {name} record type needs a business_process (Salesforce requires one)")
        if spec.business_processes and name not in BUSINESS_PROCESS_OBJECTS:
            ctx.error(IssueCode.UNMAPPABLE, (*base, "business_processes"),
                      f"{name} has no business processes in Salesforce (only Case, Opportunity, Lead, Solution)")
        for field_name, field in spec.fields.items():
            path = (*base, "fields", field_name)
            if not field_name.endswith("__c"):
                ctx.error(IssueCode.UNMAPPABLE, path, f"a custom field's API name ends in __c ({field_name}__c?)")
            if field.value_map and field.value_map not in ctx.map.value_maps:
                ctx.error(IssueCode.UNKNOWN_VALUE_MAP, (*path, "value_map"),
                          f"no value map is named '{field.value_map}' (define it under value_maps)")
            if field.type in REFERENCE_KINDS and field.reference_to and field.relationship_name:
                key = (field.reference_to, field.relationship_name.lower())
                if key in relationships:
                    ctx.error(IssueCode.DUPLICATE, (*path, "relationship_name"),
                              f"{field.reference_to} already has a child relationship '{field.relationship_name}' "
                              f"(from {ctx.origins.position(relationships[key])}); choose another name")
                else:
                    relationships[key] = (*path, "relationship_name")
    for name, record in ctx.map.records.items():
        if record.target in NO_CUSTOM_FIELDS:
            ctx.error(IssueCode.UNMAPPABLE, ("records", name, "target"),
                      f"a fixed record needs an external Id; {record.target} cannot hold one")


def check_structure(ctx: CheckContext) -> None:
    _check_names(ctx)
    _check_routes(ctx)
    _check_targets(ctx)
