"""The load order: parents first, cycles broken by deferred lookups (``after:`` updates).

Nodes are the dataset's load steps; a step depends on every table its lookups may name. The order is
Kahn's algorithm over the strongly connected components, ties broken by the map's own order (so the
natural Account → Contact → Asset → Contract → Work Order sequence is kept when the graph allows it).

Breaking cycles::

    self-lookup (Account.ParentId → Account)          the field is loaded blank, then set by an update
                                                       step after the step itself (``after: <step>``)
    cycle of several steps (Project ↔ Work Order)      in each strongly connected component, the step
                                                       with the fewest rows gives up its lookups into
                                                       the component: they become ``after:`` updates,
                                                       run once their targets are loaded; repeat until
                                                       no cycle is left

Only a lookup whose field may be blank and may be updated can be deferred; a cycle without one cannot
be loaded and is a :class:`~control.errors.UsageError` naming it.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple, Sequence

from control.datasets.steps import StepKind, StepSpec
from control.errors import UsageError

__all__ = ["Deferred", "LoadOrder", "load_order"]


class Deferred(NamedTuple):
    step: str
    field: str
    tables: tuple[str, ...]
    after: str                 # the step after which the update runs
    reason: str                # "self-lookup" | "cycle"


class LoadOrder(NamedTuple):
    steps: tuple[str, ...]
    deferred: tuple[Deferred, ...]
    cycles: tuple[tuple[str, ...], ...]   # the cycles found (each a strongly connected component)

    def after_of(self, step: str, field: str) -> str | None:
        for item in self.deferred:
            if item.step == step and item.field == field:
                return item.after
        return None


def _components(nodes: Sequence[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out


def load_order(specs: Sequence[StepSpec], rows: Mapping[str, int] | None = None) -> LoadOrder:
    """The order of the load steps (``kind == load``) and the lookups deferred to break cycles."""
    rows = rows or {}
    load = [s for s in specs if s.kind == StepKind.LOAD]
    names = [s.name for s in load]
    position = {n: i for i, n in enumerate(names)}
    by_name = {s.name: s for s in load}
    # step → {(field, target)}: every lookup edge still in force
    live: dict[str, set[tuple[str, str]]] = {s.name: {(lk.field, t) for lk in s.lookups for t in lk.tables
                                                     if t in position} for s in load}
    deferred: dict[tuple[str, str], str] = {}   # (step, field) → reason
    cycles: list[tuple[str, ...]] = []

    def deferrable(step: str, field: str) -> bool:
        spec = next(lk for lk in by_name[step].lookups if lk.field == field)
        return spec.nillable and spec.updateable

    for step in names:
        for field, target in list(live[step]):
            if target == step:
                if not deferrable(step, field):
                    raise UsageError(f"{by_name[step].sobject}.{field} of step {step} refers to the same object and "
                                     "is required, so no order can load it.", hint="Make the field optional.")
                deferred[(step, field)] = "self-lookup"
                live[step] = {e for e in live[step] if e[0] != field}
    while True:
        edges = {s: {t for _, t in live[s]} for s in names}
        components = [c for c in _components(names, edges) if len(c) > 1]
        if not components:
            break
        for component in components:
            members = set(component)
            if not any(members <= set(seen) for seen in cycles):  # a part of a cycle already reported
                cycles.append(tuple(sorted(component, key=position.__getitem__)))
            for step in sorted(component, key=lambda n: (rows.get(n, 0), position[n])):
                inside = {f for f, t in live[step] if t in members}
                if inside and all(deferrable(step, f) for f in inside):
                    for field in inside:
                        deferred[(step, field)] = "cycle"
                    live[step] = {e for e in live[step] if e[0] not in inside}
                    break
            else:
                raise UsageError(f"The steps {', '.join(sorted(members))} refer to each other through required "
                                 "lookups only; no order can load them.",
                                 hint="Make one of the lookups optional in the target org (and on_missing: null).")
    # Kahn with the map's order as the tie-breaker
    needs = {s: {t for _, t in live[s] if t != s} for s in names}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(names):
        ready = [n for n in names if n not in done and needs[n] <= done]
        chosen = min(ready, key=position.__getitem__)
        order.append(chosen)
        done.add(chosen)
    where = {n: i for i, n in enumerate(order)}
    out: list[Deferred] = []
    for (step, field), reason in sorted(deferred.items(), key=lambda kv: (where[kv[0][0]], kv[0][1])):
        spec = next(lk for lk in by_name[step].lookups if lk.field == field)
        targets = tuple(t for t in spec.tables if t in where)
        after = max((step, *targets), key=where.__getitem__)
        out.append(Deferred(step, field, targets, after, reason))
    return LoadOrder(tuple(order), tuple(out), tuple(cycles))
