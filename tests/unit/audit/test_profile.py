"""Profiles stay bounded whatever the volume, and are exact while they can be."""

from __future__ import annotations

import tracemalloc

from control.audit.profile import KMV_SIZE, TOP_CAPACITY, FieldProfile


def test_exact_counts_for_a_small_field() -> None:
    p = FieldProfile("Region", infer=True)
    for v in ["West"] * 5 + ["East"] * 3 + [None, "", "North"]:
        p.add(v)
    assert p.top_values() == [{"value": "West", "count": 5}, {"value": "East", "count": 3},
                              {"value": "North", "count": 1}]
    assert (p.present, p.nulls, p.empty, p.non_empty, p.distinct, p.distinct_exact) == (11, 1, 1, 9, 3, True)
    summary = p.summary(20)
    assert summary["fill_rate"] == 0.45 and summary["length"] == {"min": 0, "max": 5}


def test_memory_is_bounded_and_estimates_are_close() -> None:
    p = FieldProfile("PO Number", infer=True)
    tracemalloc.start()
    for i in range(60_000):
        p.add(f"PO-{i:07d}")
        if i % 3 == 0:
            p.add("HEAVY")  # a heavy hitter must survive the sketch
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(p._top) <= TOP_CAPACITY and len(p._kmv) <= KMV_SIZE  # noqa: SLF001 (the bound is the point)
    assert abs(p.distinct - 60_001) / 60_001 < 0.1 and not p.distinct_exact
    assert p.top_values(1)[0]["value"] == "HEAVY" and not p.top_exact
    assert peak < 2_000_000
