"""Workflows (dispatch and notification rules), mobile devices with offline queues, tombstones, users.

``salesforce_users.json`` lists the technician e-mails that *should* exist as Salesforce users — active
technicians as active users, inactive ones as inactive users — except the technicians planted as
``technician_without_user`` (and those whose e-mail is invalid, which can match no user). Some users'
e-mails differ from the technician's only in letter case, as they do in real orgs: matching must
ignore case.
"""

from __future__ import annotations

from typing import Any

import orjson

from emulators.servicetracker.generator.context import Context, record_id
from emulators.servicetracker.generator.defects import DefectKind
from emulators.servicetracker.generator.plant import Orphans

__all__ = ["workflows", "mobile_devices", "tombstones", "salesforce_users"]


def _trigger(type_: str, resource: str | None, field: str | None = None, schedule: str | None = None,
             offset: int | None = None) -> dict[str, Any]:
    return {"type": type_, "resource": resource, "field": field, "schedule": schedule, "offset_minutes": offset}


def _cond(index: int, field: str, operator: str, value: Any) -> dict[str, Any]:
    return {"index": index, "field": field, "operator": operator, "value": value}


def _act(index: int, type_: str, **params: Any) -> dict[str, Any]:
    return {"index": index, "type": type_, "params": params}


_TEMPLATES: tuple[dict[str, Any], ...] = (
    {"name": "Urgent break-fix: page the on-call supervisor", "category": "escalation",
     "trigger": _trigger("record_created", "work_orders"), "condition_logic": "1 AND (2 OR 3)",
     "conditions": [_cond(1, "type", "equals", "break_fix"), _cond(2, "priority", "equals", "urgent"),
                    _cond(3, "custom_fields.SLA Tier", "in", ["Gold", "Platinum"])],
     "actions": [_act(1, "push_notification", to_role="supervisor", message="Urgent WO {number} at {location.name}"),
                 _act(2, "set_field", field="status", value="dispatched")]},
    {"name": "Auto-assign nearest HVAC technician", "category": "dispatch",
     "trigger": _trigger("record_created", "work_orders"), "condition_logic": "all",
     "conditions": [_cond(1, "technician_id", "is_blank", None), _cond(2, "type", "in", ["break_fix", "support_request"])],
     "actions": [_act(1, "assign_technician", strategy="nearest", skill="hvac")]},
    {"name": "Tell the customer the technician is on the way", "category": "notification",
     "trigger": _trigger("field_changed", "work_orders", "status"), "condition_logic": "all",
     "conditions": [_cond(1, "status", "changed_to", "dispatched"), _cond(2, "contact_id", "is_not_blank", None)],
     "actions": [_act(1, "send_sms", to=["client_contact"], message="{technician.first_name} is on the way to {location.name}.")]},
    {"name": "Appointment reminder 24 h before", "category": "notification",
     "trigger": _trigger("time_relative", "work_orders", "scheduled_start", offset=-1440), "condition_logic": "all",
     "conditions": [_cond(1, "status", "equals", "scheduled")],
     "actions": [_act(1, "send_email", to=["client_contact"], subject="Reminder: service visit {scheduled_start}",
                      body="Hello {contact.first_name}, we will see you on {scheduled_start}.")]},
    {"name": "Monthly PM generation", "category": "scheduling",
     "trigger": _trigger("schedule", "contracts", schedule="0 6 1 * *"), "condition_logic": "all",
     "conditions": [_cond(1, "status", "equals", "active"), _cond(2, "contract_type", "equals", "maintenance")],
     "actions": [_act(1, "create_work_order", type="preventive_maintenance", summary="Monthly PM - {name}",
                      copy_fields=["client_id", "location_id"])]},
    {"name": "Escalate work orders on hold over 3 days", "category": "escalation",
     "trigger": _trigger("schedule", None, schedule="0 * * * *"), "condition_logic": "1 AND NOT 2",
     "conditions": [_cond(1, "status", "equals", "on_hold"), _cond(2, "priority", "equals", "low")],
     "actions": [_act(1, "send_email", to=["role:manager"], subject="WO {number} on hold", body="Please review."),
                 _act(2, "create_task", subject="Review on-hold work order", due_in_minutes=240, assign_to="role:supervisor")]},
    {"name": "Invoice overdue reminder", "category": "billing",
     "trigger": _trigger("time_relative", "invoices", "due_date", offset=7 * 1440), "condition_logic": "all",
     "conditions": [_cond(1, "balance", "greater_than", 0), _cond(2, "status", "not_in", ["void", "paid"])],
     "actions": [_act(1, "send_email", to=["client_contact"], subject="Invoice {number} is overdue", body="Balance: {balance}"),
                 _act(2, "set_field", field="status", value="overdue")]},
    {"name": "Sync completed work orders to accounting", "category": "billing",
     "trigger": _trigger("field_changed", "work_orders", "status"), "condition_logic": "all",
     "conditions": [_cond(1, "status", "changed_to", "completed")],
     "actions": [_act(1, "call_webhook", url="https://hooks.example.com/accounting", method="POST")]},
)


