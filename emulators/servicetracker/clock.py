"""Instants as the API speaks them: ISO-8601 with an offset on the wire, UTC microseconds inside.

ServiceTracker stores each timestamp with the offset of whoever wrote it, so one tenant mixes
``-05:00``, ``Z`` and ``+12:00``. Ordering and ``updated_since`` compare **instants**: every datetime is
turned into integer microseconds since the Unix epoch (UTC) with :func:`parse_instant`, and the
server's own clock is rendered back in UTC with :func:`format_utc`.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timezone

__all__ = ["DATETIME_PATTERN", "DATE_PATTERN", "parse_instant", "format_utc", "format_with_offset", "now_us",
           "is_date"]

DATETIME_PATTERN = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_instant(text: object) -> int:
    """Microseconds since the epoch of an ISO-8601 datetime that carries an offset; ValueError otherwise."""
    if not isinstance(text, str) or not DATETIME_PATTERN.match(text):
        raise ValueError(f"{text!r} is not an ISO-8601 datetime with an offset (e.g. 2024-03-10T14:05:00-05:00)")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def format_utc(micros: int) -> str:
    """An instant as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    moment = datetime.fromtimestamp(micros / 1_000_000, tz=timezone.utc).replace(microsecond=micros % 1_000_000)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_with_offset(moment: datetime) -> str:
    """An aware datetime as ISO-8601 with its own offset (``+00:00`` stays ``+00:00``)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def now_us() -> int:
    return time.time_ns() // 1_000


def is_date(text: object) -> bool:
    if not isinstance(text, str) or not DATE_PATTERN.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
