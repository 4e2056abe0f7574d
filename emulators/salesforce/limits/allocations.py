"""What an org is allowed: its allocations, from the edition with per-org overrides.

======================  =================================================  =====================
allocation              default                                            override key
======================  =================================================  =====================
daily API requests      Enterprise 100,000 + 1,000/licence; Unlimited      ``api_requests``
                        100,000 + 5,000/licence; Developer 15,000;
                        any sandbox 5,000,000
Bulk batches (24 h)     15,000 (Bulk API and Bulk API 2.0 ingest)          ``bulk_batches``
Bulk 2.0 records (24 h) 150,000,000                                        ``bulk2_records``
data storage            Developer 5 MB; sandbox 1,024 MB;                  ``data_storage_mb``
                        otherwise 10,240 MB + 20 MB/licence
file storage            Developer 20 MB; otherwise 10,240 MB + 2,048 MB    ``file_storage_mb``
                        per licence
Bulk query result file  1,024 MB (a query's results are split into files   ``bulk_result_file_mb``
                        of at most this size, each with its own result id)
======================  =================================================  =====================

Overrides live in the org's ``meta`` table under ``limits`` (set through the admin endpoint or
``start --limits FILE``); :func:`parse_overrides` validates them and says what to change.
Storage sizes may be fractional megabytes (``data_storage_mb: 0.5`` is 256 records).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from emulators.salesforce.org.identity import OrgIdentity

__all__ = ["Allocations", "default_allocations", "parse_overrides", "apply_overrides", "OVERRIDE_KEYS", "AllocationError"]

MB = 1024 * 1024
OVERRIDE_KEYS = (
    "api_requests", "bulk_batches", "bulk2_records", "data_storage_mb", "file_storage_mb", "bulk_result_file_mb",
)


class AllocationError(ValueError):
    """An override is not valid; the message says which key and what is allowed."""


@dataclass(frozen=True)
class Allocations:
    api_requests: int
    bulk_batches: int
    bulk2_records: int
    data_storage_mb: float
    file_storage_mb: float
    bulk_result_file_mb: float = 1024.0

    @property
    def data_storage_bytes(self) -> int:
        return int(self.data_storage_mb * MB)

    @property
    def file_storage_bytes(self) -> int:
        return int(self.file_storage_mb * MB)

    @property
    def bulk_result_file_bytes(self) -> int:
        return max(1, int(self.bulk_result_file_mb * MB))


def default_allocations(identity: OrgIdentity) -> Allocations:
    developer = identity.edition == "Developer" and not identity.sandbox
    if identity.sandbox:
        api = 5_000_000
    elif identity.edition == "Developer":
        api = 15_000
    else:
        api = 100_000 + (5_000 if identity.edition == "Unlimited" else 1_000) * identity.licenses
    if developer:
        data_mb, file_mb = 5.0, 20.0
    elif identity.sandbox:
        data_mb, file_mb = 1024.0, 10_240.0 + 2_048.0 * identity.licenses
    else:
        data_mb, file_mb = 10_240.0 + 20.0 * identity.licenses, 10_240.0 + 2_048.0 * identity.licenses
    return Allocations(api, 15_000, 150_000_000, data_mb, file_mb)


def parse_overrides(data: Any) -> dict[str, float | int | None]:
    """Validated overrides (``None`` for a key puts the edition's default back)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise AllocationError(f"limits must be a mapping of {list(OVERRIDE_KEYS)} to numbers")
    unknown = sorted(set(data) - set(OVERRIDE_KEYS))
    if unknown:
        raise AllocationError(f"unknown limits {unknown}; the known ones are {list(OVERRIDE_KEYS)}")
    out: dict[str, float | int | None] = {}
    for key, value in data.items():
        if value is None:
            out[key] = None
            continue
        fractional = key.endswith("_mb")
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        if not ok or (not fractional and int(value) != value):
            kind = "a number ≥ 0 (megabytes)" if fractional else "a whole number ≥ 0"
            raise AllocationError(f"limits.{key} must be {kind}, got {value!r}")
        out[key] = float(value) if fractional else int(value)
    return out


def apply_overrides(base: Allocations, overrides: Mapping[str, Any]) -> Allocations:
    chosen = {k: v for k, v in overrides.items() if v is not None}
    return replace(base, **chosen) if chosen else base
