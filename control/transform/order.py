"""In which order the build reads source resources, and which lookups it must check afterwards.

A record can only be routed and checked once what it depends on is known:

* **hard** dependencies must be transformed first — ``lands_in`` conditions (where the referenced record
  went), ``merge`` routes (the record they write onto), owner rules through a ``match`` route, lookups
  through ``resource``/polymorphic forms (which route the parent took decides the target);
* **soft** dependencies are ``lookup: {rule: X}`` to an inserting route: the referenced row's local id
  is known without X's records (``X-<source id>``), so the lookup can be written now and *checked* after
  every resource is built (a deferred check, :mod:`control.transform.deferred`).

:func:`build_order` sorts resources parents first (Kahn's algorithm). When only cycles remain (projects
↔ work orders, clients → parent clients), it takes the remaining resource with no unmet hard dependency
and the fewest staged records, and defers its soft dependencies on the rest — the cheaper side of the
cycle. A cycle made only of hard dependencies cannot be built: :class:`~control.errors.UsageError`
naming it.
"""

from __future__ import annotations

from typing import Iterable, Mapping, NamedTuple

from control.errors import UsageError

__all__ = ["Dependency", "BuildOrder", "build_order"]


class Dependency(NamedTuple):
    resource: str     # the dependent resource
    on: str           # the resource it needs
    hard: bool
    route: str        # the route (and field) that needs it, for messages and deferral
    field: str | None


class BuildOrder(NamedTuple):
    resources: tuple[str, ...]
    deferred: frozenset[tuple[str, str]]   # (route, target field) lookups checked after the build


def build_order(resources: Iterable[str], dependencies: Iterable[Dependency],
                sizes: Mapping[str, int]) -> BuildOrder:
    remaining = list(dict.fromkeys(resources))
    deps = [d for d in dependencies if d.on in remaining and d.resource in remaining]
    deferred: set[tuple[str, str]] = set()
    for dep in deps:
        if dep.resource == dep.on:
            if dep.hard:
                raise UsageError(f"Route {dep.route} of {dep.resource} needs other {dep.resource} records to be "
                                 f"routed first ({dep.field or 'condition'}); that cannot be ordered.",
                                 hint="Use lookup: {rule: <route>} for references within one resource.")
            deferred.add((dep.route, dep.field or ""))
    deps = [d for d in deps if d.resource != d.on]
    order: list[str] = []
    while remaining:
        blocked = {d.resource for d in deps if d.on in remaining}
        ready = [r for r in remaining if r not in blocked]
        if ready:
            chosen = ready[0]
        else:
            hard_blocked = {d.resource for d in deps if d.on in remaining and d.hard}
            candidates = [r for r in remaining if r not in hard_blocked]
            if not candidates:
                cycle = sorted({d.resource for d in deps if d.on in remaining and d.hard})
                raise UsageError(f"The map's conditions and merges make a cycle between {', '.join(cycle)}; "
                                 "no order can route them.",
                                 hint="Break it: a lands_in or merge cannot point both ways between resources.")
            chosen = min(candidates, key=lambda r: (sizes.get(r, 0), r))
            for dep in deps:
                if dep.resource == chosen and dep.on in remaining and not dep.hard:
                    deferred.add((dep.route, dep.field or ""))
        order.append(chosen)
        remaining.remove(chosen)
    return BuildOrder(tuple(order), frozenset(deferred))
