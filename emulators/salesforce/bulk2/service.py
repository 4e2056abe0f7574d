"""Bulk API 2.0 behaviour: ingest and query jobs, independent of HTTP.

Ingest: ``create_ingest`` (Open) → uploads appended to one file (at most 150 MB per job) →
``set_state(UploadComplete)``; the data is processed (:mod:`.ingest`) right after that reply is
sent (:meth:`Bulk2.process_pending`, the request's background step), so the first poll sees
``JobComplete`` (or ``Failed``). Any request about a job also processes it if it is still pending.
Under the *slow batch* fault it stays ``InProgress`` for ``slow_batch_seconds`` of org time and is
processed by the first request about it after that.

Query: ``create_query`` checks the SOQL (a bad query is refused when the job is created, 400); the
query then runs (background step) into one CSV file plus an index of row offsets (8 bytes a row), so any page
(``maxRecords`` rows from a ``locator``) is read with two seeks. Locators are the base64 of the
next row number, like Salesforce's; the last page's locator is ``null``.

Counters and settings of a job live in its ``options`` (JSON): ``lineEnding``, ``columnDelimiter``,
``query``, ``uploaded``, ``processed``, ``failed``, ``rows``, ``total_ms``, ``errorMessage``, ``due``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import struct
import time
from typing import Any, BinaryIO, Callable, Iterator

from emulators.salesforce.bulk.model import BulkError, ContentType, JobRow, JobState, Operation, QUERY_OPERATIONS
from emulators.salesforce.bulk.payload import DELIMITERS
from emulators.salesforce.bulk.query import QueryFailure, ResultFile, run_bulk_query
from emulators.salesforce.bulk.service import external_id_field
from emulators.salesforce.bulk.store import JOB_PREFIX, BulkStore
from emulators.salesforce.bulk2.ingest import LINE_ENDINGS, process_upload
from emulators.salesforce.dml.coerce import format_datetime, parse_datetime
from emulators.salesforce.dml.writer import Writer
from emulators.salesforce.faults.injector import FaultInjector
from emulators.salesforce.limits import QuotaExceeded, UsageKind
from emulators.salesforce.org.runtime import Org
from emulators.salesforce.soql import QueryEngine, SoqlError

__all__ = ["Bulk2", "MAX_UPLOAD_BYTES", "DEFAULT_PAGE_ROWS", "QueryPage"]

MAX_UPLOAD_BYTES = 150 * 1024 * 1024
DEFAULT_PAGE_ROWS = 50_000
_INGEST_OPS = {Operation.INSERT, Operation.UPDATE, Operation.UPSERT, Operation.DELETE, Operation.HARD_DELETE}


class QueryPage:
    """One page of query results: the CSV bytes, the next locator (``"null"`` at the end), row count."""

    def __init__(self, chunks: Iterator[bytes], locator: str, rows: int) -> None:
        self.chunks = chunks
        self.locator = locator
        self.rows = rows


def _locator(row: int) -> str:
    return base64.b64encode(str(row).encode()).decode()


def _row_of(locator: str) -> int:
    try:
        text = base64.b64decode(locator.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    if not text.isdigit():
        raise BulkError("InvalidLocator", f"Invalid locator: {locator}", 400)
    return int(text)


class Bulk2:
    """Bulk API 2.0 of one org (see the module docstring)."""

    def __init__(self, org: Org, engine: QueryEngine, faults: FaultInjector, store: BulkStore) -> None:
        self.org = org
        self.engine = engine
        self.faults = faults
        self.store = store

    # ── shared ─────────────────────────────────────────────────────────────────────
    def _options(self, body: dict[str, Any]) -> dict[str, Any]:
        delimiter = str(body.get("columnDelimiter") or "COMMA")
        if delimiter not in DELIMITERS:
            raise BulkError("InvalidJob", f"columnDelimiter must be one of {sorted(DELIMITERS)}, got {delimiter!r}")
        ending = str(body.get("lineEnding") or "LF")
        if ending not in LINE_ENDINGS:
            raise BulkError("InvalidJob", f"lineEnding must be LF or CRLF, got {ending!r}")
        content = str(body.get("contentType") or "CSV")
        if content != ContentType.CSV:
            raise BulkError("InvalidJob", f"Bulk API 2.0 jobs take contentType CSV only, got {content!r}")
        return {"columnDelimiter": delimiter, "lineEnding": ending}

    def _due(self) -> str | None:
        slow = self.faults.slow_batch_seconds
        return format_datetime(self.org.now() + dt.timedelta(seconds=slow)) if slow else None

    def job(self, job_id: str, api: str) -> JobRow:
        try:
            job = self.store.job(job_id, api=api)
        except BulkError:
            raise BulkError("NOT_FOUND", "The requested resource does not exist", 404) from None
        return self._advance(job)

    def _advance(self, job: JobRow) -> JobRow:
        """Process a job whose slow-batch wait is over; report a waiting one InProgress."""
        if job.state not in (JobState.UPLOAD_COMPLETE, JobState.IN_PROGRESS):
            return job
        due = parse_datetime(job.options["due"]) if job.options.get("due") else None
        now = self.org.now()
        if due is not None and due > now:
            if job.state != JobState.IN_PROGRESS:
                self.store.set_job_state(job.id, JobState.IN_PROGRESS, format_datetime(now))
            return self.store.job(job.id)
        if job.api == "ingest":
            self._process_ingest(job)
        else:
            self._process_query(job)
        return self.store.job(job.id)

    def jobs(self, api: str) -> list[JobRow]:
        return [self._advance(j) for j in self.store.jobs(api=api)]

    def delete(self, job_id: str, api: str) -> None:
        job = self.job(job_id, api)
        if job.state in (JobState.OPEN, JobState.UPLOAD_COMPLETE, JobState.IN_PROGRESS):
            raise BulkError("INVALIDJOBSTATE", f"Job {job.id} is {job.state}: only a finished or aborted job can be deleted", 400)
        self.store.set_job_state(job.id, "Deleted", self.org.now_wire())
        for suffix in ("upload", "successful.csv", "failed.csv", "unprocessed.csv", "query.csv", "query.idx"):
            self.store.remove_file(f"{job.id}.{suffix}")

    # ── ingest ─────────────────────────────────────────────────────────────────────
    def create_ingest(self, user_id: str, api_version: str, body: dict[str, Any]) -> JobRow:
        op_text = str(body.get("operation") or "")
        try:
            operation = Operation(op_text)
        except ValueError:
            operation = None
        if operation not in _INGEST_OPS:
            raise BulkError("InvalidJob", f"operation must be one of insert, update, upsert, delete, hardDelete; got {op_text!r}")
        assert operation is not None
        object_name = str(body.get("object") or "")
        plan = self.org.schemas.plan(object_name) if object_name else None
        if plan is None:
            raise BulkError("InvalidJob", f"Unable to find object: {object_name}")
        external = external_id_field(plan, body.get("externalIdFieldName")).name if operation is Operation.UPSERT else None
        now = self.org.now_wire()
        job = JobRow(
            id=self.store.new_id(JOB_PREFIX), api="ingest", operation=operation.value, object=plan.name,
            external_id=external, content_type=ContentType.CSV, concurrency="Parallel", state=JobState.OPEN,
            created_by=user_id, created=now, modstamp=now, api_version=api_version,
            options={**self._options(body), "uploaded": 0},
        )
        self.store.add_job(job)
        return job

    def upload_target(self, job_id: str) -> tuple[JobRow, str, int]:
        """The Open job, its upload file name and how many bytes it already holds."""
        job = self.job(job_id, "ingest")
        if job.state != JobState.OPEN:
            raise BulkError("INVALIDJOBSTATE", f"Job {job.id} is {job.state}: data can be uploaded only while it is Open", 409)
        name = f"{job.id}.upload"
        return job, name, self.store.file_size(name)

    def record_upload(self, job: JobRow, size: int) -> None:
        self.store.set_job_state(job.id, job.state, self.org.now_wire(), uploaded=size)

    def set_state(self, job_id: str, api: str, wanted: str) -> JobRow:
        job = self.job(job_id, api)
        now = self.org.now_wire()
        if wanted == JobState.ABORTED:
            if job.state in (JobState.JOB_COMPLETE, JobState.FAILED, JobState.ABORTED):
                raise BulkError("INVALIDJOBSTATE", f"Job {job.id} is already {job.state}", 400)
            self.store.set_job_state(job.id, JobState.ABORTED, now)
            return self.store.job(job.id)
        if api != "ingest" or wanted != JobState.UPLOAD_COMPLETE:
            raise BulkError("INVALIDJOBSTATE", f"A job's state can be set to UploadComplete or Aborted, not {wanted!r}", 400)
        if job.state != JobState.OPEN:
            raise BulkError("INVALIDJOBSTATE", f"Job {job.id} is {job.state}: only an Open job can be marked UploadComplete", 400)
        self.store.set_job_state(job.id, JobState.UPLOAD_COMPLETE, now, due=self._due())
        return self.store.job(job.id)

    def process_pending(self, job_id: str) -> None:
        """Process the job if it is due (the background step after UploadComplete or a new query)."""
        job = self.store.job(job_id)
        if job.api in ("ingest", "query"):
            self._advance(job)

    def _process_ingest(self, job: JobRow) -> None:
        started = time.perf_counter()
        plan = self.org.schemas.plan(job.object)
        assert plan is not None
        operation = Operation(job.operation)
        external = external_id_field(plan, job.external_id) if operation is Operation.UPSERT else None
        writer = Writer(self.org.store, self.org.schemas, user_id=job.created_by, now=self.org.now_wire(),
                        content=self.org.content)

        def open_file(kind: str) -> tuple[BinaryIO, Callable[[], None]]:
            return self.store.create_file(f"{job.id}.{kind}.csv")

        path = self.store.path(f"{job.id}.upload")
        if not path.is_file() or path.stat().st_size == 0:
            for kind in ("successful", "failed", "unprocessed"):
                self.store.write_file(f"{job.id}.{kind}.csv", [])
            self._finish(job, started, 0, 0, "ClientInputError : No data was uploaded for this job; upload CSV "
                                                "data before marking it UploadComplete")
            return
        with open(path, "rb") as upload:
            outcome = process_upload(
                upload, plan=plan, operation=operation, external_id=external, writer=writer, limits=self.org.limits,
                lock_row=self.faults.lock_row, delimiter=DELIMITERS[job.options["columnDelimiter"]],
                line_ending=job.options["lineEnding"], open_file=open_file,
            )
        self._finish(job, started, outcome.processed, outcome.failed, outcome.error_message)

    def _finish(self, job: JobRow, started: float, processed: int, failed: int, error: str | None) -> None:
        state = JobState.FAILED if error else JobState.JOB_COMPLETE
        ms = max(1, int((time.perf_counter() - started) * 1000))
        self.store.set_job_state(job.id, state, self.org.now_wire(), processed=processed, failed=failed, total_ms=ms,
                                 errorMessage=error, due=None)

    def ingest_results(self, job_id: str, kind: str) -> Iterator[bytes]:
        job = self.job(job_id, "ingest")
        if job.state not in (JobState.JOB_COMPLETE, JobState.FAILED, JobState.ABORTED):
            raise BulkError("INVALIDJOBSTATE", f"Job {job.id} is {job.state}: results are available once it completes", 409)
        return self.store.read_file(f"{job.id}.{kind}.csv")

    # ── query ──────────────────────────────────────────────────────────────────────
    def create_query(self, user_id: str, api_version: str, body: dict[str, Any]) -> JobRow:
        op_text = str(body.get("operation") or "query")
        if op_text not in QUERY_OPERATIONS:
            raise BulkError("InvalidJob", f"operation must be query or queryAll, got {op_text!r}")
        text = str(body.get("query") or "").strip()
        if not text:
            raise BulkError("InvalidJob", "query is required: send the SOQL to run in 'query'")
        try:
            compiled = self.engine.compile(text)
        except SoqlError as exc:
            raise BulkError(exc.error_code, exc.message, 400) from None
        try:
            self.org.limits.reserve(UsageKind.BULK2_QUERY_JOBS, 1, 10_000)
        except QuotaExceeded as exc:
            raise BulkError("EXCEEDEDQUOTA", f"You have created {exc.maximum:,} Bulk API 2.0 query jobs in the last 24 hours", 400) from None
        now = self.org.now_wire()
        job = JobRow(
            id=self.store.new_id(JOB_PREFIX), api="query", operation=op_text, object=compiled.sobject.name,
            external_id=None, content_type=ContentType.CSV, concurrency="Parallel", state=JobState.UPLOAD_COMPLETE,
            created_by=user_id, created=now, modstamp=now, api_version=api_version,
            options={**self._options(body), "query": text, "due": self._due()},
        )
        self.store.add_job(job)
        return job

    def _process_query(self, job: JobRow) -> None:
        started = time.perf_counter()
        index_handle, index_commit = self.store.create_file(f"{job.id}.query.idx")

        def open_file() -> ResultFile:
            handle, commit = self.store.create_file(f"{job.id}.query.csv")
            return ResultFile(job.id, handle, commit)

        def on_row(offset: int) -> None:
            index_handle.write(struct.pack("<q", offset))

        try:
            result = run_bulk_query(
                self.engine, job.options["query"], include_deleted=job.operation == Operation.QUERY_ALL,
                api_version=job.api_version, content_type=ContentType.CSV, open_file=open_file,
                max_file_bytes=1 << 62, delimiter=DELIMITERS[job.options["columnDelimiter"]],
                line_ending=LINE_ENDINGS[job.options["lineEnding"]], empty_marker=False, on_row=on_row,
            )
        except QueryFailure as exc:
            index_commit()
            self._finish(job, started, 0, 0, f"InvalidBatch : Failed to process query: {exc.message}")
            return
        index_commit()
        ms = max(1, int((time.perf_counter() - started) * 1000))
        self.store.set_job_state(job.id, JobState.JOB_COMPLETE, self.org.now_wire(), processed=result.rows,
                                 rows=result.rows, total_ms=ms, due=None)

    def query_page(self, job_id: str, locator: str | None, max_records: int | None) -> QueryPage:
        job = self.job(job_id, "query")
        if job.state != JobState.JOB_COMPLETE:
            raise BulkError("INVALIDJOBSTATE", f"Job {job.id} is {job.state}: results are available once it is JobComplete", 409)
        rows = int(job.options.get("rows", 0))
        start = _row_of(locator) if locator else 0
        if start > rows:
            raise BulkError("InvalidLocator", f"Invalid locator: {locator}", 400)
        size = DEFAULT_PAGE_ROWS if not max_records or max_records < 1 else max_records
        stop = min(rows, start + size)
        data = self.store.path(f"{job.id}.query.csv")
        index = self.store.path(f"{job.id}.query.idx")

        def offset(row: int) -> int:
            if row >= rows:
                return data.stat().st_size
            with open(index, "rb") as handle:
                handle.seek(row * 8)
                return struct.unpack("<q", handle.read(8))[0]

        header_end = offset(0)
        body_start, body_end = offset(start), offset(stop)

        def chunks() -> Iterator[bytes]:
            with open(data, "rb") as handle:
                yield handle.read(header_end)
                handle.seek(body_start)
                left = body_end - body_start
                while left > 0:
                    piece = handle.read(min(left, 256 * 1024))
                    if not piece:
                        return
                    left -= len(piece)
                    yield piece

        return QueryPage(chunks(), _locator(stop) if stop < rows else "null", stop - start)
