"""Checks of the map against the source inventory: resources, field paths, enum values, coverage.

Every path the map reads — field rule sources, transform sources, route conditions, record-type and
owner rules — must exist on its resource (core field, address part, discovered custom field, array
element key). Value maps and conditions may only name values the source field can hold, and a value map
must say what happens to every value it can hold. Every resource in the inventory must be moved or
skipped with a reason.
"""

from __future__ import annotations

from typing import Any, Iterator

from control.mapping.check_context import CheckContext, RouteAt
from control.mapping.conditions import FieldTest, condition_fields
from control.mapping.inventory import CUSTOM_PREFIX, ITEM, SourceField, SourceType
from control.mapping.issues import IssueCode
from control.mapping.rules import CustomFieldPolicy, FieldRule, RecordTypeRule, Route
from control.mapping.transforms import (
    CoalesceTransform,
    ConcatenateTransform,
    HtmlToTextTransform,
    MonthsBetweenTransform,
    PolymorphicLookupTransform,
    ValueMapTransform,
)
from control.mapping.values import Unmapped, ValueMap, source_key

__all__ = ["check_source", "rule_source_paths", "route_source_paths"]


def rule_source_paths(rule: FieldRule, base: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every source path a field rule reads, with its merged path."""
    if rule.source is not None:
        yield (*base, "source"), rule.source
    for s, step in enumerate(rule.transform):
        at = (*base, "transform", s)
        if isinstance(step, ConcatenateTransform):
            for k, path in enumerate(step.concatenate.sources):
                yield (*at, "concatenate", "sources", k), path
        elif isinstance(step, CoalesceTransform):
            for k, path in enumerate(step.coalesce.sources):
                yield (*at, "coalesce", "sources", k), path
        elif isinstance(step, MonthsBetweenTransform):
            yield (*at, "months_between", "start"), step.months_between.start
        elif isinstance(step, HtmlToTextTransform) and step.html_to_text.format_field:
            yield (*at, "html_to_text", "format_field"), step.html_to_text.format_field
        elif isinstance(step, PolymorphicLookupTransform):
            params = step.polymorphic_lookup
            if params.type_field:
                yield (*at, "polymorphic_lookup", "type_field"), params.type_field
            for c, candidate in enumerate(params.candidates):
                yield (*at, "polymorphic_lookup", "candidates", c, "source"), candidate.source


def route_source_paths(route: Route, base: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if route.when is not None:
        yield from (((*base, "when", *rel), path) for rel, path in condition_fields(route.when))
    if isinstance(route.record_type, RecordTypeRule):
        yield (*base, "record_type", "by"), route.record_type.by
    if route.owner is not None and route.owner.source:
        yield (*base, "owner", "source"), route.owner.source
    if route.match is not None:
        yield (*base, "match", "source"), route.match.source
    if route.merge is not None:
        yield (*base, "merge", "via"), route.merge.via
    for k, rule in enumerate(route.fields):
        yield from rule_source_paths(rule, (*base, "fields", k))
    for k, skipped in enumerate(route.skipped):
        yield (*base, "skipped", k, "source"), skipped.source


def _describe_path(resource: str, path: str) -> str:
    if path.startswith(CUSTOM_PREFIX):
        return f"the audit found no custom field '{path[len(CUSTOM_PREFIX):]}' on {resource}"
    return f"{resource} has no field '{path}'"


def _narrowed(condition: Any, field: str) -> set[str] | None:
    """The values of ``field`` a route's condition lets through, when it says (``in``/``equals``)."""
    if isinstance(condition, FieldTest) and condition.field == field:
        if condition.operator == "in":
            return {source_key(v) for v in condition.operand}
        if condition.operator == "equals":
            return {source_key(condition.operand)}
    if condition is not None and getattr(condition, "all", None):
        for sub in condition.all:
            found = _narrowed(sub, field)
            if found is not None:
                return found
    return None


def _check_values(ctx: CheckContext, path: tuple[Any, ...], field: SourceField, value_map: ValueMap,
                  resource: str, what: str, route: Route) -> None:
    if field.type is not SourceType.ENUM and field.type is not SourceType.BOOLEAN:
        return
    known = set(field.values or ()) if field.type is SourceType.ENUM else {"true", "false"}
    reaching = _narrowed(route.when, field.name)
    for key in value_map.values:
        if key not in known:
            ctx.error(IssueCode.UNKNOWN_SOURCE_VALUE, path,
                      f"{what} lists '{key}', which {resource}.{field.name} never holds (values: "
                      f"{', '.join(sorted(known))})")
    if value_map.unmapped is Unmapped.QUARANTINE:
        missing = sorted((known if reaching is None else known & reaching) - set(value_map.values))
        if missing:
            ctx.error(IssueCode.UNMAPPED_SOURCE_VALUE, path,
                      f"{what} has no entry for {', '.join(repr(m) for m in missing)} of {resource}.{field.name}; "
                      "records with it would be quarantined — map it, or set unmapped to null, keep or default")


def _check_route(ctx: CheckContext, at: RouteAt) -> None:
    assert ctx.inventory is not None
    resource = at.rule.source
    route = at.route
    if route.each is not None:
        array = ctx.inventory.resolve(resource, route.each)
        if array is None or array.type is not SourceType.ARRAY:
            ctx.error(IssueCode.UNKNOWN_SOURCE_FIELD, (*at.path, "each"), f"each needs an array field; {resource}."
                      f"{route.each} is {'missing' if array is None else array.type}")
    for path, source in route_source_paths(route, at.path):
        if source.startswith(ITEM) and route.each is None:
            ctx.error(IssueCode.UNKNOWN_SOURCE_FIELD, path, f"'{source}' reads an array element; the route needs each:")
            continue
        if ctx.inventory.resolve(resource, source, each=route.each) is None:
            ctx.error(IssueCode.UNKNOWN_SOURCE_FIELD, path, _describe_path(resource, source))
    if route.when is not None:
        for rel, test in _field_tests(route.when, ()):
            field = ctx.inventory.resolve(resource, test.field, each=route.each)
            if field is None or field.type is not SourceType.ENUM or test.operator not in ("equals", "not_equals", "in", "not_in"):
                continue
            operands = test.operand if isinstance(test.operand, tuple) else (test.operand,)
            for value in operands:
                if source_key(value) not in (field.values or ()):
                    ctx.error(IssueCode.UNKNOWN_SOURCE_VALUE, (*at.path, "when", *rel),
                              f"{resource}.{field.name} never holds '{value}' (values: {', '.join(field.values or ())})")
    if isinstance(route.record_type, RecordTypeRule):
        field = ctx.inventory.resolve(resource, route.record_type.by)
        if field is not None:
            as_map = ValueMap(values={k: v for k, v in route.record_type.values.items()},
                              unmapped=Unmapped.DEFAULT if route.record_type.default else Unmapped.QUARANTINE,
                              default=route.record_type.default)
            _check_values(ctx, (*at.path, "record_type", "values"), field, as_map, resource, "record_type", route)
    for k, rule in enumerate(route.fields):
        first = rule.transform[0] if rule.transform else None
        if rule.source is None or not isinstance(first, ValueMapTransform):
            continue
        field = ctx.inventory.resolve(resource, rule.source, each=route.each)
        if field is None:
            continue
        vm = first.value_map
        value_map = ctx.map.value_maps.get(vm) if isinstance(vm, str) else vm
        if value_map is not None:
            label = f"value map '{vm}'" if isinstance(vm, str) else "the inline value map"
            _check_values(ctx, (*at.path, "fields", k, "transform", 0, "value_map"), field, value_map, resource, label,
                          route)
    if route.custom_fields is CustomFieldPolicy.EXPLICIT and at.primary and route.mode.value == "insert":
        res = ctx.inventory.resource(resource)
        used = {path for _, path in route_source_paths(route, at.path)}
        for field in res.custom_fields() if res else ():
            if field.name not in used:
                ctx.warning(IssueCode.UNMAPPED_CUSTOM_FIELD, (*at.path, "custom_fields"),
                            f"custom field '{field.name[len(CUSTOM_PREFIX):]}' of {resource} is not moved by route "
                            f"'{route.name}' (map it, or set custom_fields: auto or ignore)")


def _field_tests(condition: Any, rel: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], FieldTest]]:
    if isinstance(condition, FieldTest):
        yield rel, condition
    for attr, key in (("all", "all"), ("any", "any")):
        for i, sub in enumerate(getattr(condition, attr, ()) or ()):
            yield from _field_tests(sub, (*rel, key, i))
    inner = getattr(condition, "not_", None)
    if inner is not None:
        yield from _field_tests(inner, (*rel, "not"))


def check_source(ctx: CheckContext) -> None:
    inventory = ctx.inventory
    if inventory is None:
        return
    covered = set()
    for i, rule in enumerate(ctx.map.objects):
        covered.add(rule.source)
        if rule.source not in inventory:
            ctx.error(IssueCode.UNKNOWN_RESOURCE, ("objects", i, "source"),
                      f"the source has no resource '{rule.source}' (known: {', '.join(sorted(inventory.resources))})")
    for at in ctx.iter_routes():
        if at.rule.source in inventory:
            _check_route(ctx, at)
    for name in sorted(set(inventory.resources) - covered):
        ctx.error(IssueCode.UNCOVERED_RESOURCE, ("objects",),
                  f"no object rule covers '{name}'; map it, or add one with skip: <reason>")
