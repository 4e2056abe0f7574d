"""What an extraction returns: modes, pass plans and per-feed results (immutable NamedTuples, StrEnums).

How a feed's next pass is chosen (:func:`plan_pass`)::

    checkpoint running ───────────────────────────────► RESUMED      (same since, from the saved cursor)
    --full ────────────────────────────────────────────► FULL         (no since)
    --since T ─────────────────────────────────────────► SINCE        (since = T)
    --incremental, watermark W ────────────────────────► INCREMENTAL  (since = W − commit lag)
    --incremental, no watermark ───────────────────────► usage error  (run a full extraction first)
    auto (default): watermark W ? INCREMENTAL : FULL

An interrupted pass is always finished first, whatever the options: its pages are half in staging and
only its own ``since`` completes them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

from control.errors import UsageError
from control.servicetracker.instants import shift, utc_key
from control.staging.models import Checkpoint, PassStatus, StagingDigest

__all__ = ["COMMIT_LAG_SECONDS", "ExtractMode", "PassKind", "PassPlan", "FeedResult", "FilesResult",
           "ExtractResult", "plan_pass"]

COMMIT_LAG_SECONDS = 60.0  # contract §4.1


class ExtractMode(StrEnum):
    AUTO = "auto"
    FULL = "full"
    INCREMENTAL = "incremental"
    SINCE = "since"


class PassKind(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"
    SINCE = "since"
    RESUMED = "resumed"


class PassPlan(NamedTuple):
    kind: PassKind
    since: str | None
    cursor: str | None
    pass_time: str | None
    watermark: str | None
    pages: int
    records: int


def plan_pass(feed: str, checkpoint: Checkpoint | None, mode: ExtractMode, since: str | None = None,
              *, lag: float = COMMIT_LAG_SECONDS) -> PassPlan:
    """The pass a feed runs next (see the module docstring)."""
    if checkpoint is not None and checkpoint.status is PassStatus.RUNNING:
        return PassPlan(PassKind.RESUMED, checkpoint.since, checkpoint.cursor, checkpoint.pass_time,
                        checkpoint.watermark, checkpoint.pages, checkpoint.records)
    watermark = checkpoint.watermark if checkpoint else None
    if mode is ExtractMode.FULL:
        return PassPlan(PassKind.FULL, None, None, None, watermark, 0, 0)
    if mode is ExtractMode.SINCE:
        if since is None:
            raise UsageError("--since needs a datetime with an offset.", hint="For example --since 2024-06-01T00:00:00Z.")
        return PassPlan(PassKind.SINCE, utc_key(since), None, None, watermark, 0, 0)
    if watermark is None:
        if mode is ExtractMode.INCREMENTAL:
            raise UsageError(f"'{feed}' has never been extracted completely, so there is no watermark to continue from.",
                             hint="Run `st2sf extract` (a full pass) first, or pass --since DATETIME.")
        return PassPlan(PassKind.FULL, None, None, None, None, 0, 0)
    return PassPlan(PassKind.INCREMENTAL, shift(watermark, -lag), None, None, watermark, 0, 0)


class FeedResult(NamedTuple):
    feed: str
    kind: PassKind
    since: str | None
    pages: int             # pages read by this run
    fetched: int           # records (or tombstones) read by this run
    inserted: int
    updated: int
    unchanged: int
    deleted: int           # staged records removed (tombstone feed), or refused because tombstoned
    watermark: str | None  # after this run

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in self._asdict().items()}


class FilesResult(NamedTuple):
    attachments: int = 0    # attachment records checked
    downloaded: int = 0     # bodies fetched by this run
    bytes: int = 0          # bytes fetched by this run (resumed downloads count what was fetched)
    present: int = 0        # bodies already in the blob folder
    missing: int = 0        # the source has lost the body
    mismatched: int = 0     # the body's sha256 differs from the record

    def as_dict(self) -> dict[str, int]:
        return dict(self._asdict())


class ExtractResult(NamedTuple):
    run_id: str
    resumed_run: str | None
    source: str                      # "api" or "export"
    feeds: tuple[FeedResult, ...]
    files: FilesResult
    requests: dict[str, int]         # requests sent, 429/503/500/transport retries
    elapsed_seconds: float
    records_per_second: float
    staging_counts: dict[str, int]   # records per resource in staging after the run
    digest: StagingDigest | None     # when asked for

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "resumed_run": self.resumed_run, "source": self.source,
            "feeds": [f.as_dict() for f in self.feeds], "files": self.files.as_dict(), "requests": self.requests,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "records_per_second": round(self.records_per_second, 1),
            "staging_counts": self.staging_counts,
            "digest": self.digest._asdict() if self.digest else None,
        }
