"""``/limits`` and ``/limits/recordCount``.

``/limits`` reports the org's allocations as ``{"Name": {"Max": n, "Remaining": m}}`` from its
:class:`~emulators.salesforce.limits.OrgLimits`: ``DailyApiRequests`` (rolling 24 hours, every API
call), ``DailyBulkApiBatches`` (Bulk v1 batches and Bulk 2.0 internal batches), ``DailyBulkV2QueryJobs``,
``DataStorageMB`` (2 KB per record) and ``FileStorageMB`` (file bytes); the others are Salesforce's
fixed allocations, reported unspent.

``/limits/recordCount?sObjects=A,B`` → ``{"sObjects": [{"count": n, "name": "A"}]}``; objects with
no records are left out (CumulusCI relies on that), and without ``sObjects`` every object that has
records is listed.
"""

from __future__ import annotations

from emulators.salesforce.http.context import RequestContext, SubRequest
from emulators.salesforce.http.reply import Reply
from emulators.salesforce.limits import UsageKind

__all__ = ["limits", "record_count", "data_storage_mb"]


def data_storage_mb(ctx: RequestContext) -> int:
    return int(ctx.org.limits.allocations().data_storage_mb)


def limits(ctx: RequestContext, req: SubRequest) -> Reply:
    snap = ctx.org.limits.snapshot()
    mb = 1024 * 1024

    def pair(maximum: int, remaining: int | None = None) -> dict[str, int]:
        return {"Max": maximum, "Remaining": maximum if remaining is None else max(remaining, 0)}

    api, batches = snap["api_requests"], snap["bulk_batches"]
    data, files = snap["data_storage"], snap["file_storage"]
    data_max, files_max = data["max_bytes"] // mb, files["max_bytes"] // mb
    query_jobs = ctx.org.limits.usage.total(UsageKind.BULK2_QUERY_JOBS)
    body = {
        "ConcurrentAsyncGetReportInstances": pair(200),
        "ConcurrentSyncReportRuns": pair(20),
        "DailyApiRequests": pair(api["max"], api["max"] - api["used"]),
        "DailyAsyncApexExecutions": pair(250_000),
        "DailyBulkApiBatches": pair(batches["max"], batches["max"] - batches["used"]),
        "DailyBulkV2QueryFileStorageMB": pair(976_562),
        "DailyBulkV2QueryJobs": pair(10_000, 10_000 - query_jobs),
        "DailyGenericStreamingApiEvents": pair(10_000),
        "DailyStreamingApiEvents": pair(200_000),
        "DataStorageMB": pair(data_max, data_max - data["used_bytes"] // mb),
        "FileStorageMB": pair(files_max, files_max - files["used_bytes"] // mb),
        "HourlyAsyncReportRuns": pair(1_200),
        "HourlyTimeBasedWorkflow": pair(1_000),
        "MassEmail": pair(5_000),
        "SingleEmail": pair(5_000),
    }
    return Reply(200, body)


def record_count(ctx: RequestContext, req: SubRequest) -> Reply:
    store = ctx.org.store
    schemas = ctx.org.schemas
    wanted = [p.strip() for p in (req.query.get("sObjects") or "").split(",") if p.strip()]
    names = wanted or sorted(schemas.names())
    out = []
    for name in names:
        plan = schemas.plan(name)
        if plan is None:
            continue
        count = store.count(plan.name)
        if count:
            out.append({"count": count, "name": plan.name})
    return Reply(200, {"sObjects": out})
