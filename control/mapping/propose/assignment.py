"""One-to-one assignment of source columns to target fields: the most right matches expected in total.

The pair model's score ``s`` of a (column, field) pair is the probability that the field is the column's
answer, so the assignment that maximises the **sum** of the assigned scores maximises the expected number
of right matches. That is a maximum-weight bipartite matching, solved exactly here with the Hungarian
method (shortest augmenting paths with potentials, O(n² m) for n columns and m fields)::

    columns  source_type   hs_ticket_category            greedy (highest pair first):
    Type        0.28            0.20                        source_type → Type, category → nothing  (0.28)
    Origin      0.21            0.01                     matching:
                                                            source_type → Origin, category → Type   (0.41)

A column may also stay unassigned (weight 0): every column has its own zero-weight "no field" slot, so a
weak pair is never forced. Ties resolve by input order, so the result is deterministic.
"""

from __future__ import annotations

import math
from typing import Hashable, Mapping, Sequence, TypeVar

__all__ = ["best_assignment"]

Row = TypeVar("Row", bound=Hashable)
Col = TypeVar("Col", bound=Hashable)


def best_assignment(rows: Sequence[Row], weights: Mapping[Row, Mapping[Col, float]]) -> dict[Row, Col]:
    """Row → column maximising the summed weight; each column used once; weights ≤ 0 are never assigned.

    ``weights[row]`` lists the columns a row may take (others count as 0). Rows with no positive weight stay
    unassigned.
    """
    columns: list[Col] = []
    index: dict[Col, int] = {}
    for row in rows:
        for col, w in weights.get(row, {}).items():
            if w > 0 and col not in index:
                index[col] = len(columns)
                columns.append(col)
    n = len(rows)
    if not n or not columns:
        return {}
    m = len(columns) + n  # one private "no field" slot per row (weight 0)
    cost = [[0.0] * m for _ in range(n)]
    for i, row in enumerate(rows):
        for col, w in weights.get(row, {}).items():
            if w > 0:
                cost[i][index[col]] = -w
    assigned_to = _hungarian(cost, n, m)
    out: dict[Row, Col] = {}
    for i, j in enumerate(assigned_to):
        if j < len(columns) and cost[i][j] < 0:
            out[rows[i]] = columns[j]
    return out


def _hungarian(cost: list[list[float]], n: int, m: int) -> list[int]:
    """Minimum-cost assignment of n rows to distinct columns of an n × m matrix (n ≤ m): column per row."""
    inf = math.inf
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)     # p[j]: the row (1-based) holding column j; 0 = free
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            row = cost[i0 - 1]
            delta, j1 = inf, 0
            ui0 = u[i0]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    result = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            result[p[j] - 1] = j - 1
    return result
