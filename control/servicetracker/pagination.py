"""Paginators: small objects that walk one keyset-paged list (contract §4, §5) and refuse to loop.

A :class:`Paginator` fetches one page per :meth:`Paginator.next_page` call; it knows the list's path, the
``since`` filter of the pass (``updated_since`` or ``deleted_since``) and the cursor to send next. It is
started either fresh or from a saved cursor (a resumed pass).

It **fails loudly** (``ServiceTrackerError`` with ``code="cursor_repeated"`` or ``"pagination_stalled"``
or ``"order_violation"``) instead of looping forever or skipping data when the server breaks the contract:

* a ``next_cursor`` it has already followed in this pass (the list would loop);
* a page with no records whose ``next_cursor`` is not ``null`` (no progress);
* records that do not ascend by ``(updated_at instant, id)`` across the pass (``deleted_at`` for
  tombstones) — the cursor went backwards, so pages would be read twice or skipped.

``409 cursor_stale`` (a tenant restore) restarts the pass from its ``since``, as the contract says;
already-staged records are simply upserted again. The staged result is the same.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, NamedTuple

from control.errors import ServiceTrackerError
from control.servicetracker.client import ServiceTrackerClient
from control.servicetracker.instants import utc_key

__all__ = ["Page", "Paginator", "record_order_key", "tombstone_order_key"]

OrderKey = Callable[[dict[str, Any]], tuple[str, ...]]


class Page(NamedTuple):
    records: list[dict[str, Any]]
    next_cursor: str | None
    server_time: str        # UTC key of the page's server_time
    cursor: str | None      # the cursor this page was fetched with (None: the pass's first page)
    number: int             # 1-based within this paginator's life
    restarted: bool         # the pass was restarted from its ``since`` before this page (409 cursor_stale)


def record_order_key(record: dict[str, Any]) -> tuple[str, ...]:
    return utc_key(record["updated_at"]), str(record["id"])


def tombstone_order_key(record: dict[str, Any]) -> tuple[str, ...]:
    return utc_key(record["deleted_at"]), str(record["resource"]), str(record["id"])


class Paginator:
    """One pass over one list. ``since_param`` is ``updated_since`` (lists) or ``deleted_since`` (tombstones)."""

    def __init__(self, client: ServiceTrackerClient, path: str, *, limit: int, since: str | None = None,
                 since_param: str = "updated_since", cursor: str | None = None,
                 order_key: OrderKey = record_order_key, extra_params: dict[str, str] | None = None) -> None:
        self.client = client
        self.path = path
        self.limit = limit
        self.since = since
        self.since_param = since_param
        self.cursor = cursor
        self.order_key = order_key
        self.extra_params = dict(extra_params or {})
        self.done = False
        self.pages = 0
        self.restarts = 0
        self._seen: set[bytes] = set()
        self._last_key: tuple[str, ...] | None = None
        if cursor is not None:
            self._seen.add(_fingerprint(cursor))

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": self.limit, **self.extra_params}
        if self.since is not None:
            params[self.since_param] = self.since
        if self.cursor is not None:
            params["cursor"] = self.cursor
        return params

    async def next_page(self) -> Page | None:
        """The next page, or ``None`` once the last page has been returned."""
        if self.done:
            return None
        restarted = False
        while True:
            try:
                body = await self.client.get_json(self.path, self._params())
                break
            except ServiceTrackerError as exc:
                if exc.code != "cursor_stale" or self.cursor is None or self.restarts >= 3:
                    raise
                # the tenant was restored or re-indexed: restart this pass from its `since`
                self.restarts += 1
                self.cursor = None
                self._seen.clear()
                self._last_key = None
                restarted = True
        page = self._check(body)
        records, next_cursor = page
        used = self.cursor
        self.pages += 1
        if next_cursor is None:
            self.done = True
        else:
            self._seen.add(_fingerprint(next_cursor))
        self.cursor = next_cursor
        try:
            server_time = utc_key(body["server_time"])
        except (KeyError, TypeError, ValueError):
            raise self._broken("its server_time is missing or not a datetime with an offset") from None
        return Page(records, next_cursor, server_time, used, self.pages, restarted)

    def _check(self, body: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        records = body.get("data")
        next_cursor = body.get("next_cursor")
        if not isinstance(records, list) or not (next_cursor is None or isinstance(next_cursor, str)):
            raise self._broken("it lacks 'data' (a list) or 'next_cursor' (a string or null)")
        for record in records:
            if not isinstance(record, dict):
                raise self._broken("a record is not a JSON object")
            try:
                key = self.order_key(record)
            except (KeyError, TypeError, ValueError):
                raise self._broken(f"record {record.get('id')!r} lacks a valid id or timestamp") from None
            if self._last_key is not None and key <= self._last_key:
                raise ServiceTrackerError(
                    f"ServiceTracker returned /{self.path} out of order on page {self.pages + 1}: "
                    f"{key} does not come after {self._last_key}. The cursor went backwards; extraction stopped "
                    "rather than read pages twice or skip some.",
                    code="order_violation", path=self.path, page=self.pages + 1)
            self._last_key = key
        if next_cursor is not None:
            if _fingerprint(next_cursor) in self._seen:
                raise ServiceTrackerError(
                    f"ServiceTracker returned a cursor for /{self.path} that this pass already followed "
                    f"(page {self.pages + 1}): the list would loop forever. Extraction stopped; pages before it "
                    "are staged and a re-run resumes from the last good cursor.",
                    code="cursor_repeated", path=self.path, page=self.pages + 1)
            if not records:
                raise ServiceTrackerError(
                    f"ServiceTracker returned an empty page of /{self.path} that is not the last "
                    f"(page {self.pages + 1}): pagination makes no progress. Extraction stopped.",
                    code="pagination_stalled", path=self.path, page=self.pages + 1)
        return records, next_cursor

    def _broken(self, what: str) -> ServiceTrackerError:
        return ServiceTrackerError(f"ServiceTracker sent a page of /{self.path} that breaks the contract: {what}.",
                                   code="invalid_body", path=self.path, page=self.pages + 1)


def _fingerprint(cursor: str) -> bytes:
    return hashlib.blake2b(cursor.encode("utf-8"), digest_size=16).digest()
