"""The staging store's vocabulary (StrEnums) and immutable values (NamedTuples).

A feed's pass, as its checkpoint row records it::

    (no row) ──first page──► running ──last page committed──► complete (watermark = pass_time)
                               │  ▲                                │
                               └──┘ each page: cursor advances     └─ next pass ─► running (since = …)
                                    in the page's own transaction

``running`` with a cursor after a crash means: resume from that cursor with the same ``since``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["PassStatus", "FileStatus", "Checkpoint", "PageCounts", "TombstoneCounts", "StagedRecord", "FileRecord",
           "StagingDigest", "Tombstone"]


class PassStatus(StrEnum):
    RUNNING = "running"
    COMPLETE = "complete"


class FileStatus(StrEnum):
    STORED = "stored"        # the body is in the blob folder and its sha256 matches the record
    MISSING = "missing"      # the source lost the body (404 file_missing, or no file in an export)
    MISMATCH = "mismatch"    # the body's sha256 differs from the record's; kept under its real hash


class Checkpoint(NamedTuple):
    feed: str
    status: PassStatus
    since: str | None = None
    cursor: str | None = None
    pass_time: str | None = None
    watermark: str | None = None
    pages: int = 0
    records: int = 0


class PageCounts(NamedTuple):
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0   # same content (the overlap of incremental passes), or an older version
    tombstoned: int = 0  # refused: the id has a tombstone, and ids are never reused

    def __add__(self, other: "PageCounts") -> "PageCounts":  # type: ignore[override]
        return PageCounts(*(a + b for a, b in zip(self, other)))


class TombstoneCounts(NamedTuple):
    recorded: int = 0    # new tombstones
    deleted: int = 0     # staged records removed because of them

    def __add__(self, other: "TombstoneCounts") -> "TombstoneCounts":  # type: ignore[override]
        return TombstoneCounts(*(a + b for a, b in zip(self, other)))


class Tombstone(NamedTuple):
    resource: str
    source_id: str
    deleted_at: str


class StagedRecord(NamedTuple):
    resource: str
    source_id: str
    updated_at: str
    content_hash: str
    payload: dict[str, Any]


class FileRecord(NamedTuple):
    attachment_id: str
    expected_sha256: str | None
    expected_size: int | None
    status: FileStatus
    blob_sha256: str | None
    blob_size: int | None


class StagingDigest(NamedTuple):
    """A deterministic digest of the staging *content* (records, tombstones, files), not of its progress."""

    digest: str
    records: int
    tombstones: int
    files: int
    per_resource: dict[str, str]
