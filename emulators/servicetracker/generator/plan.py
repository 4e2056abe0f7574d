"""How many records of each resource a tenant of N records has, and how children spread over parents.

The mix follows a mid-size HVAC/facilities contractor: work orders and their tasks, parts, notes and
invoices dominate; clients are a few percent; technicians, parts catalog, workflows and custom-table
definitions are small fixed-ish populations. :func:`plan_counts` returns counts that add up to
exactly ``records`` (largest-remainder rounding). :func:`allocate` spreads a child count over parents
by weight with a per-parent minimum, exactly, in O(children) time and O(parents) memory.
"""

from __future__ import annotations

import random
from array import array
from typing import Sequence

__all__ = ["MIN_RECORDS", "plan_counts", "allocate", "prefix", "WEIGHTS"]

MIN_RECORDS = 400

WEIGHTS: dict[str, float] = {
    "clients": 0.035,
    "locations": 0.05,
    "client_contacts": 0.06,
    "projects": 0.01,
    "contracts": 0.015,
    "assets": 0.07,
    "work_orders": 0.2,
    "work_order_tasks": 0.16,
    "parts_used": 0.1,
    "invoices": 0.07,
    "notes": 0.12,
    "attachments": 0.035,
    "activities": 0.05,
    "custom_tables/inspection_forms/rows": 0.015,
    "custom_tables/signature_records/rows": 0.007,
    "custom_tables/equipment_logs/rows": 0.003,
}


def _clamp(value: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, value))


def plan_counts(records: int) -> dict[str, int]:
    if records < MIN_RECORDS:
        raise ValueError(f"--records must be at least {MIN_RECORDS} (got {records})")
    technicians = _clamp(records // 500, 6, 1500)
    fixed = {
        "custom_tables": 3,
        "workflows": _clamp(records // 25_000, 8, 40),
        "technicians": technicians,
        "mobile_devices": technicians + technicians // 10,
        "parts": _clamp(records // 100, 12, 20_000),
    }
    rest = records - sum(fixed.values())
    raw = {name: rest * weight for name, weight in WEIGHTS.items()}
    counts = {name: int(value) for name, value in raw.items()}
    short = rest - sum(counts.values())
    for name in sorted(raw, key=lambda n: (raw[n] - counts[n], n), reverse=True)[:short]:
        counts[name] += 1
    for name in counts:  # every resource present, at least one location per client
        if counts[name] < 1:
            counts["work_orders"] -= 1 - counts[name]
            counts[name] = 1
    if counts["locations"] < counts["clients"]:
        moved = counts["clients"] - counts["locations"]
        counts["locations"] += moved
        counts["work_orders"] -= moved
    return {**fixed, **counts}


def allocate(total: int, parents: int, rng: random.Random, *, minimum: int = 0,
             weights: Sequence[float] | None = None, eligible: Sequence[int] | None = None) -> array:
    """Counts per parent adding up to ``total``: ``minimum`` each, the rest drawn by weight among ``eligible``."""
    counts = array("l", [minimum]) * parents
    remaining = total - minimum * parents
    if remaining < 0:
        raise ValueError("total is below the per-parent minimum")
    if remaining == 0 or parents == 0:
        return counts
    population = list(eligible) if eligible is not None else range(parents)
    if not population:
        population = [0]
    chosen_weights = [weights[i] for i in population] if weights is not None else None
    for index in rng.choices(population, weights=chosen_weights, k=remaining):
        counts[index] += 1
    return counts


def prefix(counts: array) -> array:
    """Start offsets: ``out[i]`` = sum(counts[:i]); ``out[len]`` = total."""
    out = array("l", [0]) * (len(counts) + 1)
    running = 0
    for i, value in enumerate(counts):
        out[i] = running
        running += value
    out[len(counts)] = running
    return out
