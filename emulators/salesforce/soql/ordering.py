"""ORDER BY with Salesforce's semantics, over any entries.

Text sorts case-insensitively; nulls come first ascending and last descending unless NULLS FIRST /
NULLS LAST says otherwise; ties keep scan (creation) order, since Python's sort is stable. Mixed
directions are sorted key by key from the last to the first.

Each key is ``(rank, value)``: non-null values rank 1, nulls rank 0 or 2 so that after an optional
reverse they land where NULLS FIRST/LAST puts them; two nulls compare on an empty value.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from emulators.salesforce.soql.literals import sort_normalizer
from emulators.salesforce.soql.plan import OrderPlan

__all__ = ["key_function", "sort_keyed"]

_NULL_VALUE = ""


def key_function(plan: OrderPlan) -> Callable[[Any], tuple[int, Any]]:
    """``value → sort key`` for one ORDER BY item (apply to the value its getter returns)."""
    norm = sort_normalizer(plan.type)
    if plan.descending:
        null_rank = 2 if plan.nulls_first else 0
    else:
        null_rank = 0 if plan.nulls_first else 2
    null_key = (null_rank, _NULL_VALUE)
    if norm is None:
        return lambda v: null_key if v is None else (1, v)
    return lambda v: null_key if v is None else (1, norm(v))


def sort_keyed(entries: list[tuple[Any, ...]], plans: Sequence[OrderPlan]) -> None:
    """Sort ``entries`` in place; entry ``e`` carries the key for ``plans[i]`` at ``e[i + 1]``."""
    if len(plans) == 1:
        entries.sort(key=lambda e: e[1], reverse=plans[0].descending)
        return
    for i in range(len(plans) - 1, -1, -1):
        entries.sort(key=lambda e, k=i + 1: e[k], reverse=plans[i].descending)
