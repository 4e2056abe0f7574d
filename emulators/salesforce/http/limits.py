"""``/limits`` and ``/limits/recordCount``.

``/limits`` reports the org's allocations as ``{"Name": {"Max": n, "Remaining": m}}``. Only
``DailyApiRequests`` is counted for real here (every authenticated REST call); storage is
estimated at 2 KB per live record, as Salesforce counts most objects. Bulk batch counting and
enforcement belong to the limits machinery that comes with the Bulk APIs.

``/limits/recordCount?sObjects=A,B`` → ``{"sObjects": [{"count": n, "name": "A"}]}``; objects with
no records are left out (CumulusCI relies on that), and without ``sObjects`` every object that has
records is listed.
"""

from __future__ import annotations

from emulators.salesforce.http.context import RequestContext, SubRequest
from emulators.salesforce.http.reply import Reply

__all__ = ["limits", "record_count", "data_storage_mb"]


def data_storage_mb(ctx: RequestContext) -> int:
    ident = ctx.org.identity
    if ident.edition == "Developer" and not ident.sandbox:
        return 5
    if ident.sandbox:
        return 1024
    return 10_240 + 20 * ident.licenses


def _file_storage_mb(ctx: RequestContext) -> int:
    ident = ctx.org.identity
    if ident.edition == "Developer" and not ident.sandbox:
        return 20
    return 10_240 + 2_048 * ident.licenses


def limits(ctx: RequestContext, req: SubRequest) -> Reply:
    org = ctx.org
    api_max = org.api_limit()
    used = org.api_usage()
    storage_max = data_storage_mb(ctx)
    storage_used = (org.store.total() * 2) // 1024
    files_max = _file_storage_mb(ctx)

    def pair(maximum: int, remaining: int | None = None) -> dict[str, int]:
        return {"Max": maximum, "Remaining": maximum if remaining is None else max(remaining, 0)}

    body = {
        "ConcurrentAsyncGetReportInstances": pair(200),
        "ConcurrentSyncReportRuns": pair(20),
        "DailyApiRequests": pair(api_max, api_max - used),
        "DailyAsyncApexExecutions": pair(250_000),
        "DailyBulkApiBatches": pair(15_000),
        "DailyBulkV2QueryFileStorageMB": pair(976_562),
        "DailyBulkV2QueryJobs": pair(10_000),
        "DailyGenericStreamingApiEvents": pair(10_000),
        "DailyStreamingApiEvents": pair(200_000),
        "DataStorageMB": pair(storage_max, storage_max - storage_used),
        "FileStorageMB": pair(files_max),
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
