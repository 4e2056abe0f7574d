"""Volumes, Salesforce storage, the Bulk/API budget, a complexity grade and a timeline — with their reasons.

Salesforce's accounting (see the shared Salesforce reference): most records take **2 KB** of data storage
whatever their size; files count their bytes against *file* storage; Bulk API v1 takes at most 10,000
records per batch, and 15,000 batches per rolling 24 h are shared by the whole org.

Targets follow the brief's default object mapping until the audit is wired to the migration map:
workflows become Flows (metadata), custom-table definitions become custom objects (metadata), mobile
devices are not migrated, attachments become Files (ContentVersion + ContentDocumentLink).

Assumptions (stated in the specification next to the numbers they produce):
``LOAD_RECORDS_PER_SECOND`` for Bulk loads with lookups, ``UPLOAD_BYTES_PER_SECOND`` for file uploads,
one request per page of 1,000 records (or per file) for extraction at the tenant's rate.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["TARGETS", "estimate", "grade"]

RECORD_BYTES = 2048
BULK_BATCH = 10_000
BULK_DAILY_BATCHES = 15_000
COLLECTION_SIZE = 200
LOAD_RECORDS_PER_SECOND = 1_000
UPLOAD_BYTES_PER_SECOND = 5 * 1024 * 1024
EXTRACT_PAGE = 1000

TARGETS: dict[str, str] = {
    "clients": "Account",
    "client_contacts": "Contact",
    "locations": "Site__c / Account address",
    "technicians": "User / Contact",
    "parts": "Product2",
    "projects": "Opportunity / Project__c",
    "contracts": "Contract",
    "assets": "Asset",
    "work_orders": "Case / Work_Order__c",
    "work_order_tasks": "Task / Work_Order_Task__c",
    "parts_used": "Parts_Used__c",
    "invoices": "Invoice__c",
    "notes": "CaseComment",
    "attachments": "ContentVersion + ContentDocumentLink (Files)",
    "activities": "Task / Event",
    "custom_tables": "custom object definitions (metadata)",
    "workflows": "Flows (rebuilt, metadata)",
    "mobile_devices": "not migrated (preflight only)",
}
_NOT_DATA = {"custom_tables", "workflows", "mobile_devices", "attachments"}


def target_of(resource: str) -> str:
    if resource.startswith("custom_tables/") and resource.endswith("/rows"):
        key = resource.split("/")[1]
        return f"{''.join(p.capitalize() for p in key.split('_'))}__c"
    return TARGETS.get(resource, "unmapped")


def estimate(counts: dict[str, int], *, file_count: int, file_bytes: int, deferred_updates: dict[str, int],
             requests_per_second: float | None, daily_api_limit: int) -> dict[str, Any]:
    objects = []
    data_records = 0
    batches = 0
    bulk_requests = 0
    for resource, n in counts.items():
        migrated = resource not in _NOT_DATA
        b = math.ceil(n / BULK_BATCH) if migrated and n else 0
        extra = math.ceil(deferred_updates.get(resource, 0) / BULK_BATCH)
        if migrated:
            data_records += n
        batches += b + extra
        bulk_requests += (3 * (b + extra) + 4 * ((1 if b else 0) + (1 if extra else 0)))
        objects.append({"resource": resource, "records": n, "target": target_of(resource), "migrated": migrated,
                        "data_storage_mb": round(n * RECORD_BYTES / 1048576, 2) if migrated else 0.0,
                        "bulk_batches": b, "deferred_update_batches": extra})
    file_requests = 2 * file_count + math.ceil(file_count / COLLECTION_SIZE)
    api_requests = bulk_requests + file_requests
    pages = sum(math.ceil(n / EXTRACT_PAGE) for n in counts.values())
    extract_requests = pages + file_count
    extract_hours = extract_requests / requests_per_second / 3600 if requests_per_second else None
    load_hours = data_records / LOAD_RECORDS_PER_SECOND / 3600
    upload_hours = file_bytes / UPLOAD_BYTES_PER_SECOND / 3600
    return {
        "objects": objects,
        "records": sum(counts.values()),
        "data_records": data_records,
        "data_storage_mb": round(data_records * RECORD_BYTES / 1048576, 1),
        "files": file_count,
        "file_storage_mb": round(file_bytes / 1048576, 1),
        "bulk": {"batches": batches, "daily_limit": BULK_DAILY_BATCHES,
                 "share_of_daily_limit": round(batches / BULK_DAILY_BATCHES, 4), "records_per_batch": BULK_BATCH},
        "api_requests": {"bulk": bulk_requests, "files": file_requests, "total": api_requests,
                         "daily_limit": daily_api_limit, "days_at_limit": math.ceil(api_requests / daily_api_limit)
                         if daily_api_limit else None},
        "extraction": {"requests": extract_requests, "requests_per_second": requests_per_second,
                       "hours": round(extract_hours, 2) if extract_hours is not None else None},
        "load_hours": round(load_hours, 2),
        "upload_hours": round(upload_hours, 2),
        "assumptions": [
            f"{RECORD_BYTES // 1024} KB of data storage per migrated record; files count their bytes",
            f"Bulk API v1 batches of {BULK_BATCH:,} records; {BULK_DAILY_BATCHES:,} batches per rolling 24 h",
            "per Bulk job: create, close and about three requests per batch (submit, poll, results)",
            f"files: one ContentVersion insert and one lookup each, links in collections of {COLLECTION_SIZE}",
            f"loads at about {LOAD_RECORDS_PER_SECOND:,} records/s; uploads at "
            f"{UPLOAD_BYTES_PER_SECOND // 1048576} MB/s",
            f"extraction: one request per {EXTRACT_PAGE:,} records or per file, at the tenant's rate",
        ],
    }


_GRADES = ((1.5, "A", "Simple", (24, 48)), (5.0, "B", "Standard", (48, 72)), (8.0, "C", "Complex", (72, 120)),
           (math.inf, "D", "Very complex", (120, 240)))


def grade(points: list[tuple[float, str]], *, work_hours: float) -> dict[str, Any]:
    """The grade from scored reasons, and the timeline: the grade's base window plus the machine time."""
    score = sum(p for p, _ in points)
    for limit, letter, label, (low, high) in _GRADES:
        if score <= limit:
            break
    extra = max(1, math.ceil(work_hours))
    return {
        "grade": letter, "label": label, "score": round(score, 1),
        "reasons": [{"points": p, "reason": r} for p, r in points],
        "timeline": {"low_hours": low + extra, "high_hours": high + extra,
                     "reasons": [f"{label} migrations take {low}–{high} hours of mapping, sample migration, sign-off "
                                 "and cutover (the brief's window for a standard one: 48–72 hours)",
                                 f"plus about {extra} hour(s) of extraction, loading and file upload at the assumed "
                                 "rates"]},
    }
