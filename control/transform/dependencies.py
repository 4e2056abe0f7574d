"""Which source resources each route needs, hard or soft (see :mod:`control.transform.order`)."""

from __future__ import annotations

from typing import Any, Iterator

from control.mapping.conditions import AllOf, AnyOf, LandsInTest, NotCondition
from control.mapping.inventory import SourceInventory
from control.mapping.rules import RouteMode
from control.mapping.transforms import LookupTransform
from control.transform.compile import CompiledMap
from control.transform.order import Dependency

__all__ = ["dependencies", "always_deferred"]


def _lands_in(condition: Any) -> Iterator[LandsInTest]:
    if isinstance(condition, LandsInTest):
        yield condition
    elif isinstance(condition, (AllOf, AnyOf)):
        for sub in condition.all if isinstance(condition, AllOf) else condition.any:
            yield from _lands_in(sub)
    elif isinstance(condition, NotCondition):
        yield from _lands_in(condition.not_)


def _resources_landing_in(compiled: CompiledMap, targets: tuple[str, ...]) -> set[str]:
    return {r.resource for r in compiled.routes.values() if r.primary and r.route.target in targets}


def always_deferred(compiled: CompiledMap) -> set[tuple[str, str]]:
    """Lookups to ``also`` routes: their rows are only known once built, so they are always checked after."""
    out: set[tuple[str, str]] = set()
    for name, route in compiled.routes.items():
        for cf in route.fields:
            if isinstance(cf.lookup, LookupTransform) and cf.lookup.lookup.rule:
                target = compiled.routes.get(cf.lookup.lookup.rule)
                if target is not None and not target.primary:
                    out.add((name, cf.target))
    return out


def dependencies(compiled: CompiledMap, inventory: SourceInventory | None) -> list[Dependency]:
    out: list[Dependency] = []
    for name, route in compiled.routes.items():
        resource = route.resource
        r = route.route
        for test in _lands_in(r.when):
            field = inventory.resolve(resource, test.lands_in.field) if inventory else None
            if field is not None and field.reference and field.reference != "*":
                targets = {field.reference}
            else:
                targets = _resources_landing_in(compiled, test.lands_in.targets)
            out += [Dependency(resource, t, True, name, None) for t in targets]
        if r.merge is not None:
            out.append(Dependency(resource, compiled.routes[r.merge.into].resource, True, name, r.merge.via))
        if r.owner is not None and r.owner.via:
            out.append(Dependency(resource, compiled.routes[r.owner.via].resource, True, name, "OwnerId"))
        for cf in route.fields:
            step = cf.lookup
            if step is None:
                continue
            if isinstance(step, LookupTransform):
                params = step.lookup
                if params.record:
                    continue
                if params.rule:
                    target = compiled.routes[params.rule]
                    soft = target.route.mode is RouteMode.INSERT and not target.route.each
                    out.append(Dependency(resource, target.resource, not soft, name, cf.target))
                else:
                    out.append(Dependency(resource, params.resource or "", True, name, cf.target))
                continue
            for route_name in step.polymorphic_lookup.all_routes():
                target = compiled.routes.get(route_name)
                if target is not None:
                    out.append(Dependency(resource, target.resource, True, name, cf.target))
    return out
