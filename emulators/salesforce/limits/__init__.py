"""Limits and usage of one org: allocations, rolling 24-hour counters, storage.

:class:`OrgLimits` is created by the org runtime (``org.limits``) and used by every surface that
spends an allocation::

    REST / Bulk / SOAP request ──► count_api_request() ──► over the maximum? 403 REQUEST_LIMIT_EXCEEDED
    Bulk v1 batch, Bulk 2.0 job ─► reserve_batches(n) ──► over 15,000 / 24 h? ExceededQuota
    any insert (RecordStore) ────► check_storage(obj) ──► over the data allocation? STORAGE_LIMIT_EXCEEDED

The maximum API request count is the allocation (edition formula or override) unless a fault
"request-limit ceiling" lowers it (``ceiling``, set by :mod:`emulators.salesforce.faults`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

import orjson

from emulators.salesforce.dml.errors import RecordFailure
from emulators.salesforce.limits.allocations import (
    AllocationError,
    Allocations,
    apply_overrides,
    default_allocations,
    parse_overrides,
)
from emulators.salesforce.limits.storage import StorageAccount, weight_of
from emulators.salesforce.limits.usage import RollingUsage, UsageKind
from emulators.salesforce.org.identity import OrgIdentity
from emulators.salesforce.state.db import Database

__all__ = [
    "OrgLimits",
    "Allocations",
    "AllocationError",
    "UsageKind",
    "QuotaExceeded",
    "LIMITS_META_KEY",
    "STORAGE_MESSAGE",
]

LIMITS_META_KEY = "limits"
STORAGE_MESSAGE = "storage limit exceeded"


class QuotaExceeded(Exception):
    """A rolling allocation would be exceeded (the caller turns this into its API's error shape)."""

    def __init__(self, kind: UsageKind, used: int, maximum: int) -> None:
        super().__init__(f"{kind}: {used} of {maximum} used in the last 24 hours")
        self.kind = kind
        self.used = used
        self.maximum = maximum


class OrgLimits:
    """Allocations and usage of one org (see the module docstring)."""

    def __init__(self, db: Database, identity: OrgIdentity, clock: Callable[[], dt.datetime]) -> None:
        self.db = db
        self.identity = identity
        self.usage = RollingUsage(db, clock)
        self.storage = StorageAccount(db)
        self.ceiling: int | None = None
        self._allocations = apply_overrides(default_allocations(identity), self.overrides())

    # ── allocations ────────────────────────────────────────────────────────────────
    def overrides(self) -> dict[str, Any]:
        stored = self.db.get_meta(LIMITS_META_KEY, {})
        return dict(stored) if isinstance(stored, Mapping) else {}

    def allocations(self) -> Allocations:
        return self._allocations

    def set_overrides(self, changes: Any) -> Allocations:
        """Merge validated overrides (``None`` removes one) and keep them; :class:`AllocationError` when bad."""
        parsed = parse_overrides(changes)
        merged = {**self.overrides(), **parsed}
        merged = {k: v for k, v in merged.items() if v is not None}
        with self.db.transaction():
            self.db.set_meta(LIMITS_META_KEY, merged)
        self._allocations = apply_overrides(default_allocations(self.identity), merged)
        return self._allocations

    # ── API requests ───────────────────────────────────────────────────────────────
    def api_request_max(self) -> int:
        cap = self._allocations.api_requests
        return min(cap, self.ceiling) if self.ceiling is not None else cap

    def api_requests_used(self) -> int:
        return self.usage.total(UsageKind.API_REQUESTS)

    def count_api_request(self) -> int:
        """Count one request (in the caller's transaction); return the 24-hour total including it."""
        return self.usage.add(UsageKind.API_REQUESTS)

    # ── bulk allocations ───────────────────────────────────────────────────────────
    def reserve(self, kind: UsageKind, amount: int, maximum: int) -> int:
        """Count ``amount`` of ``kind`` unless that passes ``maximum``; :class:`QuotaExceeded` then."""
        used = self.usage.total(kind)
        if used + amount > maximum:
            raise QuotaExceeded(kind, used, maximum)
        return self.usage.add(kind, amount)

    def reserve_batches(self, count: int = 1) -> int:
        return self.reserve(UsageKind.BULK_BATCHES, count, self._allocations.bulk_batches)

    # ── storage ────────────────────────────────────────────────────────────────────
    def check_storage(self, sobject: str) -> None:
        """Refuse a new record of ``sobject`` that would pass the data-storage allocation."""
        cost = weight_of(sobject)
        if cost and self.storage.data_bytes() + cost > self._allocations.data_storage_bytes:
            raise RecordFailure("STORAGE_LIMIT_EXCEEDED", STORAGE_MESSAGE, [])

    def snapshot(self) -> dict[str, Any]:
        """Everything ``/limits`` and the admin page report, as plain values."""
        data, files = self.storage.used()
        alloc = self._allocations
        return {
            "api_requests": {"max": self.api_request_max(), "used": self.api_requests_used()},
            "bulk_batches": {"max": alloc.bulk_batches, "used": self.usage.total(UsageKind.BULK_BATCHES)},
            "bulk2_records": {"max": alloc.bulk2_records, "used": self.usage.total(UsageKind.BULK2_RECORDS)},
            "data_storage": {"max_bytes": alloc.data_storage_bytes, "used_bytes": data},
            "file_storage": {"max_bytes": alloc.file_storage_bytes, "used_bytes": files},
            "overrides": orjson.loads(orjson.dumps(self.overrides())),
            "ceiling": self.ceiling,
        }
