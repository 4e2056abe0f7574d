"""Date literals against an injected clock and the org's time zone."""

from __future__ import annotations

from datetime import date

import pytest

from emulators.salesforce.soql.dates import DateRange, datetime_literal_to_wire, literal_range

# conftest's clock: 2024-02-15T03:00Z, a Thursday in UTC; 2024-02-14 19:00 (Wednesday) in Los Angeles.


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("CreatedDate = TODAY", ["delta 100%"]),
        ("CreatedDate = YESTERDAY", ["Gamma"]),
        ("CreatedDate = TOMORROW", []),
        ("CreatedDate = LAST_N_DAYS:1", ["Gamma", "delta 100%"]),
        ("CreatedDate = THIS_MONTH", ["Gamma", "delta 100%"]),
        ("CreatedDate = LAST_MONTH", ["Acme", "beta corp"]),
        ("CreatedDate < THIS_MONTH", ["Acme", "beta corp"]),
        ("CreatedDate <= LAST_MONTH", ["Acme", "beta corp"]),
        ("CreatedDate > LAST_MONTH", ["Gamma", "delta 100%"]),
        ("CreatedDate >= YESTERDAY", ["Gamma", "delta 100%"]),
        ("CreatedDate != TODAY", ["Acme", "beta corp", "Gamma"]),
        ("CreatedDate = THIS_YEAR", ["Acme", "beta corp", "Gamma", "delta 100%"]),
        ("CreatedDate = N_DAYS_AGO:36", ["Acme"]),
        ("CreatedDate = LAST_N_WEEKS:1", []),
        ("CreatedDate = THIS_WEEK", ["Gamma", "delta 100%"]),
    ],
)
def test_datetime_fields_in_utc(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Account WHERE {condition}") == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # local today is 14 Feb: [14 Feb 08:00Z, 15 Feb 08:00Z)
        ("CreatedDate = TODAY", ["Gamma", "delta 100%"]),
        ("CreatedDate = YESTERDAY", []),
        ("CreatedDate = LAST_MONTH", ["Acme", "beta corp"]),
        ("CreatedDate < TODAY", ["Acme", "beta corp"]),
    ],
)
def test_datetime_fields_in_the_org_time_zone(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    engine = org.engine(time_zone="America/Los_Angeles")
    assert [r["Name"] for r in engine.open(f"SELECT Name FROM Account WHERE {condition}").records] == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("CloseDate = THIS_MONTH", ["Small"]),
        ("CloseDate < TODAY", ["Small", "Other"]),
        ("CloseDate = NEXT_N_DAYS:15", ["Big Deal"]),
        ("CloseDate = NEXT_N_DAYS:14", []),
        ("CloseDate = LAST_YEAR", ["Other"]),
        ("CloseDate = THIS_QUARTER", ["Big Deal", "Small"]),
        ("CloseDate = THIS_FISCAL_QUARTER", ["Big Deal", "Small"]),
        ("CloseDate = THIS_WEEK", ["Small"]),
        ("CloseDate = N_DAYS_AGO:1", ["Small"]),
        ("CloseDate = NEXT_MONTH", ["Big Deal"]),
        ("CloseDate = LAST_90_DAYS", ["Small", "Other"]),
        ("CloseDate >= 2024-02-14", ["Big Deal", "Small"]),
    ],
)
def test_date_fields(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Opportunity WHERE {condition}") == expected


TODAY = date(2024, 2, 15)  # a Thursday


@pytest.mark.parametrize(
    ("name", "n", "start", "end"),
    [
        ("TODAY", None, date(2024, 2, 15), date(2024, 2, 16)),
        ("LAST_WEEK", None, date(2024, 2, 4), date(2024, 2, 11)),
        ("NEXT_WEEK", None, date(2024, 2, 18), date(2024, 2, 25)),
        ("LAST_QUARTER", None, date(2023, 10, 1), date(2024, 1, 1)),
        ("NEXT_QUARTER", None, date(2024, 4, 1), date(2024, 7, 1)),
        ("NEXT_YEAR", None, date(2025, 1, 1), date(2026, 1, 1)),
        ("LAST_N_DAYS", 7, date(2024, 2, 8), date(2024, 2, 16)),
        ("NEXT_N_DAYS", 2, date(2024, 2, 16), date(2024, 2, 18)),
        ("N_DAYS_AGO", 3, date(2024, 2, 12), date(2024, 2, 13)),
        ("LAST_N_WEEKS", 2, date(2024, 1, 28), date(2024, 2, 11)),
        ("NEXT_N_WEEKS", 1, date(2024, 2, 18), date(2024, 2, 25)),
        ("N_WEEKS_AGO", 1, date(2024, 2, 4), date(2024, 2, 11)),
        ("LAST_N_MONTHS", 3, date(2023, 11, 1), date(2024, 2, 1)),
        ("NEXT_N_MONTHS", 1, date(2024, 3, 1), date(2024, 4, 1)),
        ("N_MONTHS_AGO", 2, date(2023, 12, 1), date(2024, 1, 1)),
        ("LAST_N_QUARTERS", 1, date(2023, 10, 1), date(2024, 1, 1)),
        ("NEXT_N_QUARTERS", 2, date(2024, 4, 1), date(2024, 10, 1)),
        ("N_QUARTERS_AGO", 4, date(2023, 1, 1), date(2023, 4, 1)),
        ("LAST_N_YEARS", 2, date(2022, 1, 1), date(2024, 1, 1)),
        ("NEXT_N_YEARS", 1, date(2025, 1, 1), date(2026, 1, 1)),
        ("N_YEARS_AGO", 1, date(2023, 1, 1), date(2024, 1, 1)),
        ("LAST_N_FISCAL_YEARS", 1, date(2023, 1, 1), date(2024, 1, 1)),
        ("NEXT_FISCAL_YEAR", None, date(2025, 1, 1), date(2026, 1, 1)),
    ],
)
def test_literal_ranges(name: str, n: int | None, start: date, end: date) -> None:
    assert literal_range(name, n, TODAY) == DateRange(start, end)


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("2024-01-31T10:00:00Z", "2024-01-31T10:00:00.000+0000"),
        ("2024-01-31T10:00:00.5Z", "2024-01-31T10:00:00.500+0000"),
        ("2024-01-31T10:00:00+01:00", "2024-01-31T09:00:00.000+0000"),
        ("2024-01-31T23:30:00-0800", "2024-02-01T07:30:00.000+0000"),
    ],
)
def test_datetime_literals_become_utc_wire_form(text: str, wire: str) -> None:
    assert datetime_literal_to_wire(text) == wire
