"""One pass over one feed — a list resource or the tombstone feed — into staging, page by page.

The loop overlaps the network and the database without ever letting a checkpoint run ahead::

    fetch page k ─► schedule "write page k + checkpoint(k)" on the staging thread
                 ─► fetch page k+1 (meanwhile page k commits)
                 ─► wait for page k's commit ─► schedule page k+1 … ─► last page: checkpoint complete

Each write is one transaction holding the page *and* the checkpoint that names the cursor after it, so
a ``kill -9`` anywhere leaves staging at a page boundary it knows; the next run resumes from that cursor.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, TypeVar

from control.errors import ServiceTrackerError
from control.servicetracker.client import ServiceTrackerClient
from control.servicetracker.pagination import Page, Paginator, record_order_key, tombstone_order_key
from control.servicetracker.progress import ExtractProgress
from control.servicetracker.resources import TOMBSTONE_FEED
from control.servicetracker.results import FeedResult, PassKind, PassPlan
from control.staging.models import Checkpoint, PageCounts, PassStatus, Tombstone, TombstoneCounts
from control.staging.store import StagingStore

__all__ = ["StagingWriter", "run_feed"]

T = TypeVar("T")


class StagingWriter:
    """Runs staging calls on one dedicated thread, in order, so the event loop keeps fetching."""

    def __init__(self, store: StagingStore) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staging-writer")

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args))

    def close(self) -> None:
        """Wait for every scheduled write to commit (or fail), then stop the thread."""
        self._pool.shutdown(wait=True)


def _tombstones(records: list[dict[str, Any]]) -> list[Tombstone]:
    out = []
    for r in records:
        if not all(isinstance(r.get(k), str) for k in ("resource", "id", "deleted_at")):
            raise ServiceTrackerError(f"ServiceTracker sent a tombstone that breaks the contract: {r!r}.",
                                      code="invalid_body", path=TOMBSTONE_FEED)
        out.append(Tombstone(r["resource"], r["id"], r["deleted_at"]))
    return out


async def run_feed(client: ServiceTrackerClient, writer: StagingWriter, feed: str, plan: PassPlan, *,
                   limit: int, progress: ExtractProgress, total: int | None = None,
                   path: str | None = None) -> FeedResult:
    """Run (or resume) one pass of ``feed`` as ``plan`` says; return what this run did.

    ``path`` is the list's path under the base URL when it differs from the feed name (custom table keys
    are quoted as one path segment)."""
    is_tombstones = feed == TOMBSTONE_FEED
    paginator = Paginator(
        client, path or feed, limit=limit, since=plan.since, cursor=plan.cursor,
        since_param="deleted_since" if is_tombstones else "updated_since",
        order_key=tombstone_order_key if is_tombstones else record_order_key,
    )
    pass_time, pages_total, records_total = plan.pass_time, plan.pages, plan.records
    counts, dead = PageCounts(), TombstoneCounts()
    pages = fetched = 0
    watermark = plan.watermark
    progress.feed_started(feed, total if plan.kind is PassKind.FULL or plan.since is None else None, plan.records)
    pending: asyncio.Future[Any] | None = None
    pending_size = 0

    async def settle() -> None:
        nonlocal pending, counts, dead
        if pending is None:
            return
        result = await pending
        pending = None
        if isinstance(result, TombstoneCounts):
            dead = dead + result
        else:
            counts = counts + result
        progress.feed_advanced(feed, pending_size)

    try:
        while True:
            page: Page | None = await paginator.next_page()
            await settle()
            if page is None:
                break
            if page.restarted:
                progress.note(f"{feed}: the tenant was restored or re-indexed; restarting this pass from its start")
            if pass_time is None:
                pass_time = page.server_time
            pages += 1
            fetched += len(page.records)
            pages_total += 1
            records_total += len(page.records)
            last = page.next_cursor is None
            if last:
                watermark = pass_time
            checkpoint = Checkpoint(feed, PassStatus.COMPLETE if last else PassStatus.RUNNING, plan.since,
                                    page.next_cursor, pass_time, watermark, pages_total, records_total)
            pending_size = len(page.records)
            if is_tombstones:
                pending = asyncio.ensure_future(writer.call(writer.store.write_tombstones,
                                                            _tombstones(page.records), checkpoint))
            else:
                pending = asyncio.ensure_future(writer.call(writer.store.write_page, feed, page.records, checkpoint))
            if last:
                await settle()
                break
    finally:
        if pending is not None:  # let a scheduled commit finish before the error propagates
            try:
                await settle()
            except Exception:  # noqa: BLE001 — the original error matters more
                pass
    if is_tombstones:
        return FeedResult(feed, plan.kind, plan.since, pages, fetched, dead.recorded, 0, fetched - dead.recorded,
                          dead.deleted, watermark)
    return FeedResult(feed, plan.kind, plan.since, pages, fetched, counts.inserted, counts.updated, counts.unchanged,
                      counts.tombstoned, watermark)
