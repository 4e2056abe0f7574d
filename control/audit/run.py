"""``st2sf audit``: staging → the migration specification (JSON + HTML) an admin pre-builds Salesforce from.

Public function :func:`audit`. One streaming pass per resource (a second one only to name records whose
custom-field values do not fit their inferred type), then the cross-record relations, the files, the
people checks and the estimates::

    for each staged resource ─► inventory (profiles) + record checks + relation feed     (control.audit.inventory)
    relations.finish        ─► orphans, duplicates, shared e-mails, cycles, multi-site  (control.audit.relations)
    files table             ─► bodies lost or mismatched at the source
    people                  ─► mobile-sync preflight, technician → user gap              (control.audit.people)
    estimate + grade        ─► volumes, storage, Bulk/API budget, grade and timeline     (control.audit.estimate)
    write                   ─► spec.json, report.html (control.reports), findings.csv (every record reference)

Recorded in the ledger as a run of ``audit`` with one step per resource. The output folder defaults to
``<state_dir>/audit/<run id>/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from control.audit.checks import RecordChecks
from control.audit.estimate import estimate, grade
from control.audit.findings import KIND_INFO, FindingKind, FindingSink, Reference, Severity
from control.audit.inventory import audit_resource
from control.audit.limits import TargetLimits
from control.audit.people import UserDirectory, mobile_preflight, technician_gap
from control.audit.relations import Relations
from control.errors import UsageError
from control.ledger import Ledger, utc_now
from control.servicetracker.contract import CoreSchema
from control.servicetracker.resources import RESOURCE_NAMES
from control.settings import Settings
from control.staging import FileStatus, StagingStore

__all__ = ["audit", "AuditResult", "DEFAULT_DAILY_API_LIMIT"]

DEFAULT_DAILY_API_LIMIT = 100_000  # Enterprise Edition base allowance before per-licence additions


class AuditResult(NamedTuple):
    run_id: str
    out_dir: Path
    spec_path: Path
    report_path: Path
    findings_path: Path
    grade: str
    label: str
    records: int
    findings: dict[str, int]          # kind → count
    errors: int                       # references with error severity
    cutover_blocked: bool             # the mobile-sync preflight blocks the final pass

    def as_dict(self) -> dict[str, Any]:
        out = self._asdict()
        for key in ("out_dir", "spec_path", "report_path", "findings_path"):
            out[key] = str(out[key])
        return out


def _order(resources: list[str]) -> list[str]:
    known = [r for r in RESOURCE_NAMES if r in resources]
    return known + sorted(r for r in resources if r not in RESOURCE_NAMES)


def _time_zone(name: Any) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _write(out: Path, store: StagingStore, ledger: Ledger, run_id: str, sink: FindingSink, relations: Relations,
           limits: TargetLimits, users: UserDirectory | None, override_mobile_sync: str | None, daily_api_limit: int,
           actor: str | None) -> tuple[dict[str, Any], Path, Path]:
    spec = _audit(store, ledger, run_id, sink, relations, limits, users, override_mobile_sync, daily_api_limit)
    sink.close()
    spec_path, report_path = out / "spec.json", out / "report.html"
    spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    from control.reports.audit import render_audit_report

    report_path.write_text(render_audit_report(spec), encoding="utf-8")
    if override_mobile_sync and spec["mobile_sync"]["devices"]:
        ledger.append_event("preflight.mobile_sync.overridden",
                            {"reason": override_mobile_sync, "devices": [d["id"] for d in spec["mobile_sync"]["devices"]]},
                            run_id=run_id, actor=actor)
    return spec, spec_path, report_path


def audit(settings: Settings, *, out_dir: Path | None = None, limits: TargetLimits | None = None,
          users: UserDirectory | None = None, override_mobile_sync: str | None = None,
          daily_api_limit: int = DEFAULT_DAILY_API_LIMIT, keep: int = 1000, actor: str | None = None) -> AuditResult:
    """Audit the staging store; write spec.json, report.html and findings.csv; return where and the headline."""
    if override_mobile_sync is not None and not override_mobile_sync.strip():
        raise UsageError("An override of the mobile-sync preflight needs a reason.",
                         hint="Pass --override-mobile-sync \"REASON\" (it is kept in the specification and the ledger).")
    limits = limits or TargetLimits.default()
    store = StagingStore.open(settings.staging_url)
    counts = store.counts()
    if not counts:
        store.close()
        raise UsageError("The staging store is empty: there is nothing to audit.", hint="Run `st2sf extract` first.")
    ledger = Ledger.open(settings.ledger_url)
    run = ledger.start_run("audit", {"out_dir": str(out_dir) if out_dir else None, "users": users is not None,
                                     "override_mobile_sync": override_mobile_sync, "daily_api_limit": daily_api_limit},
                           actor=actor)
    out = (out_dir or settings.state_dir / "audit" / run.id).resolve()
    out.mkdir(parents=True, exist_ok=True)
    sink = FindingSink(out / "findings.csv", keep=keep)
    relations = Relations(out / ".scratch.db", store, sink)
    try:
        with ledger.finishing(run.id):
            spec, spec_path, report_path = _write(out, store, ledger, run.id, sink, relations, limits, users,
                                                  override_mobile_sync, daily_api_limit, actor)
    finally:
        sink.close()
        relations.close()
        store.close()
        ledger.close()
    findings = {str(k): n for k, n in sink.counts.items()}
    errors = sum(n for k, n in sink.counts.items() if KIND_INFO[k].severity is Severity.ERROR)
    complexity = spec["complexity"]
    return AuditResult(run.id, out, spec_path, report_path, out / "findings.csv", complexity["grade"],
                       complexity["label"], spec["volumes"]["records"], findings, errors, spec["mobile_sync"]["blocking"])


def _audit(store: StagingStore, ledger: Ledger, run_id: str, sink: FindingSink, relations: Relations,
           limits: TargetLimits, users: UserDirectory | None, override: str | None,
           daily_api_limit: int) -> dict[str, Any]:
    tenant = store.get_meta("tenant") or {}
    source = store.get_meta("source") or {}
    entries = store.get_meta("schema")
    schema = CoreSchema.from_entries(entries) if entries else CoreSchema.packaged()
    tz = _time_zone(tenant.get("time_zone"))
    counts = store.counts()
    resources = _order(list(counts))
    ledger.plan_steps(run_id, [f"audit {r}" for r in resources] + ["audit relations", "audit report"])
    inventory = []
    file_bytes = 0
    file_count = 0

    def on_attachment(record: dict[str, Any]) -> None:
        nonlocal file_bytes, file_count
        size = record.get("size_bytes")
        if isinstance(size, int):
            file_bytes += size
            file_count += 1

    for resource in resources:
        with ledger.step(run_id, f"audit {resource}") as step:
            rules = schema.rules(resource)
            checks = RecordChecks(resource, rules, limits.for_resource(resource), tz, sink)
            entry = audit_resource(store, resource, rules, checks, relations, sink,
                                   on_record=on_attachment if resource == "attachments" else None)
            entry["target"] = _target(resource)
            entry["tombstones"] = store.tombstone_counts().get(resource, 0)
            inventory.append(entry)
            step.update(records=entry["records"], custom_fields=entry["custom_fields"])
    with ledger.step(run_id, "audit relations") as step:
        relations.finish()
        files = _files(store, sink)
        preflight = mobile_preflight(store, sink, override)
        gap = technician_gap(store, sink, users)
        step.update(findings=sum(sink.counts.values()))
    with ledger.step(run_id, "audit report") as step:
        deferred = {"clients": sink.counts.get(FindingKind.CLIENT_HIERARCHY, 0),
                    "projects": sink.counts.get(FindingKind.PROJECT_WORK_ORDER_CYCLE, 0) // 2}
        volumes = estimate(counts, file_count=file_count, file_bytes=file_bytes, deferred_updates=deferred,
                           requests_per_second=(tenant.get("requests_per_second")
                                                or (tenant.get("rate_limit") or {}).get("requests_per_second")),
                           daily_api_limit=daily_api_limit)
        complexity = grade(_points(inventory, counts, sink, volumes, gap, preflight),
                           work_hours=(volumes["extraction"]["hours"] or 0) + volumes["load_hours"] + volumes["upload_hours"])
        spec = {
            "format": 1,
            "generated_at": utc_now(),
            "run_id": run_id,
            "tenant": {k: v for k, v in tenant.items() if k != "record_counts"},
            "source": source,
            "resources": inventory,
            "picklists": _picklists(inventory),
            "findings": sink.summary(),
            "files": files,
            "mobile_sync": preflight,
            "technician_users": gap,
            "target_limits": {k: {"target": v.target, "max_length": v.max_length} for k, v in limits},
            "volumes": volumes,
            "complexity": complexity,
        }
        step.update(grade=complexity["grade"])
    return spec


def _target(resource: str) -> str:
    from control.audit.estimate import target_of

    return target_of(resource)


def _files(store: StagingStore, sink: FindingSink) -> dict[str, Any]:
    tally = {str(s): 0 for s in FileStatus}
    for f in store.iter_files():
        tally[str(f.status)] += 1
        if f.status is FileStatus.MISSING:
            sink.add(FindingKind.FILE_MISSING, Reference("attachments", f.attachment_id, "sha256", f.expected_sha256,
                                                         None, "the source has no body for this attachment"))
        elif f.status is FileStatus.MISMATCH:
            sink.add(FindingKind.FILE_MISMATCH, Reference("attachments", f.attachment_id, "sha256", f.expected_sha256,
                                                          None, f"the body's sha256 is {f.blob_sha256}"))
    extracted = sum(tally.values())
    return {"extracted": extracted, **tally,
            "note": None if extracted else "attachment bodies were not extracted (st2sf extract without --no-files)"}


def _picklists(inventory: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for entry in inventory:
        for field in entry["fields"]:
            if "picklist" in field:
                out.append({"resource": entry["resource"], "field": field["name"], "origin": field["origin"],
                            **field["picklist"]})
    return out


def _points(inventory: list[dict[str, Any]], counts: dict[str, int], sink: FindingSink, volumes: dict[str, Any],
            gap: dict[str, Any], preflight: dict[str, Any]) -> list[tuple[float, str]]:
    points: list[tuple[float, str]] = []
    by_resource = {e["resource"]: e for e in inventory}
    wo_types = {f["name"]: f for f in by_resource.get("work_orders", {}).get("fields", [])}.get("type")
    if wo_types:
        used = {v["value"] for v in wo_types.get("picklist", {}).get("values", [])}
        if used & {"break_fix", "support_request"} and used & {"preventive_maintenance", "scheduled_service",
                                                               "installation"}:
            points.append((1.0, "work orders split by type into Case and Work_Order__c (1:many, record types)"))
    projects = {f["name"]: f for f in by_resource.get("projects", {}).get("fields", [])}.get("billable")
    if projects and len(projects.get("top_values", [])) > 1:
        points.append((1.0, "projects split between Opportunity (billable) and Project__c (non-billable)"))
    if gap["unmatched"]:
        points.append((0.5, f"{gap['unmatched']} technician(s) without an active Salesforce user: licences or a "
                            "fallback owner to decide"))
    if sink.counts.get(FindingKind.MULTI_SITE_CLIENT):
        points.append((0.5, f"{sink.counts[FindingKind.MULTI_SITE_CLIENT]} multi-site client(s) need Site__c"))
    tables = sum(1 for r in counts if r.startswith("custom_tables/"))
    if tables:
        points.append((1.0 if tables > 3 else 0.5, f"{tables} custom table(s) become custom objects"))
    custom = sum(e["custom_fields"] for e in inventory)
    if custom > 75:
        points.append((2.0, f"{custom} undocumented custom fields discovered"))
    elif custom > 25:
        points.append((1.0, f"{custom} undocumented custom fields discovered"))
    records = max(1, sum(counts.values()))
    errors = sum(n for k, n in sink.counts.items() if KIND_INFO[k].severity is Severity.ERROR)
    share = errors / records
    if share > 0.05:
        points.append((2.0, f"error-level findings on {share:.1%} of records"))
    elif share > 0.01:
        points.append((1.0, f"error-level findings on {share:.1%} of records"))
    if sink.counts.get(FindingKind.CLIENT_HIERARCHY_CYCLE) or sink.counts.get(FindingKind.PROJECT_WORK_ORDER_CYCLE):
        points.append((0.5, "reference cycles (client hierarchy loops, project ↔ work order) need deferred lookups"))
    if records > 2_000_000:
        points.append((2.0, f"{records:,} records: above 2M, scoped individually"))
    elif records > 500_000:
        points.append((1.0, f"{records:,} records"))
    if volumes["file_storage_mb"] > 10 * 1024:
        points.append((1.0, f"{volumes['file_storage_mb']:,.0f} MB of files"))
    if sink.counts.get(FindingKind.FILE_TOO_LARGE):
        points.append((0.5, f"{sink.counts[FindingKind.FILE_TOO_LARGE]} file(s) above 25 MB"))
    if preflight["blocking"]:
        points.append((0.0, f"{len(preflight['devices'])} mobile device(s) hold unsynced changes: cutover is blocked "
                            "until they sync (not a complexity point, a precondition)"))
    return points
