"""Bulk API (v1) behaviour: jobs, batches, processing, results — independent of HTTP.

Processing: a batch is added ``Queued`` (the reply shows it so, as Salesforce's does) and is
processed right after the reply is sent, before the server reads another request (the HTTP layer
runs :meth:`BulkV1.process_pending` as the request's background step) — so the client prepares its
next batch while this one is processed, and its first status poll (CumulusCI waits 10 s between
polls, simple-salesforce 5 s) already sees ``Completed``. Any request about a job also processes
whatever of it is still pending, so a batch is never lost between its commit and its processing
(a restart in between included). Under the *slow batch* fault a batch waits
``slow_batch_seconds`` of org time (reported ``InProgress``) and is processed by the first request
about its job after that.

Limits checked when a batch is added (HTTP 400, nothing created): more than 10 MB
(``ClientInputError : Exceeded max size limit of 10485760 …``) or more than 10,000,000 characters;
the rolling 15,000-batch allocation (``ExceededQuota``; a batch offered to a closed job still counts,
as Salesforce documents). Limits checked while processing (batch ``Failed`` with a stateMessage):
more than 10,000 records, a field over 32,000 characters, unknown fields, bad data.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, Iterator

from emulators.salesforce.bulk.dml import RowProcessor
from emulators.salesforce.bulk.model import (
    QUERY_OPERATIONS,
    BatchRow,
    BatchState,
    BulkError,
    ConcurrencyMode,
    ContentType,
    JobRow,
    JobState,
    Operation,
)
from emulators.salesforce.bulk.payload import BatchFailure, ParsedBatch, parse_csv, parse_json, parse_xml
from emulators.salesforce.bulk.query import QueryFailure, ResultFile, run_bulk_query
from emulators.salesforce.bulk.store import BATCH_PREFIX, JOB_PREFIX, RESULT_PREFIX, BulkStore
from emulators.salesforce.bulk.wire import dml_results
from emulators.salesforce.dml.coerce import format_datetime, parse_datetime
from emulators.salesforce.dml.writer import Writer
from emulators.salesforce.faults.injector import FaultInjector
from emulators.salesforce.limits import QuotaExceeded
from emulators.salesforce.org.runtime import Org
from emulators.salesforce.org.schemas import ObjectPlan
from emulators.salesforce.schema.model import FieldSchema
from emulators.salesforce.soql import QueryEngine

__all__ = ["BulkV1", "MAX_BATCH_BYTES", "MAX_BATCH_CHARS", "external_id_field", "batch_quota_error"]

MAX_BATCH_BYTES = 10 * 1024 * 1024
MAX_BATCH_CHARS = 10_000_000
_CONTENT_TYPES = {"text/csv": ContentType.CSV, "application/json": ContentType.JSON, "application/xml": ContentType.XML,
                  "text/xml": ContentType.XML}


def external_id_field(plan: ObjectPlan, name: str | None) -> FieldSchema:
    """The upsert key of a job; BulkError when missing or not an external Id / Id / idLookup field."""
    if not name:
        raise BulkError(
            "InvalidJob", f"External ID was blank for {plan.name}. An External ID must be specified for upsert."
        )
    f = plan.field(name)
    if f is None or not (f.external_id or f.id_lookup or f.name == "Id"):
        raise BulkError(
            "InvalidJob",
            f"Field name provided, {name} does not match an External ID, Salesforce Id, or indexed field for {plan.name}",
        )
    return f


def batch_quota_error(exc: QuotaExceeded) -> BulkError:
    return BulkError(
        "ExceededQuota",
        f"You have used all {exc.maximum:,} Bulk API batches allowed in a rolling 24 hours "
        f"({exc.used:,} used); wait for older batches to age out or ask for a higher allocation",
    )


def _mode(value: Any) -> str:
    if value in (None, "", 0, "0", "Parallel", "parallel"):
        return ConcurrencyMode.PARALLEL
    if value in (1, "1", "Serial", "serial"):
        return ConcurrencyMode.SERIAL
    raise BulkError("InvalidJob", f"concurrencyMode must be Parallel or Serial, got {value!r}")


class BulkV1:
    """The Bulk API of one org (see the module docstring)."""

    def __init__(
        self, org: Org, engine: QueryEngine, faults: FaultInjector, store: BulkStore
    ) -> None:
        self.org = org
        self.engine = engine
        self.faults = faults
        self.store = store

    # ── jobs ───────────────────────────────────────────────────────────────────────
    def create_job(self, user_id: str, api_version: str, fields: dict[str, Any], *, as_json: bool) -> JobRow:
        op_text = str(fields.get("operation") or "")
        try:
            operation = Operation(op_text)
        except ValueError:
            raise BulkError(
                "InvalidJob",
                f"operation must be one of {[o.value for o in Operation]}, got {op_text!r}",
            ) from None
        object_name = str(fields.get("object") or "")
        plan = self.org.schemas.plan(object_name) if object_name else None
        if plan is None:
            raise BulkError("InvalidJob", f"Unable to find object: {object_name}")
        external = None
        if operation is Operation.UPSERT:
            external = external_id_field(plan, fields.get("externalIdFieldName")).name
        content_text = str(fields.get("contentType") or ("JSON" if as_json else "XML"))
        try:
            content_type = ContentType(content_text)
        except ValueError:
            raise BulkError(
                "InvalidJob", f"contentType must be CSV, JSON or XML, got {content_text!r} (ZIP content is not supported)"
            ) from None
        now = self.org.now_wire()
        job = JobRow(
            id=self.store.new_id(JOB_PREFIX),
            api="v1",
            operation=operation.value,
            object=plan.name,
            external_id=external,
            content_type=content_type.value,
            concurrency=_mode(fields.get("concurrencyMode")),
            state=JobState.OPEN,
            created_by=user_id,
            created=now,
            modstamp=now,
            api_version=api_version,
            options={},
        )
        self.store.add_job(job)
        return job

    def job(self, job_id: str) -> tuple[JobRow, list[BatchRow]]:
        job = self.store.job(job_id, api="v1")
        self._advance(job)
        return job, self.store.batches(job.id)

    def change_state(self, job_id: str, fields: dict[str, Any]) -> tuple[JobRow, list[BatchRow]]:
        job = self.store.job(job_id, api="v1")
        wanted = str(fields.get("state") or "")
        if wanted not in (JobState.CLOSED, JobState.ABORTED):
            raise BulkError("InvalidJobState", f"A job's state can be changed to Closed or Aborted, not {wanted!r}")
        if job.state != JobState.OPEN:
            raise BulkError("InvalidJobState", f"Job {job.id} is already {job.state}; only an Open job can be {wanted}")
        now = self.org.now_wire()
        if wanted == JobState.ABORTED:
            for batch in self.store.batches(job.id):
                if batch.state in (BatchState.QUEUED, BatchState.IN_PROGRESS):
                    self.store.finish_batch(batch.id, state=BatchState.NOT_PROCESSED, modstamp=now,
                                            message="Job was aborted before this batch was processed")
        self.store.set_job_state(job.id, wanted, now)
        return self.job(job.id)

    # ── batches ────────────────────────────────────────────────────────────────────
    def add_batch(self, job_id: str, body: bytes, media_type: str) -> BatchRow:
        job = self.store.job(job_id, api="v1")
        try:
            self.org.limits.reserve_batches(1)
        except QuotaExceeded as exc:
            raise batch_quota_error(exc) from None
        if job.state != JobState.OPEN:
            raise BulkError("InvalidJobState", f"Job {job.id} is {job.state}: batches can be added only to an Open job")
        sent = _CONTENT_TYPES.get(media_type.split(";")[0].strip().lower())
        if sent is not None and sent.value != job.content_type and job.operation not in QUERY_OPERATIONS:
            raise BulkError(
                "InvalidBatch",
                f"The batch's Content-Type ({media_type}) does not match the job's contentType {job.content_type}",
            )
        if not body.strip():
            raise BulkError("ClientInputError", "The batch is empty: a batch must contain some content")
        if len(body) > MAX_BATCH_BYTES:
            raise BulkError("ClientInputError", f"Exceeded max size limit of {MAX_BATCH_BYTES} with request size {len(body)}")
        try:
            chars = len(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise BulkError("ClientInputError", "The batch is not UTF-8 encoded text") from None
        if chars > MAX_BATCH_CHARS:
            raise BulkError(
                "ClientInputError",
                f"Exceeded max size limit of {MAX_BATCH_CHARS} characters with request size {chars}",
            )
        batch_id = self.store.new_id(BATCH_PREFIX)
        self.store.write_file(f"{batch_id}.req", [body])
        now = self.org.now()
        slow = self.faults.slow_batch_seconds
        due = format_datetime(now + dt.timedelta(seconds=slow)) if slow else None
        self.store.add_batch(batch_id, job.id, BatchState.QUEUED, format_datetime(now), due)
        return self.store.batch(job.id, batch_id)

    def process_pending(self, job_id: str) -> None:
        """Process the job's batches that are due (the background step after adding one)."""
        self._advance(self.store.job(job_id, api="v1"))

    def batches(self, job_id: str) -> list[BatchRow]:
        job, batches = self.job(job_id)
        return batches

    def batch(self, job_id: str, batch_id: str) -> BatchRow:
        job, _ = self.job(job_id)
        return self.store.batch(job.id, batch_id)

    def request_body(self, job_id: str, batch_id: str) -> Iterator[bytes]:
        batch = self.batch(job_id, batch_id)
        return self.store.read_file(f"{batch.id}.req")

    def results(self, job_id: str, batch_id: str) -> tuple[JobRow, BatchRow]:
        """The job and a batch whose results can be read (BulkError while it is not finished)."""
        job, _ = self.job(job_id)
        batch = self.store.batch(job.id, batch_id)
        if batch.state in (BatchState.QUEUED, BatchState.IN_PROGRESS):
            raise BulkError("InvalidBatch", f"Batch {batch.id} is {batch.state}: results are available once it completes")
        if batch.state != BatchState.COMPLETED:
            raise BulkError("InvalidBatch", f"Batch {batch.id} is {batch.state}: it has no results ({batch.state_message})")
        return job, batch

    def dml_result(self, job_id: str, batch_id: str) -> tuple[JobRow, Iterator[bytes]]:
        job, batch = self.results(job_id, batch_id)
        return job, self.store.read_file(f"{batch.id}.res")

    def query_result(self, job_id: str, batch_id: str, result_id: str) -> tuple[JobRow, Iterator[bytes]]:
        job, batch = self.results(job_id, batch_id)
        wanted = next((r for r in batch.result_ids if r == result_id or r[:15] == result_id[:15]), None)
        if wanted is None:
            raise BulkError("InvalidBatch", f"Invalid query result id: {result_id}")
        return job, self.store.read_file(f"{wanted}.res")

    # ── processing ─────────────────────────────────────────────────────────────────
    def _advance(self, job: JobRow) -> None:
        """Process the job's batches whose slow-batch wait is over; show waiting ones InProgress."""
        now = self.org.now()
        for batch in self.store.batches(job.id):
            if batch.state not in (BatchState.QUEUED, BatchState.IN_PROGRESS):
                continue
            due = parse_datetime(batch.due) if batch.due else None
            if due is None or due <= now:
                self._process(job, batch)
            elif batch.state == BatchState.QUEUED:
                self.store.set_batch_state(batch.id, BatchState.IN_PROGRESS, format_datetime(now))

    def _process(self, job: JobRow, batch: BatchRow) -> None:
        started = time.perf_counter()
        operation = Operation(job.operation)
        body = b"".join(self.store.read_file(f"{batch.id}.req"))
        try:
            if operation in QUERY_OPERATIONS:
                processed, failed, result_ids = self._run_query(job, body)
            else:
                processed, failed = self._run_dml(job, batch, body)
                result_ids = ()
        except BatchFailure as exc:
            self.store.finish_batch(batch.id, state=BatchState.FAILED, modstamp=self.org.now_wire(),
                                    total_ms=_ms(started), message=exc.state_message)
            return
        except QueryFailure as exc:
            self.store.finish_batch(batch.id, state=BatchState.FAILED, modstamp=self.org.now_wire(),
                                    total_ms=_ms(started), message=f"InvalidBatch : Failed to process query: {exc.message}")
            return
        self.store.finish_batch(batch.id, state=BatchState.COMPLETED, modstamp=self.org.now_wire(), processed=processed,
                                failed=failed, total_ms=_ms(started), result_ids=result_ids)

    def _parse(self, job: JobRow, plan: ObjectPlan, body: bytes) -> ParsedBatch:
        content = ContentType(job.content_type)
        if content is ContentType.CSV:
            return parse_csv(body, plan)
        if content is ContentType.JSON:
            return parse_json(body, plan)
        return parse_xml(body, plan)

    def _run_dml(self, job: JobRow, batch: BatchRow, body: bytes) -> tuple[int, int]:
        plan = self.org.schemas.plan(job.object)
        if plan is None:
            raise BatchFailure("InvalidBatch", f"Unable to find object: {job.object}")
        parsed = self._parse(job, plan, body)
        writer = Writer(self.org.store, self.org.schemas, user_id=job.created_by, now=self.org.now_wire(),
                        content=self.org.content)
        external = external_id_field(plan, job.external_id) if job.operation == Operation.UPSERT else None
        lock = self.faults.lock_row if job.concurrency == ConcurrencyMode.PARALLEL else None
        processor = RowProcessor(writer, plan, Operation(job.operation), external_id=external, lock_row=lock)
        outcomes = [processor.run(record) for record in parsed.records]
        self.store.write_file(f"{batch.id}.res", dml_results(outcomes, ContentType(job.content_type)))
        return len(outcomes), sum(1 for o in outcomes if not o.success)

    def _run_query(self, job: JobRow, body: bytes) -> tuple[int, int, tuple[str, ...]]:
        text = body.decode("utf-8", "replace").strip()

        def open_file() -> ResultFile:
            result_id = self.store.new_id(RESULT_PREFIX)[:15]
            handle, commit = self.store.create_file(f"{result_id}.res")
            return ResultFile(result_id, handle, commit)

        result = run_bulk_query(
            self.engine,
            text,
            include_deleted=job.operation == Operation.QUERY_ALL,
            api_version=job.api_version,
            content_type=ContentType(job.content_type),
            open_file=open_file,
            max_file_bytes=self.org.limits.allocations().bulk_result_file_bytes,
        )
        return result.rows, 0, result.files


def _ms(started: float) -> int:
    return max(1, int((time.perf_counter() - started) * 1000))
