"""The org's clock: wall time plus an offset that tests move forward.

Everything time-dependent in an org — audit fields, rolling 24-hour usage windows, session
expiry, bulk job ages — reads :class:`OrgClock`, never ``datetime.now`` directly, so a test can
jump a day ahead (``POST /_emulator/clock {"advance_seconds": 86400}``) and watch allocations
free up. The offset is kept in the org's ``meta`` table (``clock_offset_seconds``) by whoever
changes it, so a restarted server keeps the org's notion of "now".
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

__all__ = ["OrgClock", "CLOCK_OFFSET_KEY"]

CLOCK_OFFSET_KEY = "clock_offset_seconds"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class OrgClock:
    """A callable clock (``clock() -> aware UTC datetime``) with an adjustable offset."""

    def __init__(self, offset_seconds: float = 0.0, *, source: Callable[[], dt.datetime] = _utc_now) -> None:
        self._offset = dt.timedelta(seconds=float(offset_seconds))
        self._source = source

    def __call__(self) -> dt.datetime:
        return self._source() + self._offset

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()

    def set_offset(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward: the offset must be 0 or more seconds")
        self._offset = dt.timedelta(seconds=float(seconds))

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (≥ 0); return the new offset."""
        if seconds < 0:
            raise ValueError("the clock only moves forward: advance by 0 or more seconds")
        self._offset += dt.timedelta(seconds=float(seconds))
        return self.offset_seconds
