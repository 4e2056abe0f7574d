"""Binding filter plans to predicates: ``CondPlan`` + run-time facts → ``(row, parents) → bool``.

Compile time (checker) fixes the field getters and normal-form literals; run time adds what the
schema cannot know: the date relative literals mean (an injected clock and the org time zone) and
the values a semi-join selects. Predicates use Salesforce's two-valued null logic: ``= null`` and
``!= null`` test for absence, ``!=`` and ``NOT IN`` and ``EXCLUDES`` are true for a null field,
every other comparison with a null field is false.
"""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any, Callable, NamedTuple

from emulators.salesforce.soql.dates import literal_range, range_for_field
from emulators.salesforce.soql.literals import row_normalizer
from emulators.salesforce.soql.plan import (
    AndPlan,
    ComparePlan,
    CondPlan,
    NotPlan,
    OrPlan,
    Parents,
    SemiJoinPlan,
)
from emulators.salesforce.schema.provider import Row

__all__ = ["Predicate", "RunFacts", "bind"]

Predicate = Callable[[Row, Parents], bool]


class RunFacts(NamedTuple):
    today: date  # the org-local date now
    tz: tzinfo
    semi_join: Callable[[SemiJoinPlan], frozenset[Any]]  # the values the inner query selects


def bind(plan: CondPlan, facts: RunFacts) -> Predicate:
    if isinstance(plan, AndPlan):
        preds = tuple(bind(p, facts) for p in plan.operands)
        return lambda row, parents: all(p(row, parents) for p in preds)
    if isinstance(plan, OrPlan):
        preds = tuple(bind(p, facts) for p in plan.operands)
        return lambda row, parents: any(p(row, parents) for p in preds)
    if isinstance(plan, NotPlan):
        inner = bind(plan.operand, facts)
        return lambda row, parents: not inner(row, parents)
    if isinstance(plan, SemiJoinPlan):
        values = facts.semi_join(plan)
        get = plan.path.get
        if plan.negated:
            return lambda row, parents: get(row, parents) not in values
        return lambda row, parents: get(row, parents) in values
    return _compare(plan, facts)


def _compare(plan: ComparePlan, facts: RunFacts) -> Predicate:
    get = plan.path.get
    op = plan.op
    if plan.date_literal is not None:
        name, n = plan.date_literal
        lo, hi = range_for_field(literal_range(name, n, facts.today), plan.path.type, facts.tz)
        return _range(get, op, lo, hi)
    value = plan.value
    norm = row_normalizer(plan.path.type)
    if op == "LIKE":
        match = value.fullmatch

        def like(row: Row, parents: Parents) -> bool:
            v = get(row, parents)
            return v is not None and match(v) is not None

        return like
    if op in ("INCLUDES", "EXCLUDES"):
        wanted = value  # tuple of frozensets: any one of them fully present

        def includes(row: Row, parents: Parents) -> bool:
            v = get(row, parents)
            if v is None:
                return False
            have = norm(v) if norm else v
            return any(w <= have for w in wanted)

        if op == "INCLUDES":
            return includes
        return lambda row, parents: not includes(row, parents)
    if op in ("IN", "NOT IN"):
        values = value
        has_null = None in values

        def member(row: Row, parents: Parents) -> bool:
            v = get(row, parents)
            if v is None:
                return has_null
            return (norm(v) if norm else v) in values

        if op == "IN":
            return member
        return lambda row, parents: not member(row, parents)
    if value is None:
        if op == "=":
            return lambda row, parents: get(row, parents) is None
        if op == "!=":
            return lambda row, parents: get(row, parents) is not None
        return lambda row, parents: False
    return _scalar(get, norm, op, value)


def _scalar(get: Callable[[Row, Parents], Any], norm: Callable[[Any], Any] | None, op: str, value: Any) -> Predicate:
    if norm is None:
        if op == "=":
            return lambda row, parents: get(row, parents) == value
        if op == "!=":
            return lambda row, parents: get(row, parents) != value
        if op == "<":
            return lambda row, parents: (v := get(row, parents)) is not None and v < value
        if op == ">":
            return lambda row, parents: (v := get(row, parents)) is not None and v > value
        if op == "<=":
            return lambda row, parents: (v := get(row, parents)) is not None and v <= value
        return lambda row, parents: (v := get(row, parents)) is not None and v >= value
    if op == "=":
        return lambda row, parents: (v := get(row, parents)) is not None and norm(v) == value
    if op == "!=":
        return lambda row, parents: (v := get(row, parents)) is None or norm(v) != value
    if op == "<":
        return lambda row, parents: (v := get(row, parents)) is not None and norm(v) < value
    if op == ">":
        return lambda row, parents: (v := get(row, parents)) is not None and norm(v) > value
    if op == "<=":
        return lambda row, parents: (v := get(row, parents)) is not None and norm(v) <= value
    return lambda row, parents: (v := get(row, parents)) is not None and norm(v) >= value


def _range(get: Callable[[Row, Parents], Any], op: str, lo: str, hi: str) -> Predicate:
    if op == "=":
        return lambda row, parents: (v := get(row, parents)) is not None and lo <= v < hi
    if op == "!=":
        return lambda row, parents: (v := get(row, parents)) is None or not (lo <= v < hi)
    if op == "<":
        return lambda row, parents: (v := get(row, parents)) is not None and v < lo
    if op == "<=":
        return lambda row, parents: (v := get(row, parents)) is not None and v < hi
    if op == ">":
        return lambda row, parents: (v := get(row, parents)) is not None and v >= hi
    return lambda row, parents: (v := get(row, parents)) is not None and v >= lo
