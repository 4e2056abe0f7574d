"""``st2sf extract``: ServiceTracker (API or export folder) → staging store, recorded in the ledger.

Public function :func:`extract` — the CLI only parses options and renders progress.

An API run::

    GET /tenant  ─► pace to its requests_per_second / burst; record counts give progress totals
    GET /schema  ─► kept in staging (meta "schema") for the audit
    workers (source.max_concurrency) take feeds from a queue, each feed one pass (control.servicetracker.feeds):
        the list resources of control.servicetracker.resources
        custom_tables done ─► one feed per custom table's rows  (custom_tables/{key}/rows)
        attachments done   ─► the attachment bodies             (control.servicetracker.files)
    then the tombstone feed (deleted_records), last, so a record deleted during the run is removed

Ledger: ``start_run("extract", options)``; one step per feed (``extract <feed>``) started when the feed
starts and completed only after its last page committed. A run of this command left ``running`` by a
dead process is *interrupted*: the next ``st2sf extract`` names it (``resumes``), closes it as
abandoned, and the staging checkpoints carry on from the last committed page of every feed.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, NamedTuple, Sequence

import httpx

from control.errors import ConfigError, St2sfError, UsageError
from control.ledger import Ledger, RunStatus
from control.servicetracker.client import ServiceTrackerClient, path_segment
from control.servicetracker.feeds import StagingWriter, run_feed
from control.servicetracker.files import FILES_FEED, sync_files
from control.servicetracker.instants import utc_key
from control.servicetracker.pacing import Pacer
from control.servicetracker.progress import ExtractProgress, NullProgress
from control.servicetracker.resources import (
    ATTACHMENTS, CUSTOM_TABLES, RESOURCE_NAMES, TOMBSTONE_FEED, rows_resource, table_key_of,
)
from control.servicetracker.results import ExtractMode, ExtractResult, FeedResult, FilesResult, plan_pass
from control.settings import Settings
from control.staging import BlobStore, StagingStore, staging_digest

__all__ = ["extract", "ExtractOptions", "select_resources"]

COMMAND = "extract"


class ExtractOptions(NamedTuple):
    """The options of one extraction, validated."""

    mode: ExtractMode
    since: str | None
    resources: tuple[str, ...]
    files: bool
    page_size: int
    concurrency: int
    digest: bool

    def as_dict(self) -> dict[str, Any]:
        return {"mode": str(self.mode), "since": self.since, "resources": list(self.resources), "files": self.files,
                "page_size": self.page_size, "concurrency": self.concurrency}


def select_resources(only: Sequence[str] = (), skip: Sequence[str] = ()) -> tuple[str, ...]:
    """The list resources to extract: ``only`` (default all), minus ``skip``; unknown names are usage errors."""
    for name in (*only, *skip):
        if name not in RESOURCE_NAMES:
            raise UsageError(f"'{name}' is not a ServiceTracker resource.",
                             hint="Use one of: " + ", ".join(RESOURCE_NAMES) + ".")
    chosen = [r for r in RESOURCE_NAMES if (not only or r in only) and r not in skip]
    if not chosen:
        raise UsageError("No resource is left to extract.", hint="Check --resource and --skip.")
    return tuple(chosen)


def extract(settings: Settings, *, mode: ExtractMode = ExtractMode.AUTO, since: str | None = None,
            only: Sequence[str] = (), skip: Sequence[str] = (), files: bool = True, export_dir: Path | None = None,
            page_size: int | None = None, digest: bool = False, progress: ExtractProgress | None = None,
            actor: str | None = None, transport: httpx.AsyncBaseTransport | None = None) -> ExtractResult:
    """Extract ServiceTracker into the staging store; resumable, incremental, recorded in the ledger.

    ``export_dir`` (or ``[source] kind = "export"``) reads a tenant's export folder instead of the API
    (see :mod:`control.servicetracker.export`). ``transport`` is for tests only (an httpx transport).
    """
    if since is not None:
        try:
            since = utc_key(since)
        except ValueError:
            raise UsageError(f"--since {since!r} is not a datetime with an offset.",
                             hint="For example --since 2024-06-01T00:00:00Z.") from None
        mode = ExtractMode.SINCE
    options = ExtractOptions(mode=mode, since=since, resources=select_resources(only, skip), files=files,
                             page_size=page_size or settings.source.page_size,
                             concurrency=settings.source.max_concurrency, digest=digest)
    if not 1 <= options.page_size <= 1000:
        raise UsageError(f"The page size must be 1 to 1000, not {options.page_size}.")
    progress = progress or NullProgress()
    folder = export_dir or (Path(settings.source.export_dir) if settings.source.kind == "export"
                            and settings.source.export_dir else None)
    if folder is None and settings.source.kind == "export":
        raise ConfigError("[source] kind is \"export\" but no export folder is set.",
                          hint="Set [source] export_dir in st2sf.toml, ST2SF_SOURCE_EXPORT_DIR, or pass --export DIR.")
    if folder is None and not settings.source.base_url:
        raise ConfigError("No ServiceTracker API URL is configured.",
                          hint="Set [source] base_url in st2sf.toml or ST2SF_SOURCE_URL, or pass --export DIR.")
    api_key = None if folder is not None else settings.servicetracker_api_key()

    ledger = Ledger.open(settings.ledger_url)
    store = StagingStore.open(settings.staging_url)
    interrupted = ledger.unfinished_runs(COMMAND)
    resumed = interrupted[-1].id if interrupted else None
    run = ledger.start_run(COMMAND, {**options.as_dict(), "source": "export" if folder else "api"},
                           actor=actor, resumes=resumed)
    for old in interrupted:
        ledger.finish_run(old.id, RunStatus.ABANDONED)
    if resumed:
        progress.note(f"Resuming interrupted run {resumed}: every feed continues from its last committed page.")
    started = time.monotonic()
    try:
        with ledger.finishing(run.id):
            result = _run(settings, store, ledger, run.id, options, folder, api_key, progress, transport, resumed,
                          started)
    finally:
        store.close()
        ledger.close()
    return result


def _run(settings: Settings, store: StagingStore, ledger: Ledger, run_id: str, options: ExtractOptions,
         folder: Path | None, api_key: Any, progress: ExtractProgress, transport: httpx.AsyncBaseTransport | None,
         resumed: str | None, started: float) -> ExtractResult:
    if folder is not None:
        from control.servicetracker.export import extract_export

        feeds, files_tally, requests = extract_export(folder, store, ledger, run_id, options,
                                                      BlobStore(settings.state_dir / "blobs"), progress)
    else:
        feeds, files_tally, requests = asyncio.run(_extract_api(
            settings, store, ledger, run_id, options, api_key, progress, transport))
    elapsed = time.monotonic() - started
    fetched = sum(f.fetched for f in feeds if f.feed != TOMBSTONE_FEED)
    return ExtractResult(
        run_id, resumed, "export" if folder else "api", tuple(feeds), FilesResult(**files_tally), requests,
        elapsed, fetched / elapsed if elapsed > 0 else 0.0, store.counts(),
        staging_digest(store) if options.digest else None)


async def _extract_api(settings: Settings, store: StagingStore, ledger: Ledger, run_id: str, options: ExtractOptions,
                       api_key: Any, progress: ExtractProgress,
                       transport: httpx.AsyncBaseTransport | None) -> tuple[list[FeedResult], dict[str, int], dict[str, int]]:
    writer = StagingWriter(store)
    pacer = Pacer()
    client = ServiceTrackerClient(settings.source.base_url or "", api_key, key_env=settings.source.api_key_env,
                                  pacer=pacer, max_connections=options.concurrency * 2 + 2, transport=transport)
    try:
        tenant = await client.tenant()
        pacer.configure(tenant.requests_per_second, tenant.burst)
        await writer.call(store.put_meta, "tenant", tenant._asdict())
        await writer.call(store.put_meta, "schema", await client.schema())
        await writer.call(store.put_meta, "source", {"kind": "api", "base_url": settings.source.base_url})
        runner = _Runner(client, writer, ledger, run_id, options, progress, tenant.record_counts,
                         BlobStore(settings.state_dir / "blobs"))
        feeds, files_tally = await runner.run()
        return feeds, files_tally, client.stats.as_dict()
    finally:
        await client.aclose()
        writer.close()


class _Runner:
    """The work queue of one API run: feeds (and the files job) taken by N workers."""

    def __init__(self, client: ServiceTrackerClient, writer: StagingWriter, ledger: Ledger, run_id: str,
                 options: ExtractOptions, progress: ExtractProgress, totals: dict[str, int], blobs: BlobStore) -> None:
        self.client, self.writer, self.ledger, self.run_id = client, writer, ledger, run_id
        self.options, self.progress, self.totals, self.blobs = options, progress, totals, blobs
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.results: list[FeedResult] = []
        self.files_tally: dict[str, int] = FilesResult().as_dict()

    async def run(self) -> tuple[list[FeedResult], dict[str, int]]:
        planned = [f"{COMMAND} {r}" for r in self.options.resources] + [f"{COMMAND} {TOMBSTONE_FEED}"]
        if self.options.files and ATTACHMENTS in self.options.resources:
            planned.append(f"{COMMAND} {FILES_FEED}")
        await self.writer.call(self.ledger.plan_steps, self.run_id, planned)
        for resource in self.options.resources:
            self.queue.put_nowait(resource)
        workers = [asyncio.create_task(self._worker()) for _ in range(self.options.concurrency)]
        try:
            await self._until_done(workers)
            await self._job(TOMBSTONE_FEED)
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return self.results, self.files_tally

    async def _until_done(self, workers: list[asyncio.Task[None]]) -> None:
        """Wait until every queued feed is done; a worker only ends by failing, and then its error is raised
        (checked before the queue counts as done: a failed feed still marks its queue item done)."""
        joined = asyncio.create_task(self.queue.join())
        try:
            while True:
                await asyncio.wait([joined, *workers], return_when=asyncio.FIRST_COMPLETED)
                for task in workers:
                    if task.done() and not task.cancelled() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
                if joined.done():
                    return
        finally:
            joined.cancel()

    async def _worker(self) -> None:
        while True:
            feed = await self.queue.get()
            try:
                await self._job(feed)
            finally:
                self.queue.task_done()

    async def _job(self, feed: str) -> None:
        step = f"{COMMAND} {feed}"
        await self.writer.call(self.ledger.start_step, self.run_id, step)
        try:
            if feed == FILES_FEED:
                self.files_tally = await sync_files(self.client, self.writer, self.blobs,
                                                    concurrency=min(4, self.options.concurrency),
                                                    progress=self.progress, total=self.totals.get(ATTACHMENTS))
                counts: dict[str, Any] = dict(self.files_tally)
            else:
                result = await self._feed(feed)
                counts = {k: v for k, v in result.as_dict().items() if k not in ("feed",)}
        except BaseException as exc:
            await self.writer.call(self.ledger.fail_step, self.run_id, step,
                                   exc if isinstance(exc, St2sfError) else {"error": type(exc).__name__,
                                                                             "message": str(exc)})
            raise
        await self.writer.call(self.ledger.complete_step, self.run_id, step, counts)
        await self._follow_ups(feed)

    async def _feed(self, feed: str) -> FeedResult:
        checkpoint = await self.writer.call(self.writer.store.checkpoint, feed)
        plan = plan_pass(feed, checkpoint, self.options.mode, self.options.since)
        key = table_key_of(feed)
        path = feed if key is None else rows_resource(path_segment(key))
        result = await run_feed(self.client, self.writer, feed, plan, path=path, limit=self.options.page_size,
                                progress=self.progress, total=self.totals.get(feed))
        self.results.append(result)
        self.progress.feed_finished(feed, f"{result.fetched} read: {result.inserted} new, {result.updated} updated, "
                                          f"{result.unchanged} unchanged")
        return result

    async def _follow_ups(self, feed: str) -> None:
        if feed == CUSTOM_TABLES:
            after: str | None = None
            while True:
                tables = await self.writer.call(self.writer.store.records_after, CUSTOM_TABLES, after, 500)
                for table in tables:
                    self.queue.put_nowait(rows_resource(table.source_id))
                if len(tables) < 500:
                    break
                after = tables[-1].source_id
        elif feed == ATTACHMENTS and self.options.files:
            self.queue.put_nowait(FILES_FEED)
