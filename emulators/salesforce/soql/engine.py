"""The query engine an org runtime wires to ``/query``, ``/queryAll`` and Bulk query.

``QueryEngine.open(text)`` compiles the query against the org's schemas, runs it and returns the
first :class:`~emulators.salesforce.soql.cursor.Page`; when more rows remain the page carries a
locator and ``next_page(locator)`` serves the rest. ``SELECT COUNT() …`` yields only
``total_size``. Date literals are evaluated against the injected ``clock`` in the org's
``time_zone``; a cursor keeps the instant it was opened so later pages mean the same thing.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Callable
from zoneinfo import ZoneInfo

from emulators.salesforce.schema.provider import RecordSource, SchemaProvider
from emulators.salesforce.soql.aggregate import count_groups, run_aggregate
from emulators.salesforce.soql.checker import compile_query
from emulators.salesforce.soql.cursor import Cursor, CursorRegistry, Page, pack_ids, unpack_ids
from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError
from emulators.salesforce.soql.executor import count_matches, render_page, select_ids
from emulators.salesforce.soql.plan import CompiledQuery
from emulators.salesforce.soql.runtime import RunContext

__all__ = ["QueryEngine", "DEFAULT_BATCH_SIZE", "MIN_BATCH_SIZE", "MAX_BATCH_SIZE", "DEFAULT_API_VERSION"]

DEFAULT_BATCH_SIZE = 2000
MIN_BATCH_SIZE = 200
MAX_BATCH_SIZE = 2000
DEFAULT_API_VERSION = "62.0"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class QueryEngine:
    """SOQL over one org: ``schemas`` for names and types, ``records`` for rows."""

    def __init__(
        self,
        schemas: SchemaProvider,
        records: RecordSource,
        *,
        clock: Callable[[], datetime] = _utc_now,
        time_zone: str | tzinfo = "UTC",
        cursors: CursorRegistry | None = None,
    ) -> None:
        self.schemas = schemas
        self.records = records
        self.clock = clock
        self.tz = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
        self.cursors = cursors if cursors is not None else CursorRegistry(clock=clock)

    def compile(self, text: str) -> CompiledQuery:
        return compile_query(text, self.schemas)

    def _context(self, include_deleted: bool, api_version: str, at: datetime) -> RunContext:
        version = api_version[1:] if api_version[:1] in ("v", "V") else api_version
        return RunContext(
            records=self.records,
            include_deleted=include_deleted,
            url_prefix=f"/services/data/v{version}/sobjects/",
            today=at.astimezone(self.tz).date(),
            tz=self.tz,
        )

    def open(
        self,
        text: str,
        *,
        include_deleted: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        api_version: str = DEFAULT_API_VERSION,
    ) -> Page:
        """Run ``text``; the first page (``batch_size`` clamped to 200–2000, as Salesforce does)."""
        compiled = self.compile(text)
        batch = max(MIN_BATCH_SIZE, min(MAX_BATCH_SIZE, int(batch_size)))
        now = self.clock()
        ctx = self._context(include_deleted, api_version, now)
        if compiled.count_only:
            total = count_groups(compiled, ctx) if compiled.aggregate and compiled.aggregate.groups else None
            if total is None:
                total = count_matches(compiled, ctx)
            return Page(total, True, [], None)
        if compiled.aggregate is not None:
            rows = run_aggregate(compiled, ctx)
            cursor = Cursor(compiled, len(rows), batch, include_deleted, api_version, now, rows=tuple(rows))
            return self._page(cursor, None, 0, ctx)
        ids = select_ids(compiled, ctx)
        cursor = Cursor(compiled, len(ids), batch, include_deleted, api_version, now, ids=pack_ids(ids))
        return self._page(cursor, None, 0, ctx)

    def next_page(self, locator: str) -> Page:
        """The page a locator from an earlier page points at; INVALID_QUERY_LOCATOR if it is gone."""
        cursor_id, offset = CursorRegistry.parse_locator(locator)
        cursor = self.cursors.get(cursor_id)
        if offset >= cursor.total:
            raise SoqlError(ErrorCode.INVALID_QUERY_LOCATOR, Messages.invalid_locator())
        ctx = self._context(cursor.include_deleted, cursor.api_version, cursor.opened_at)
        return self._page(cursor, cursor_id, offset, ctx)

    def _page(self, cursor: Cursor, cursor_id: str | None, offset: int, ctx: RunContext) -> Page:
        stop = min(cursor.total, offset + cursor.batch_size)
        if cursor.compiled.aggregate is not None:
            records = list(cursor.rows[offset:stop])
        else:
            records = render_page(cursor.compiled, unpack_ids(cursor.ids, offset, stop), ctx)
        if stop >= cursor.total:
            return Page(cursor.total, True, records, None)
        if cursor_id is None:
            cursor_id = self.cursors.add(cursor)
        return Page(cursor.total, False, records, CursorRegistry.locator(cursor_id, stop))
