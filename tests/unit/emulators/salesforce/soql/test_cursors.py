"""Cursors: pages, locators, batch sizes, expiry, the cap on open cursors, compact state."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from emulators.salesforce.soql import CursorRegistry, QueryEngine, SoqlError
from tests.unit.emulators.salesforce.soql.memory_org import MemoryRecords, sample_schemas

LOCATOR = re.compile(r"^01g[0-9A-Za-z]{15}-(\d+)$")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 2, 15, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def make(rows: int = 700, **registry_kw) -> tuple[QueryEngine, MemoryRecords, Clock]:  # type: ignore[no-untyped-def]
    schemas = sample_schemas()
    records = MemoryRecords(schemas)
    for n in range(rows):
        records.add("Account", Name=f"A{(n * 37) % rows:04d}", NumberOfEmployees=n)
    clock = Clock()
    engine = QueryEngine(schemas, records, clock=clock, cursors=CursorRegistry(clock=clock, **registry_kw))
    return engine, records, clock


def drain(engine: QueryEngine, text: str, batch_size: int = 200) -> tuple[list[dict], list[str]]:  # type: ignore[type-arg]
    page = engine.open(text, batch_size=batch_size)
    records, locators = list(page.records), []
    total = page.total_size
    while page.next_locator is not None:
        locators.append(page.next_locator)
        page = engine.next_page(page.next_locator)
        assert page.total_size == total
        records.extend(page.records)
    assert page.done
    return records, locators


def test_pages_of_an_ordered_query_follow_each_other() -> None:
    engine, _, _ = make(700)
    records, locators = drain(engine, "SELECT Name FROM Account ORDER BY Name DESC")
    assert [r["Name"] for r in records] == [f"A{n:04d}" for n in range(699, -1, -1)]
    assert [int(LOCATOR.match(loc).group(1)) for loc in locators] == [200, 400, 600]  # type: ignore[union-attr]
    assert len({loc.rsplit("-", 1)[0] for loc in locators}) == 1


def test_batch_size_is_clamped_to_200_through_2000() -> None:
    engine, _, _ = make(2500)
    assert len(engine.open("SELECT Id FROM Account", batch_size=50).records) == 200
    assert len(engine.open("SELECT Id FROM Account", batch_size=5000).records) == 2000
    first = engine.open("SELECT Id FROM Account")
    assert (len(first.records), first.total_size, first.done) == (2000, 2500, False)


def test_locators_that_do_not_point_at_an_open_cursor() -> None:
    engine, _, _ = make(450)
    page = engine.open("SELECT Id FROM Account", batch_size=200)
    cursor_id = page.next_locator.rsplit("-", 1)[0]  # type: ignore[union-attr]
    for bad in ("nonsense", "01gD0000002HU6KIAW-200", f"{cursor_id}-450", f"{cursor_id}-x", f"{cursor_id}"):
        with pytest.raises(SoqlError) as info:
            engine.next_page(bad)
        assert (info.value.error_code, info.value.message) == ("INVALID_QUERY_LOCATOR", "invalid query locator")
    assert len(engine.next_page(f"{cursor_id}-50").records) == 200  # any offset inside the result is served


def test_cursors_expire_after_15_idle_minutes() -> None:
    engine, _, clock = make(450)
    page = engine.open("SELECT Id FROM Account", batch_size=200)
    clock.now += timedelta(minutes=14)
    page = engine.next_page(page.next_locator)  # type: ignore[arg-type]
    clock.now += timedelta(minutes=14)  # idle time counts from the last use
    engine.next_page(page.next_locator)  # type: ignore[arg-type]
    clock.now += timedelta(minutes=15, seconds=1)
    with pytest.raises(SoqlError) as info:
        engine.next_page(page.next_locator)  # type: ignore[arg-type]
    assert info.value.error_code == "INVALID_QUERY_LOCATOR"
    assert len(engine.cursors) == 0


def test_the_least_recently_used_cursor_is_dropped_past_the_cap() -> None:
    engine, _, _ = make(450, max_open=2)
    first = engine.open("SELECT Id FROM Account", batch_size=200)
    second = engine.open("SELECT Name FROM Account", batch_size=200)
    engine.next_page(first.next_locator)  # type: ignore[arg-type]  # first is now the most recent
    third = engine.open("SELECT NumberOfEmployees FROM Account", batch_size=200)
    assert len(engine.cursors) == 2
    with pytest.raises(SoqlError):
        engine.next_page(second.next_locator)  # type: ignore[arg-type]
    assert engine.next_page(first.next_locator).records  # type: ignore[arg-type]
    assert engine.next_page(third.next_locator).records  # type: ignore[arg-type]


def test_a_cursor_keeps_packed_ids_only() -> None:
    engine, _, _ = make(700)
    page = engine.open("SELECT Id, Name FROM Account WHERE NumberOfEmployees >= 100 ORDER BY Name", batch_size=200)
    cursor = engine.cursors.get(page.next_locator.rsplit("-", 1)[0])  # type: ignore[union-attr]
    assert cursor.total == 600 and cursor.rows == ()
    assert isinstance(cursor.ids, bytes) and len(cursor.ids) == 18 * 600


def test_rows_deleted_between_pages_are_skipped() -> None:
    engine, records, _ = make(450)
    page = engine.open("SELECT Name FROM Account", batch_size=200)
    victims = [r["Id"] for r in engine.open("SELECT Id FROM Account LIMIT 3 OFFSET 200").records]
    for row in records.scan("Account"):
        if row["Id"] in victims:
            row["IsDeleted"] = True
    second = engine.next_page(page.next_locator)  # type: ignore[arg-type]
    assert (second.total_size, len(second.records)) == (450, 197)


def test_aggregate_results_page_too() -> None:
    engine, _, _ = make(450)
    page = engine.open("SELECT NumberOfEmployees, COUNT(Id) FROM Account GROUP BY NumberOfEmployees", batch_size=200)
    assert (page.total_size, len(page.records), page.done) == (450, 200, False)
    rest = engine.next_page(page.next_locator)  # type: ignore[arg-type]
    rest = engine.next_page(rest.next_locator)  # type: ignore[arg-type]
    assert (len(rest.records), rest.done, rest.records[-1]["NumberOfEmployees"]) == (50, True, 449)