def workflows(ctx: Context, count: int) -> None:
    rng = ctx.rng("workflows")
    out = ctx.writer("workflows")
    for n in range(1, count + 1):
        rid = record_id("wf", n)
        created, created_at, updated_at = ctx.timestamps(rng, "workflows", rid)
        template = _TEMPLATES[(n - 1) % len(_TEMPLATES)]
        name = template["name"] if n <= len(_TEMPLATES) else f"{template['name']} ({rng.choice(('North', 'South', 'East', 'West'))} region {n})"
        record = {"id": rid, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
                  "name": name, "description": None, "category": template["category"], "active": rng.random() < 0.85,
                  "trigger": template["trigger"], "condition_logic": template["condition_logic"],
                  "conditions": template["conditions"], "actions": template["actions"],
                  "last_fired_at": ctx.stamp(ctx.instant(rng, created)) if rng.random() < 0.8 else None}
        out.write(record)
    out.close()
    ctx.counts["workflows"] = count


def mobile_devices(ctx: Context, count: int) -> None:
    rng = ctx.rng("mobile_devices")
    log = ctx.log
    active = ctx.columns["active_techs"]
    n_wo = ctx.counts["work_orders"]
    out = ctx.writer("mobile_devices")
    for n in range(1, count + 1):
        rid = record_id("md", n)
        created, created_at, updated_at = ctx.timestamps(rng, "mobile_devices", rid, ctx.as_of_s - 400 * 86_400)
        tech = active[(n - 1) % len(active)] + 1
        platform = rng.choice(("ios", "android"))
        synced = ctx.as_of_s - rng.randint(60, 3 * 86_400)
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
            "technician_id": record_id("te", tech),
            "device_name": f"{'iPhone' if platform == 'ios' else 'Galaxy'} {rng.randint(11, 15)} (tech {tech})",
            "platform": platform, "os_version": f"{rng.randint(14, 17)}.{rng.randint(0, 6)}",
            "app_version": f"5.{rng.randint(2, 9)}.{rng.randint(0, 20)}",
            "last_seen_at": ctx.stamp(synced + rng.randint(0, 3600)), "last_synced_at": ctx.stamp(synced),
            "sync_status": "synced", "pending_change_count": 0, "pending_changes": [],
        }
        if log.hit(DefectKind.UNSYNCED_MOBILE_DEVICE, rng.random()):
            changes = []
            for k in range(1, rng.randint(1, 12) + 1):
                operation = rng.choice(("update", "update", "create", "delete"))
                resource = rng.choice(("work_orders", "notes", "work_order_tasks", "parts_used", "attachments"))
                target = f"local-{rid}-{k}" if operation == "create" else record_id("wo", rng.randint(1, n_wo))
                if operation != "create" and resource != "work_orders":
                    resource = "work_orders"
                changes.append({"change_id": f"{rid}-c{k}", "resource": resource, "record_id": target,
                                "operation": operation, "captured_at": ctx.stamp(synced + k * 600),
                                "fields": ["status", "completed_at"] if operation == "update" else []})
            record.update(sync_status=rng.choice(("pending", "pending", "conflict")),
                          pending_change_count=len(changes), pending_changes=changes)
            log.add(DefectKind.UNSYNCED_MOBILE_DEVICE, {"resource": "mobile_devices", "id": rid,
                                                        "technician_id": record["technician_id"],
                                                        "pending_change_count": len(changes),
                                                        "sync_status": record["sync_status"]})
        out.write(record)
    out.close()
    ctx.counts["mobile_devices"] = count


def tombstones(ctx: Context, orphans: Orphans, history: int) -> int:
    """Write tombstones.jsonl: orphan targets plus ``history`` deletions nobody references; return the count."""
    rng = ctx.rng("tombstones")
    for _ in range(history):
        target, prefix = rng.choice((("work_orders", "wo"), ("notes", "no"), ("client_contacts", "cc"),
                                     ("work_order_tasks", "wt"), ("activities", "ac")))
        orphans.deleted_id(rng, target, prefix)
    with (ctx.out / "tombstones.jsonl").open("wb") as fh:
        for resource, rid, seconds in orphans.tombstones:
            fh.write(orjson.dumps({"resource": resource, "id": rid, "deleted_at": ctx.stamp(seconds)}) + b"\n")
    return len(orphans.tombstones)


def salesforce_users(ctx: Context, roster: list[dict[str, Any]], invalid: set[str]) -> dict[str, Any]:
    rng = ctx.rng("salesforce_users")
    log = ctx.log
    users = []
    for tech in roster:
        if tech["id"] in invalid:
            log.add(DefectKind.TECHNICIAN_WITHOUT_USER, {"resource": "technicians", "id": tech["id"],
                                                         "email": tech["email"], "reason": "invalid_email"})
            continue
        if log.hit(DefectKind.TECHNICIAN_WITHOUT_USER, rng.random()):
            log.add(DefectKind.TECHNICIAN_WITHOUT_USER, {"resource": "technicians", "id": tech["id"],
                                                         "email": tech["email"], "reason": "no_user"})
            continue
        email = tech["email"]
        if rng.random() < 0.1:
            local, _, domain = email.partition("@")
            email = f"{local.title()}@{domain.upper()}"
        users.append({"email": email, "first_name": tech["first_name"], "last_name": tech["last_name"],
                      "active": tech["active"], "technician_id": tech["id"]})
    return {"format": 1, "note": "Technician e-mails that should exist as Salesforce users (match ignoring case).",
            "users": users}
