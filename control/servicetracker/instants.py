"""ServiceTracker timestamps as instants (contract §3.1): compare instants, never strings.

ServiceTracker writes each datetime with the offset of whoever wrote it, so one tenant mixes
``-05:00``, ``Z`` and ``+13:00``. Everything st2sf compares or stores for ordering goes through
:func:`utc_key`, a fixed-width UTC text (``2024-03-10T19:05:00.000000Z``) whose string order *is* the
instant order. Calendar dates (``YYYY-MM-DD``) are never shifted through a zone and are not handled here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["parse_instant", "utc_key", "format_instant", "shift"]

_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def parse_instant(text: str) -> datetime:
    """An aware datetime from an ISO-8601 text that carries an offset; ``ValueError`` otherwise."""
    if not isinstance(text, str) or len(text) < 20:
        raise ValueError(f"not an ISO-8601 datetime with an offset: {text!r}")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"datetime without an offset: {text!r}")
    return parsed


def utc_key(value: str | datetime) -> str:
    """The instant as fixed-width UTC text; string order equals instant order."""
    instant = parse_instant(value) if isinstance(value, str) else value
    return instant.astimezone(timezone.utc).strftime(_UTC_FORMAT)


def format_instant(value: str | datetime) -> str:
    """The instant as the API accepts it in ``updated_since`` / ``deleted_since`` (UTC, ``Z``)."""
    return utc_key(value)


def shift(value: str | datetime, seconds: float) -> str:
    """``value`` moved by ``seconds`` (negative: earlier), as a :func:`utc_key`."""
    instant = parse_instant(value) if isinstance(value, str) else value
    return utc_key(instant + timedelta(seconds=seconds))
