"""Date and datetime values for SOQL filters: literals, relative date literals, the wire form.

Row values use Salesforce's wire form (see ``schema/provider.py``): dates ``2024-01-31`` and datetimes
``2024-01-31T10:00:00.000+0000`` in UTC. Both sort correctly as plain strings, so the engine compares
them as strings: every literal is first converted to the same form (:func:`datetime_literal_to_wire`).

Relative literals (``TODAY``, ``LAST_N_DAYS:7`` …) become a half-open range of local dates
``[start, end)`` in the org's time zone (:func:`literal_range`); against a datetime field the range
bounds are local midnights converted to UTC. Comparisons with a range follow Salesforce:
``= R`` inside, ``!= R`` outside, ``< R`` before its start, ``<= R`` before its end,
``> R`` at or after its end, ``>= R`` at or after its start. Weeks start on Sunday; fiscal periods
are the calendar ones (an org's default fiscal year starts in January).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

__all__ = [
    "DateRange",
    "literal_range",
    "datetime_literal_to_wire",
    "date_literal_valid",
    "range_for_field",
    "datetime_to_wire",
]


class DateRange(NamedTuple):
    start: date
    end: date  # exclusive


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def _week_start(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7)  # Sunday


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def literal_range(name: str, n: int | None, today: date) -> DateRange:
    """The local-date range a relative date literal denotes on ``today``."""
    day = timedelta(days=1)
    week = _week_start(today)
    month = date(today.year, today.month, 1)
    quarter = _quarter_start(today)
    year = date(today.year, 1, 1)
    k = n or 0
    fixed = {
        "YESTERDAY": (today - day, today),
        "TODAY": (today, today + day),
        "TOMORROW": (today + day, today + 2 * day),
        "LAST_WEEK": (week - 7 * day, week),
        "THIS_WEEK": (week, week + 7 * day),
        "NEXT_WEEK": (week + 7 * day, week + 14 * day),
        "LAST_MONTH": (_add_months(month, -1), month),
        "THIS_MONTH": (month, _add_months(month, 1)),
        "NEXT_MONTH": (_add_months(month, 1), _add_months(month, 2)),
        "LAST_90_DAYS": (today - 90 * day, today + day),
        "NEXT_90_DAYS": (today + day, today + 91 * day),
        "LAST_QUARTER": (_add_months(quarter, -3), quarter),
        "THIS_QUARTER": (quarter, _add_months(quarter, 3)),
        "NEXT_QUARTER": (_add_months(quarter, 3), _add_months(quarter, 6)),
        "LAST_YEAR": (_add_months(year, -12), year),
        "THIS_YEAR": (year, _add_months(year, 12)),
        "NEXT_YEAR": (_add_months(year, 12), _add_months(year, 24)),
    }
    fiscal = name.replace("_FISCAL", "")
    if fiscal in fixed:
        return DateRange(*fixed[fiscal])
    unit = fiscal
    if unit == "LAST_N_DAYS":
        return DateRange(today - k * day, today + day)
    if unit == "NEXT_N_DAYS":
        return DateRange(today + day, today + (k + 1) * day)
    if unit == "N_DAYS_AGO":
        return DateRange(today - k * day, today - (k - 1) * day)
    if unit == "LAST_N_WEEKS":
        return DateRange(week - 7 * k * day, week)
    if unit == "NEXT_N_WEEKS":
        return DateRange(week + 7 * day, week + 7 * (k + 1) * day)
    if unit == "N_WEEKS_AGO":
        return DateRange(week - 7 * k * day, week - 7 * (k - 1) * day)
    for span, start in (("MONTHS", month), ("QUARTERS", quarter), ("YEARS", year)):
        size = {"MONTHS": 1, "QUARTERS": 3, "YEARS": 12}[span]
        if unit == f"LAST_N_{span}":
            return DateRange(_add_months(start, -size * k), start)
        if unit == f"NEXT_N_{span}":
            return DateRange(_add_months(start, size), _add_months(start, size * (k + 1)))
        if unit == f"N_{span}_AGO":
            return DateRange(_add_months(start, -size * k), _add_months(start, -size * (k - 1)))
    raise ValueError(f"unknown date literal {name}")


def datetime_to_wire(value: datetime) -> str:
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def datetime_literal_to_wire(text: str) -> str:
    """``2024-01-31T10:00:00+01:00`` → ``2024-01-31T09:00:00.000+0000``; raises ValueError when invalid."""
    body = text
    if body[-1] in "Zz":
        body = body[:-1] + "+00:00"
    elif body[-5] in "+-" and body[-3] != ":":
        body = body[:-2] + ":" + body[-2:]
    body = body[:10] + "T" + body[11:]
    return datetime_to_wire(datetime.fromisoformat(body))


def date_literal_valid(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def range_for_field(rng: DateRange, field_type: str, tz: tzinfo) -> tuple[str, str]:
    """The range as wire strings comparable with values of a ``date`` or ``datetime`` field."""
    if field_type == "date":
        return rng.start.isoformat(), rng.end.isoformat()
    start = datetime.combine(rng.start, time(0), tzinfo=tz)
    end = datetime.combine(rng.end, time(0), tzinfo=tz)
    return datetime_to_wire(start), datetime_to_wire(end)
