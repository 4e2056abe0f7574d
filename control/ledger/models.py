"""The ledger's vocabulary (StrEnums) and immutable records (NamedTuples).

Run states::

    running ──► completed
       │    └─► failed
       └─ (process died) ─► shown as "interrupted" until a new run resumes it, or it is abandoned

Step states::

    planned ──► started ──► completed
                   └──────► failed
    A step left "started" by a crash is seen by the next run and redone: a step is marked
    completed only after the work it describes has committed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["RunStatus", "StepStatus", "Action", "RunRecord", "StepRecord", "IdMapEntry", "BeforeImage",
           "AuditEntry", "VerifyReport"]


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    ABANDONED = "abandoned"
    INTERRUPTED = "interrupted"  # derived for display: RUNNING whose process is gone


class StepStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class RunRecord(NamedTuple):
    id: str
    command: str
    options: dict[str, Any]
    status: RunStatus
    actor: str | None
    host: str | None
    pid: int | None
    resumes: str | None
    started_at: str
    ended_at: str | None
    error: dict[str, Any] | None


class StepRecord(NamedTuple):
    run_id: str
    seq: int
    name: str
    status: StepStatus
    planned_at: str
    started_at: str | None
    ended_at: str | None
    counts: dict[str, Any]
    error: dict[str, Any] | None


class IdMapEntry(NamedTuple):
    sobject: str
    source_key: str
    salesforce_id: str
    action: Action


class BeforeImage(NamedTuple):
    sobject: str
    record_id: str
    fields: dict[str, Any]


class AuditEntry(NamedTuple):
    seq: int
    at: str
    run_id: str | None
    actor: str | None
    event: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class VerifyReport(NamedTuple):
    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str | None
