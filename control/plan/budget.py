"""What a load costs, per step and in total, against what the org has left (``/limits``).

Per step the API is **Bulk** (v1, CumulusCI's default 10,000-record batches) from
:data:`BULK_THRESHOLD` rows up, **REST** below (sObject collections of 200 records per request),
as CumulusCI's ``smart`` API would choose. The estimates:

=====================  =====================================================================================
API requests           REST: ⌈rows / 200⌉. Bulk: 1 (create job) + batches (upload) + 1 (close) + batches
                       (results) + status polls (every 10 s of processing, at least one per batch)
Bulk batches           ⌈rows / 10,000⌉ (the rolling 24-hour allocation, ``DailyBulkApiBatches``)
data storage           2 KB per record, as Salesforce counts most records (files are file storage)
file storage           the bodies' bytes (ContentVersion)
duration               Bulk ~:data:`BULK_ROWS_PER_SECOND`, REST ~:data:`REST_SECONDS_PER_REQUEST` per request,
                       files ~:data:`FILE_MB_PER_SECOND` plus one request each, 4 in parallel; links in
                       collections of 200
=====================  =====================================================================================

Deferred lookups add an update step (the rows whose deferred field is set), costed the same way.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, NamedTuple

__all__ = ["BULK_THRESHOLD", "BULK_BATCH", "REST_BATCH", "RECORD_BYTES", "choose_api", "StepCost", "step_cost",
           "file_cost", "Need", "LIMIT_KEYS"]

BULK_THRESHOLD = 2_000
BULK_BATCH = 10_000
REST_BATCH = 200
RECORD_BYTES = 2 * 1024
BULK_ROWS_PER_SECOND = 2_000.0
REST_SECONDS_PER_REQUEST = 0.5
FILE_MB_PER_SECOND = 5.0
FILE_UPLOADS_IN_PARALLEL = 4
POLL_SECONDS = 10.0

# the /limits entries the plan checks, by what they measure
LIMIT_KEYS = {"api_requests": "DailyApiRequests", "bulk_batches": "DailyBulkApiBatches",
              "data_storage_mb": "DataStorageMB", "file_storage_mb": "FileStorageMB"}


def choose_api(rows: int) -> str:
    return "bulk" if rows >= BULK_THRESHOLD else "rest"


class StepCost(NamedTuple):
    api: str
    rows: int
    requests: int
    batches: int
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return self._asdict() | {"seconds": round(self.seconds, 1)}


def step_cost(rows: int, api: str | None = None) -> StepCost:
    api = api or choose_api(rows)
    if rows <= 0:
        return StepCost(api, 0, 0, 0, 0.0)
    if api == "rest":
        requests = math.ceil(rows / REST_BATCH)
        return StepCost(api, rows, requests, 0, requests * REST_SECONDS_PER_REQUEST)
    batches = math.ceil(rows / BULK_BATCH)
    seconds = rows / BULK_ROWS_PER_SECOND
    polls = max(batches, math.ceil(seconds / POLL_SECONDS))
    return StepCost(api, rows, 2 + 2 * batches + polls, batches, seconds + POLL_SECONDS)


def file_cost(files: int, total_bytes: int, links: int) -> StepCost:
    """One REST request per file (its body), :data:`FILE_UPLOADS_IN_PARALLEL` at a time; links in sObject
    collections of 200."""
    link_requests = math.ceil(links / REST_BATCH)
    seconds = (total_bytes / (FILE_MB_PER_SECOND * 1024 * 1024) + files * REST_SECONDS_PER_REQUEST) \
        / FILE_UPLOADS_IN_PARALLEL + link_requests * REST_SECONDS_PER_REQUEST
    return StepCost("rest", files, files + link_requests, 0, seconds)


class Need(NamedTuple):
    """One allocation: what the load needs and what the org has left."""

    limit: str            # the /limits key
    need: int
    remaining: int | None
    max: int | None

    @property
    def fits(self) -> bool:
        return self.remaining is None or self.need <= self.remaining

    def as_json(self) -> dict[str, Any]:
        return self._asdict() | {"fits": self.fits}

    @classmethod
    def of(cls, key: str, need: int, limits: Mapping[str, Mapping[str, int]]) -> "Need":
        entry = limits.get(LIMIT_KEYS[key])
        return cls(LIMIT_KEYS[key], need, entry.get("Remaining") if entry else None, entry.get("Max") if entry else None)
