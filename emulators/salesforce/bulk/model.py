"""Vocabulary of the Bulk APIs: operations, content types, job and batch states, errors.

Bulk API (v1) job and batch life cycles::

    job:    Open ──close──▶ Closed          (no more batches; queued ones still run)
              └───abort──▶ Aborted          (queued batches become Not Processed)

    batch:  Queued ──▶ InProgress ──▶ Completed | Failed
              └─(job aborted first)──▶ Not Processed

Bulk API 2.0 ingest jobs::

    Open ──PATCH UploadComplete──▶ UploadComplete ──▶ InProgress ──▶ JobComplete | Failed
      └──PATCH Aborted──▶ Aborted

Call-level refusals are :class:`BulkError` (an ``exceptionCode`` of Salesforce's
AsyncExceptionCode list and a message); each API renders them in its own shape.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "Operation",
    "ContentType",
    "JobState",
    "BatchState",
    "ConcurrencyMode",
    "BulkError",
    "JobRow",
    "BatchRow",
    "DML_OPERATIONS",
    "QUERY_OPERATIONS",
    "ASYNC_NS",
]

ASYNC_NS = "http://www.force.com/2009/06/asyncapi/dataload"


class Operation(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    UPSERT = "upsert"
    DELETE = "delete"
    HARD_DELETE = "hardDelete"
    QUERY = "query"
    QUERY_ALL = "queryAll"


DML_OPERATIONS = frozenset({Operation.INSERT, Operation.UPDATE, Operation.UPSERT, Operation.DELETE, Operation.HARD_DELETE})
QUERY_OPERATIONS = frozenset({Operation.QUERY, Operation.QUERY_ALL})


class ContentType(StrEnum):
    CSV = "CSV"
    JSON = "JSON"
    XML = "XML"


class ConcurrencyMode(StrEnum):
    PARALLEL = "Parallel"
    SERIAL = "Serial"


class JobState(StrEnum):
    OPEN = "Open"
    CLOSED = "Closed"
    ABORTED = "Aborted"
    FAILED = "Failed"
    UPLOAD_COMPLETE = "UploadComplete"
    IN_PROGRESS = "InProgress"
    JOB_COMPLETE = "JobComplete"


class BatchState(StrEnum):
    QUEUED = "Queued"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    NOT_PROCESSED = "Not Processed"


class BulkError(Exception):
    """A refused Bulk call: ``code`` is an AsyncExceptionCode (InvalidJob, InvalidBatch, …)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class JobRow(NamedTuple):
    """A Bulk job as stored (``bulk_jobs``); ``api`` is ``v1``, ``ingest`` or ``query``."""

    id: str
    api: str
    operation: str
    object: str
    external_id: str | None
    content_type: str
    concurrency: str
    state: str
    created_by: str
    created: str
    modstamp: str
    api_version: str
    options: dict


class BatchRow(NamedTuple):
    """A Bulk v1 batch (or a Bulk 2.0 job's processing record) as stored (``bulk_batches``)."""

    id: str
    job_id: str
    seq: int
    state: str
    state_message: str | None
    created: str
    modstamp: str
    processed: int
    failed: int
    total_ms: int
    due: str | None  # earliest org-clock time it may be processed (slow-batch fault), None: now
    result_ids: tuple[str, ...]  # query result ids, in order
