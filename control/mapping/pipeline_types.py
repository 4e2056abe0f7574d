"""Following a value through a field rule's transform pipeline to what it produces.

:func:`produced_by` returns the :class:`Produced` value of a field rule (its kind, longest length, the
values it can take, the routes a lookup points to) plus the problems a step has with its input — a
``join_items`` on something that is not an array, ``parse_date`` of a datetime without a zone policy.
"""

from __future__ import annotations

from typing import Any, Callable

from control.mapping.check_context import CheckContext
from control.mapping.conditions import AllOf, FieldTest, NotCondition
from control.mapping.inventory import SourceField, SourceType
from control.mapping.rules import FieldRule, Route, RouteMode
from control.mapping.transforms import (
    BooleanTransform,
    CoalesceTransform,
    ConcatenateTransform,
    ConstantTransform,
    FileContentTransform,
    FromDatetime,
    HtmlToTextTransform,
    JoinItemsTransform,
    LookupTransform,
    MonthsBetweenTransform,
    NumberTransform,
    ParseDatetimeTransform,
    ParseDateTransform,
    PolymorphicLookupTransform,
    SplitTransform,
    TruncateTransform,
    ValueMapTransform,
)
from control.mapping.value_types import Kind, Produced, from_source, literal_kind
from control.mapping.values import source_key

__all__ = ["produced_by", "lookup_routes"]

Problem = Callable[[tuple[Any, ...], str], None]


def lookup_routes(ctx: CheckContext, step: Any) -> tuple[str, ...]:
    """The routes whose records a lookup step can return."""
    if isinstance(step, LookupTransform):
        params = step.lookup
        if params.rule:
            return (params.rule,)
        if params.resource:
            return tuple(r.name for rule in ctx.map.rules_for(params.resource) for r in rule.routes)
        return ()
    if isinstance(step, PolymorphicLookupTransform):
        return step.polymorphic_lookup.all_routes()
    return ()


