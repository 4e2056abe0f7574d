"""Query cursors: pages, locators, and the registry that keeps open cursors small and few.

A cursor remembers what the next pages need and nothing more: the compiled query, the matching
Ids packed 18 bytes apiece into one ``bytes`` (about 1.8 MB per 100,000 matches), and the run
settings. Aggregate queries keep their (few) result rows instead.

Locators look like Salesforce's: ``<18-character cursor Id with prefix 01g>-<offset>``, e.g.
``01gD0000002HU6KIAW-2000``; the REST layer serves them as ``/query/<locator>``.

Cursor lifecycle::

    open ──(first page, more to come)──▶ registered ──next_page──▶ … ──idle 15 min / evicted──▶ gone
                                             │
                                             └── unknown / expired / out-of-range → INVALID_QUERY_LOCATOR

The registry is a plain object its owner (one org) creates; no module state. When more than
``max_open`` cursors are open the least recently used one is dropped (Salesforce likewise drops a
user's oldest cursors). A lock makes it safe to share between request threads.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError
from emulators.salesforce.soql.ids import BASE62, to_id18
from emulators.salesforce.soql.plan import CompiledQuery

__all__ = ["Page", "Cursor", "CursorRegistry", "pack_ids", "unpack_ids", "ID_WIDTH"]

ID_WIDTH = 18
CURSOR_PREFIX = "01g"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a query result, as the REST layer serves it."""

    total_size: int
    done: bool
    records: list[dict[str, Any]]
    next_locator: str | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    compiled: CompiledQuery
    total: int
    batch_size: int
    include_deleted: bool
    api_version: str
    opened_at: datetime  # the clock reading of the open: date literals keep meaning what they meant
    ids: bytes = b""  # matching Ids, ID_WIDTH bytes each, in result order
    rows: tuple[dict[str, Any], ...] = ()  # aggregate results (not row data)


def pack_ids(ids: list[str]) -> bytes:
    return "".join(ids).encode("ascii")


def unpack_ids(blob: bytes, start: int, stop: int) -> list[str]:
    chunk = blob[start * ID_WIDTH : stop * ID_WIDTH].decode("ascii")
    return [chunk[i : i + ID_WIDTH] for i in range(0, len(chunk), ID_WIDTH)]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CursorRegistry:
    """Open cursors of one org, with idle expiry and a cap on how many stay open."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utc_now,
        idle_seconds: float = 15 * 60,
        max_open: int = 200,
    ) -> None:
        self._clock = clock
        self._idle = idle_seconds
        self._max_open = max_open
        self._open: OrderedDict[str, tuple[Cursor, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._purge()
            return len(self._open)

    def _new_id(self) -> str:
        while True:
            body = CURSOR_PREFIX + "".join(secrets.choice(BASE62) for _ in range(12))
            cursor_id = to_id18(body)
            if cursor_id not in self._open:
                return cursor_id

    def add(self, cursor: Cursor) -> str:
        """Register ``cursor``; returns its Id."""
        with self._lock:
            self._purge()
            cursor_id = self._new_id()
            self._open[cursor_id] = (cursor, self._clock())
            while len(self._open) > self._max_open:
                self._open.popitem(last=False)
            return cursor_id

    def get(self, cursor_id: str) -> Cursor:
        """The open cursor ``cursor_id`` (and mark it used); INVALID_QUERY_LOCATOR when there is none."""
        with self._lock:
            self._purge()
            entry = self._open.get(cursor_id)
            if entry is None:
                raise SoqlError(ErrorCode.INVALID_QUERY_LOCATOR, Messages.invalid_locator())
            self._open[cursor_id] = (entry[0], self._clock())
            self._open.move_to_end(cursor_id)
            return entry[0]

    def close(self, cursor_id: str) -> None:
        with self._lock:
            self._open.pop(cursor_id, None)

    def purge(self) -> None:
        """Drop cursors idle for longer than the expiry."""
        with self._lock:
            self._purge()

    def _purge(self) -> None:
        now = self._clock()
        while self._open:
            cursor_id, (_, last_used) = next(iter(self._open.items()))
            if (now - last_used).total_seconds() <= self._idle:
                break
            del self._open[cursor_id]

    @staticmethod
    def locator(cursor_id: str, offset: int) -> str:
        return f"{cursor_id}-{offset}"

    @staticmethod
    def parse_locator(locator: str) -> tuple[str, int]:
        cursor_id, sep, offset = locator.rpartition("-")
        if not sep or len(cursor_id) != 18 or not offset.isdigit():
            raise SoqlError(ErrorCode.INVALID_QUERY_LOCATOR, Messages.invalid_locator())
        return cursor_id, int(offset)
