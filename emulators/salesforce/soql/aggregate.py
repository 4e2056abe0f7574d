"""Running aggregate queries: GROUP BY, aggregate functions, HAVING, ordering of groups.

Rows stream through once; only one accumulator per group and aggregate is kept. Text group keys
group case-insensitively (the first value seen is reported). Without GROUP BY there is exactly one
result row, even over no rows (``COUNT`` 0, other functions null). Results are rendered as
``{"attributes": {"type": "AggregateResult"}, <group field>: …, <alias or exprN>: …}``.

``GROUP BY ROLLUP(a, b)`` adds subtotal rows for each ``a`` (``b`` null) and a grand total (both
null); ``CUBE(a, b)`` adds every combination. Each row feeds its detail group and the subtotal
groups it belongs to. Unless ORDER BY says otherwise, a subtotal row follows the rows it sums
(groups in first-seen order), the grand total comes last — the order Salesforce shows.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from emulators.salesforce.soql.filters import bind
from emulators.salesforce.soql.literals import sort_normalizer
from emulators.salesforce.soql.ordering import key_function, sort_keyed
from emulators.salesforce.soql.plan import CompiledQuery
from emulators.salesforce.soql.runtime import EMPTY_PARENTS, RunContext, iter_matches

__all__ = ["run_aggregate", "count_groups"]


class _Acc:
    """One aggregate's accumulator."""

    __slots__ = ("function", "norm", "count", "total", "best", "best_key", "seen")

    def __init__(self, function: str, field_type: str | None) -> None:
        self.function = function
        self.norm = sort_normalizer(field_type) if field_type else None
        self.count = 0
        self.total: Any = None
        self.best: Any = None
        self.best_key: Any = None
        self.seen: set[Any] | None = set() if function == "COUNT_DISTINCT" else None

    def add(self, value: Any, counted: bool) -> None:
        f = self.function
        if f == "COUNT":
            if counted:
                self.count += 1
            return
        if value is None:
            return
        if self.seen is not None:
            self.seen.add(self.norm(value) if self.norm else value)
        elif f in ("SUM", "AVG"):
            self.total = value if self.total is None else self.total + value
            self.count += 1
        else:
            key = self.norm(value) if self.norm else value
            if self.best_key is None or (key < self.best_key if f == "MIN" else key > self.best_key):
                self.best, self.best_key = value, key

    def result(self) -> Any:
        f = self.function
        if f == "COUNT":
            return self.count
        if f == "COUNT_DISTINCT":
            return len(self.seen or ())
        if f == "SUM":
            return self.total
        if f == "AVG":
            return None if not self.count else self.total / self.count
        return self.best


class _Rolled:
    """The key of a rolled-up position in a subtotal group (reported as null)."""

    __slots__ = ()


ROLLED = _Rolled()


def _masks(count: int, kind: str | None) -> list[tuple[bool, ...]]:
    """Which group positions each row also counts towards, rolled up (True) or kept."""
    if kind == "ROLLUP":
        return [tuple(i >= keep for i in range(count)) for keep in range(count, -1, -1)]
    if kind == "CUBE":
        masks = []
        for rolled in range(count + 1):
            for chosen in combinations(range(count), rolled):
                masks.append(tuple(i in chosen for i in range(count)))
        return masks
    return [tuple(False for _ in range(count))]


def _hierarchy_order(keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Sort keys putting subtotals after the groups they sum, groups in first-seen order."""
    rank: dict[tuple[Any, ...], int] = {}
    for key in keys:
        for i in range(len(key)):
            prefix = key[: i + 1]
            if key[i] is not ROLLED and prefix not in rank:
                rank[prefix] = len(rank)
    return {
        key: tuple((1, 0) if key[i] is ROLLED else (0, rank[key[: i + 1]]) for i in range(len(key))) for key in keys
    }


def _group_rows(query: CompiledQuery, ctx: RunContext) -> list[dict[str, Any]]:
    plan = query.aggregate
    assert plan is not None
    group_getters = [(g.name, g.path.get, sort_normalizer(g.path.type)) for g in plan.groups]
    agg_specs = [(a.name, a.function, a.path) for a in plan.aggregates]
    masks = _masks(len(group_getters), plan.group_kind)
    groups: dict[tuple[Any, ...], tuple[dict[str, Any], list[_Acc]]] = {}
    for row, parents in iter_matches(query, ctx):
        values = [(name, get(row, parents), norm) for name, get, norm in group_getters]
        base = tuple(norm(v) if norm and v is not None else v for _, v, norm in values)
        entries = []
        for mask in masks:
            key = tuple(ROLLED if rolled else k for k, rolled in zip(base, mask))
            entry = groups.get(key)
            if entry is None:
                accs = [_Acc(function, path.type if path else None) for _, function, path in agg_specs]
                head = {name: (None if rolled else v) for (name, v, _), rolled in zip(values, mask)}
                entry = (head, accs)
                groups[key] = entry
            entries.append(entry)
        for k, (_, _, path) in enumerate(agg_specs):
            value = None if path is None else path.get(row, parents)
            counted = path is None or value is not None
            for entry in entries:
                entry[1][k].add(value, counted)
    if plan.group_kind is not None:
        order = _hierarchy_order(list(groups))
        groups = {key: groups[key] for key in sorted(groups, key=order.__getitem__)}
    if not groups and not plan.groups:
        groups[()] = ({}, [_Acc(function, path.type if path else None) for _, function, path in agg_specs])
    out = []
    for head, accs in groups.values():
        row = dict(head)
        for (name, _, _), acc in zip(agg_specs, accs):
            row[name] = acc.result()
        out.append(row)
    if plan.having is not None:
        pred = bind(plan.having, ctx.facts)
        out = [row for row in out if pred(row, EMPTY_PARENTS)]
    return out


def count_groups(query: CompiledQuery, ctx: RunContext) -> int:
    """``SELECT COUNT() … GROUP BY …``: how many groups."""
    return len(_group_rows(query, ctx))


def run_aggregate(query: CompiledQuery, ctx: RunContext) -> list[dict[str, Any]]:
    plan = query.aggregate
    assert plan is not None
    rows = _group_rows(query, ctx)
    if query.order:
        keyed = [(p.get, key_function(p)) for p in query.order]
        entries = [(row, *[key(get(row, EMPTY_PARENTS)) for get, key in keyed]) for row in rows]
        sort_keyed(entries, query.order)
        rows = [e[0] for e in entries]
    offset = query.offset or 0
    end = None if query.limit is None else offset + query.limit
    rows = rows[offset:end]
    rendered = []
    for row in rows:
        record: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
        for col in plan.output:
            record[col.name] = row.get(col.path.key)  # type: ignore[union-attr]
        rendered.append(record)
    return rendered