def _route_objects(ctx: CheckContext, names: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        route: Route | None = ctx.route(name)
        if route is not None:
            out.append(route.target)
    return tuple(dict.fromkeys(out))


def _source(ctx: CheckContext, resource: str, path: str, each: str | None) -> SourceField | None:
    return ctx.inventory.resolve(resource, path, each=each) if ctx.inventory else None


def _value_map_produced(ctx: CheckContext, step: ValueMapTransform) -> Produced:
    vm = step.value_map
    value_map = ctx.map.value_maps.get(vm) if isinstance(vm, str) else vm
    if value_map is None:
        return Produced(Kind.ANY)
    targets = [e.to for e in value_map.values.values() if e.to is not None]
    if value_map.default is not None:
        targets.append(value_map.default)
    kinds = {literal_kind(t) for t in targets}
    kind = kinds.pop() if len(kinds) == 1 else Kind.TEXT
    texts = tuple(dict.fromkeys(source_key(t) for t in targets))
    return Produced(kind, max((len(t) for t in texts), default=0) or None, texts if kind is Kind.TEXT else None)


def _step(ctx: CheckContext, current: Produced, step: Any, at: tuple[Any, ...], resource: str, each: str | None,
          problem: Problem) -> Produced:
    if isinstance(step, ValueMapTransform):
        return _value_map_produced(ctx, step)
    if isinstance(step, (ConcatenateTransform, CoalesceTransform)):
        params = step.concatenate if isinstance(step, ConcatenateTransform) else step.coalesce
        parts = [_source(ctx, resource, p, each) for p in params.sources]
        known = [from_source(p) for p in parts if p is not None]
        if isinstance(step, CoalesceTransform):
            kinds = {p.kind for p in known}
            if len(kinds) > 1:
                problem(at, f"coalesce mixes {', '.join(sorted(k.value for k in kinds))} values")
            first = known[0] if known else Produced(Kind.ANY)
            lengths = [p.max_length for p in known]
            return first._replace(max_length=None if None in lengths or not lengths else max(lengths))
        lengths = [p.max_length for p in known]
        total = None if None in lengths or len(known) < len(parts) else \
            sum(lengths) + len(step.concatenate.separator) * (len(parts) - 1)  # type: ignore[arg-type]
        return Produced(Kind.TEXT, total, untyped=any(p.untyped for p in known))
    if isinstance(step, SplitTransform):
        return Produced(Kind.TEXT, current.max_length, untyped=current.untyped)
    if isinstance(step, ParseDateTransform):
        if current.kind is Kind.DATETIME and step.parse_date.from_datetime is FromDatetime.REJECT:
            problem(at, "parse_date of a datetime needs from_datetime (record_offset, tenant or utc): "
                        "which zone's calendar day is meant")
        if current.kind not in (Kind.TEXT, Kind.DATE, Kind.DATETIME, Kind.ANY):
            problem(at, f"parse_date cannot read a {current.kind} value")
        return Produced(Kind.DATE)
    if isinstance(step, ParseDatetimeTransform):
        if current.kind is Kind.DATE:
            problem(at, "parse_datetime of a calendar date would invent a time and a zone; map it to a Date field")
        elif current.kind not in (Kind.TEXT, Kind.DATETIME, Kind.ANY):
            problem(at, f"parse_datetime cannot read a {current.kind} value")
        return Produced(Kind.DATETIME)
    if isinstance(step, NumberTransform):
        if current.kind not in (Kind.TEXT, Kind.NUMBER, Kind.ANY):
            problem(at, f"number cannot read a {current.kind} value")
        return Produced(Kind.NUMBER)
    if isinstance(step, BooleanTransform):
        return Produced(Kind.BOOLEAN)
    if isinstance(step, TruncateTransform):
        if current.kind not in (Kind.TEXT, Kind.ANY):
            problem(at, f"truncate applies to text, not to a {current.kind} value")
        length = step.truncate.length
        return Produced(Kind.TEXT, min(length, current.max_length or length), untyped=current.untyped)
    if isinstance(step, ConstantTransform):
        value = step.constant
        if value is None:
            return Produced(Kind.ANY)
        return Produced(literal_kind(value), len(source_key(value)),
                        (source_key(value),) if literal_kind(value) is Kind.TEXT else None)
    if isinstance(step, (LookupTransform, PolymorphicLookupTransform)):
        routes = lookup_routes(ctx, step)
        objects = _route_objects(ctx, routes)
        if isinstance(step, LookupTransform) and step.lookup.record:
            record = ctx.map.records.get(step.lookup.record)
            objects = (record.target,) if record else ()
        if isinstance(step, LookupTransform) and step.lookup.field != "Id":
            returned = [ctx.schema.field(o, step.lookup.field) if ctx.schema else None for o in objects]
            if all(f is not None for f in returned) and returned:
                objects = tuple(dict.fromkeys(t for f in returned for t in f.reference_to))  # type: ignore[union-attr]
            else:
                objects = ()
        return Produced(Kind.REFERENCE, reference_routes=routes, reference_objects=objects)
    if isinstance(step, JoinItemsTransform):
        if current.kind not in (Kind.STRUCT, Kind.ANY):
            problem(at, "join_items joins the elements of an array field")
        return Produced(Kind.TEXT)
    if isinstance(step, HtmlToTextTransform):
        return Produced(Kind.TEXT, current.max_length)
    if isinstance(step, MonthsBetweenTransform):
        if current.kind not in (Kind.DATE, Kind.TEXT, Kind.ANY):
            problem(at, "months_between reads calendar dates")
        return Produced(Kind.NUMBER)
    if isinstance(step, FileContentTransform):
        return Produced(Kind.BINARY)
    return Produced(Kind.ANY)  # pragma: no cover - every transform kind is handled above


def _length_cap(condition: Any, field: str) -> int | None:
    """A route condition ``not: {field: F, longer_than: N}`` (alone or inside ``all``) caps F at N."""
    if isinstance(condition, NotCondition) and isinstance(condition.not_, FieldTest):
        test = condition.not_
        if test.field == field and test.longer_than is not None:
            return test.longer_than
    if isinstance(condition, AllOf):
        caps = [c for c in (_length_cap(sub, field) for sub in condition.all) if c is not None]
        return min(caps) if caps else None
    return None


def produced_by(ctx: CheckContext, rule: FieldRule, rule_path: tuple[Any, ...], resource: str, route: Route,
                problem: Problem) -> Produced:
    """What ``rule`` writes, following its pipeline; ``problem(path, message)`` hears of bad steps."""
    if rule.source is not None:
        field = _source(ctx, resource, rule.source, route.each)
        current = from_source(field) if field is not None else Produced(Kind.ANY)
        if field is not None and field.type is SourceType.REFERENCE and not rule.is_lookup:
            current = current._replace(kind=Kind.TEXT)
        cap = _length_cap(route.when, rule.source)
        if cap is not None and (current.max_length is None or current.max_length > cap):
            current = current._replace(max_length=cap)
    else:
        current = Produced(Kind.ANY)
    for s, step in enumerate(rule.transform):
        current = _step(ctx, current, step, (*rule_path, "transform", s), resource, route.each, problem)
    if route.mode is RouteMode.MATCH:
        return Produced(Kind.ANY)
    return current
