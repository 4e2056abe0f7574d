"""Contracts, assets, work orders (and the project ↔ work order cycle), tasks, parts used, invoices.

Children pick references consistent with their parent: a work order's location, asset, contract,
contact and project all belong to its client (through the per-client start offsets the parents left
in the context's columns), its technician is an active one, and the parts used on it land on its asset.
"""

from __future__ import annotations

import random
from array import array
from typing import Any

from emulators.servicetracker.generator import vocab
from emulators.servicetracker.generator.context import Context, record_id
from emulators.servicetracker.generator.customfields import RESOURCE_FIELDS, custom_values
from emulators.servicetracker.generator.defects import DefectKind
from emulators.servicetracker.generator.plan import allocate, prefix
from emulators.servicetracker.generator.plant import Orphans, field_defects

__all__ = ["contracts", "assets", "work_orders", "projects", "tasks", "parts_used", "invoices"]


def _pick(rng: random.Random, start: array, owner: int, prefix_: str, chance: float = 1.0) -> str | None:
    lo, hi = start[owner], start[owner + 1]
    if hi <= lo or rng.random() >= chance:
        return None
    return record_id(prefix_, rng.randint(lo + 1, hi))


def _tech(ctx: Context, rng: random.Random) -> str:
    active = ctx.columns["active_techs"]
    return record_id("te", active[rng.randrange(len(active))] + 1)


def contracts(ctx: Context, count: int) -> None:
    rng = ctx.rng("contracts")
    n_clients = ctx.counts["clients"]
    per_client = allocate(count, n_clients, rng, weights=ctx.columns["client_weight"])
    ctx.columns["co_start"] = prefix(per_client)
    owner = ctx.column("co_client")
    out = ctx.writer("contracts")
    n = 0
    for c in range(n_clients):
        for _ in range(per_client[c]):
            n += 1
            rid = record_id("co", n)
            created, created_at, updated_at = ctx.timestamps(rng, "contracts", rid)
            start = ctx.day(created + rng.randint(0, 30) * 86_400)
            years = rng.choice((1, 1, 2, 3))
            kind = rng.choice(("maintenance", "service_level", "warranty", "time_and_materials"))
            lines = [{"id": f"{rid}-L{i}", "description": f"{rng.choice(('Quarterly', 'Semi-annual', 'Annual'))} PM - "
                      f"{rng.choice(vocab.EQUIPMENT)}", "part_id": None, "quantity": rng.randint(1, 12),
                      "unit_price": round(rng.uniform(80, 2400), 2)} for i in range(1, rng.randint(1, 5) + 1)]
            levels = [{"priority": p, "response_time_hours": h, "resolution_time_hours": h * 6,
                       "coverage": rng.choice(("business_hours", "extended_hours", "24x7"))}
                      for p, h in (("urgent", 4), ("high", 8), ("normal", 24))][: rng.randint(0, 3)]
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["contracts"], rng, ctx, created),
                "client_id": record_id("cl", c + 1), "contract_number": f"SC-{created // 86_400 % 10000:04d}-{n}",
                "name": f"{kind.replace('_', ' ').title()} Agreement", "contract_type": kind,
                "status": rng.choice(("active", "active", "active", "expired", "draft", "cancelled", "renewed")),
                "start_date": start, "end_date": ctx.future_day(created, 365 * years) if rng.random() < 0.9 else None,
                "billing_frequency": rng.choice(("monthly", "quarterly", "annually", "one_time")),
                "value": round(sum(l["quantity"] * l["unit_price"] for l in lines), 2), "currency": "USD",
                "auto_renew": rng.random() < 0.4, "line_items": lines, "service_levels": levels,
            }
            field_defects(ctx, rng, "contracts", record, required=("start_date",))
            owner.append(c)
            out.write(record)
    out.close()
    ctx.counts["contracts"] = n


def assets(ctx: Context, count: int, orphans: Orphans) -> None:
    rng = ctx.rng("assets")
    n_clients = ctx.counts["clients"]
    per_client = allocate(count, n_clients, rng, weights=ctx.columns["client_weight"])
    ctx.columns["as_start"] = prefix(per_client)
    loc_start = ctx.columns["loc_start"]
    n_parts = ctx.counts["parts"]
    out = ctx.writer("assets")
    n = 0
    for c in range(n_clients):
        for _ in range(per_client[c]):
            n += 1
            rid = record_id("as", n)
            created, created_at, updated_at = ctx.timestamps(rng, "assets", rid)
            maker = rng.choice(vocab.MANUFACTURERS)
            equipment = rng.choice(vocab.EQUIPMENT)
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["assets"], rng, ctx, created),
                "client_id": record_id("cl", c + 1), "location_id": _pick(rng, loc_start, c, "lo", 0.95),
                "name": f"{maker} {equipment}".title() if rng.random() < 0.5 else f"{equipment.title()} #{rng.randint(1, 20)}",
                "serial_number": f"{maker[:2].upper()}{rng.randint(10**7, 10**9)}" if rng.random() < 0.9 else None,
                "part_id": record_id("pa", rng.randint(1, n_parts)) if rng.random() < 0.4 else None,
                "manufacturer": maker, "model": f"{maker[:1]}{rng.randint(100, 999)}-{rng.choice('ABCDX')}",
                "install_date": ctx.day(created - rng.randint(0, 3000) * 86_400),
                "warranty_expires_on": ctx.future_day(created, rng.choice((365, 730, 1825))) if rng.random() < 0.6 else None,
                "status": rng.choice(("active",) * 8 + ("in_repair", "retired", "decommissioned", "spare")),
            }
            orphans.maybe(rng, "assets", record, "client_id", "clients", "cl")
            field_defects(ctx, rng, "assets", record, required=("name",), long=("serial_number",),
                          picklists=("status",))
            out.write(record)
    out.close()
    ctx.counts["assets"] = n


_TYPES = ("break_fix",) * 5 + ("support_request",) * 2 + ("preventive_maintenance",) * 3 + \
         ("scheduled_service",) * 2 + ("installation",)


def _summary(rng: random.Random, wo_type: str) -> str:
    equipment = rng.choice(vocab.EQUIPMENT)
    if wo_type == "break_fix":
        return f"{equipment.capitalize()} {rng.choice(vocab.SYMPTOMS)}"
    if wo_type == "support_request":
        return f"Customer request: {rng.choice(('check', 'adjust', 'quote replacement of', 'relocate'))} {equipment}"
    if wo_type == "preventive_maintenance":
        return f"{rng.choice(('Quarterly', 'Semi-annual', 'Annual'))} PM - {equipment}"
    if wo_type == "scheduled_service":
        return f"{rng.choice(('Filter change', 'Coil cleaning', 'Seasonal start-up', 'Inspection'))} - {equipment}"
    return f"Install new {equipment}"


def work_orders(ctx: Context, count: int, orphans: Orphans) -> None:
    rng = ctx.rng("work_orders")
    log = ctx.log
    n_clients = ctx.counts["clients"]
    per_client = allocate(count, n_clients, rng, weights=ctx.columns["client_weight"])
    cols = ctx.columns
    loc_start, ct_start, co_start, as_start = cols["loc_start"], cols["ct_start"], cols["co_start"], cols["as_start"]
    projects_per_client = allocate(ctx.counts["projects_planned"], n_clients, rng, weights=cols["client_weight"],
                                   eligible=[c for c in range(n_clients) if per_client[c] > 0])
    pr_start = cols["pr_start"] = prefix(projects_per_client)
    primary = cols["project_primary"] = array("l", [-1]) * pr_start[n_clients]
    wo_client, wo_asset, wo_tech, wo_created = (ctx.column(name) for name in
                                                ("wo_client", "wo_asset", "wo_tech", "wo_created"))
    out = ctx.writer("work_orders")
    n = 0
    for c in range(n_clients):
        for _ in range(per_client[c]):
            n += 1
            rid = record_id("wo", n)
            created, created_at, updated_at = ctx.timestamps(rng, "work_orders", rid)
            wo_type = rng.choice(_TYPES)
            status = rng.choice(("completed",) * 6 + ("closed",) * 3 + ("new", "scheduled", "dispatched", "in_progress",
                                                                          "on_hold", "cancelled"))
            start = created + rng.randint(1, 14) * 86_400 + rng.randint(7, 16) * 3600 - created % 3600
            end = start + rng.choice((1, 2, 2, 3, 4, 8)) * 3600
            tech = _tech(ctx, rng) if rng.random() < 0.95 else None
            project = None
            if pr_start[c + 1] > pr_start[c] and rng.random() < 0.3:
                p = rng.randint(pr_start[c], pr_start[c + 1] - 1)
                project = record_id("pr", p + 1)
                if primary[p] < 0:
                    primary[p] = n
            description = None
            if rng.random() < 0.7:
                description = f"{rng.choice(vocab.SYMPTOMS).capitalize()}. Reported by site contact by " \
                              f"{rng.choice(('phone', 'e-mail', 'portal'))}."
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["work_orders"], rng, ctx, created),
                "number": f"WO-{n:07d}", "type": wo_type, "status": status,
                "priority": rng.choice(("low", "normal", "normal", "normal", "high", "urgent")),
                "summary": _summary(rng, wo_type), "description": description,
                "client_id": record_id("cl", c + 1), "location_id": _pick(rng, loc_start, c, "lo", 0.95),
                "contact_id": _pick(rng, ct_start, c, "cc", 0.7), "technician_id": tech,
                "asset_id": _pick(rng, as_start, c, "as", 0.6), "contract_id": _pick(rng, co_start, c, "co", 0.4),
                "project_id": project,
                "scheduled_start": ctx.stamp(start) if status != "new" else None,
                "scheduled_end": ctx.stamp(end) if status != "new" else None,
                "completed_at": ctx.stamp(min(end, ctx.as_of_s)) if status in ("completed", "closed") else None,
                "source": rng.choice(("phone", "email", "portal", "mobile", "recurring_schedule")),
            }
            if log.hit(DefectKind.NON_ASCII_TEXT, rng.random()):
                record["summary"] += rng.choice(vocab.EMOJI_SNIPPETS)
                log.add(DefectKind.NON_ASCII_TEXT, {"resource": "work_orders", "id": rid, "field": "summary"})
            field = rng.choice(("asset_id", "contract_id", "technician_id"))
            target, pfx = {"asset_id": ("assets", "as"), "contract_id": ("contracts", "co"),
                           "technician_id": ("technicians", "te")}[field]
            orphans.maybe(rng, "work_orders", record, field, target, pfx)
            field_defects(ctx, rng, "work_orders", record, required=("summary", "priority"), long=("summary",),
                          picklists=("status", "priority", "type"))
            wo_client.append(c)
            asset = record["asset_id"]
            wo_asset.append(int(asset[3:]) if asset and asset[3] == "0" else -1)
            wo_tech.append(int(tech[3:]) if tech else -1)
            wo_created.append(created)
            out.write(record)
    out.close()
    ctx.counts["work_orders"] = n


def projects(ctx: Context) -> None:
    rng = ctx.rng("projects")
    log = ctx.log
    pr_start, primary = ctx.columns["pr_start"], ctx.columns["project_primary"]
    out = ctx.writer("projects")
    n_clients = ctx.counts["clients"]
    n = 0
    for c in range(n_clients):
        for p in range(pr_start[c], pr_start[c + 1]):
            n += 1
            rid = record_id("pr", n)
            created, created_at, updated_at = ctx.timestamps(rng, "projects", rid)
            billable = rng.random() < 0.7
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["projects"], rng, ctx, created),
                "client_id": record_id("cl", c + 1),
                "name": f"{rng.choice(('Retrofit', 'Replacement', 'New build', 'Upgrade', 'Tenant fit-out'))} - "
                        f"{rng.choice(vocab.EQUIPMENT)}",
                "code": f"PRJ-{n:05d}", "billable": billable,
                "budget": round(rng.uniform(2_000, 250_000), 2) if billable or rng.random() < 0.5 else None,
                "currency": "USD", "status": rng.choice(("planned", "active", "active", "on_hold", "completed", "cancelled")),
                "start_date": ctx.day(created), "projected_end_date": ctx.future_day(created, rng.randint(14, 400)),
                "manager_technician_id": _tech(ctx, rng), "primary_work_order_id": None,
                "description": "Scope per signed proposal." if rng.random() < 0.5 else None,
            }
            if primary[p] >= 0 and log.hit(DefectKind.PROJECT_WORK_ORDER_CYCLE, rng.random()):
                record["primary_work_order_id"] = record_id("wo", primary[p])
                log.add(DefectKind.PROJECT_WORK_ORDER_CYCLE, {"resource": "projects", "id": rid,
                                                              "work_order_id": record["primary_work_order_id"]})
            field_defects(ctx, rng, "projects", record, required=("name",))
            out.write(record)
    out.close()
    ctx.counts["projects"] = n


def tasks(ctx: Context, count: int) -> None:
    rng = ctx.rng("work_order_tasks")
    n_wo = ctx.counts["work_orders"]
    per_wo = allocate(count, n_wo, rng)
    wo_tech, wo_created = ctx.columns["wo_tech"], ctx.columns["wo_created"]
    out = ctx.writer("work_order_tasks")
    n = 0
    for w in range(n_wo):
        for seq in range(1, per_wo[w] + 1):
            n += 1
            rid = record_id("wt", n)
            created, created_at, updated_at = ctx.timestamps(rng, "work_order_tasks", rid, wo_created[w], wo_created[w] + 86_400)
            status = rng.choice(("done", "done", "done", "open", "in_progress", "skipped"))
            tech = wo_tech[w]
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["work_order_tasks"], rng, ctx, created),
                "work_order_id": record_id("wo", w + 1), "sequence": seq,
                "subject": f"{rng.choice(vocab.TASK_VERBS)} {rng.choice(vocab.COMPONENTS)}", "status": status,
                "priority": rng.choice(("low", "normal", "normal", "high")),
                "technician_id": record_id("te", tech) if tech > 0 else None,
                "scheduled_start": None, "scheduled_end": None,
                "completed_at": ctx.stamp(min(ctx.as_of_s, created + rng.randint(600, 7200))) if status == "done" else None,
                "estimated_minutes": rng.choice((15, 30, 30, 45, 60, 90, 120)),
            }
            if rng.random() < 0.3:
                record["scheduled_start"] = ctx.stamp(created + 86_400)
                record["scheduled_end"] = ctx.stamp(created + 86_400 + record["estimated_minutes"] * 60)
            out.write(record)
    out.close()
    ctx.counts["work_order_tasks"] = n


def parts_used(ctx: Context, count: int, orphans: Orphans) -> None:
    rng = ctx.rng("parts_used")
    n_wo = ctx.counts["work_orders"]
    per_wo = allocate(count, n_wo, rng)
    wo_asset, wo_tech, wo_created = ctx.columns["wo_asset"], ctx.columns["wo_tech"], ctx.columns["wo_created"]
    n_parts = ctx.counts["parts"]
    out = ctx.writer("parts_used")
    n = 0
    for w in range(n_wo):
        for _ in range(per_wo[w]):
            n += 1
            rid = record_id("pu", n)
            created, created_at, updated_at = ctx.timestamps(rng, "parts_used", rid, wo_created[w], wo_created[w] + 3 * 86_400)
            quantity = rng.choice((1, 1, 1, 2, 3, 4, 0.5, 2.5, 10))
            unit_cost = round(rng.uniform(2, 600), 2)
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at, "custom_fields": {},
                "work_order_id": record_id("wo", w + 1),
                "asset_id": record_id("as", wo_asset[w]) if wo_asset[w] > 0 else None,
                "part_id": record_id("pa", rng.randint(1, n_parts)),
                "technician_id": record_id("te", wo_tech[w]) if wo_tech[w] > 0 else None,
                "quantity": quantity, "unit_cost": unit_cost, "total_cost": round(quantity * unit_cost, 2),
                "used_at": created_at,
            }
            orphans.maybe(rng, "parts_used", record, "part_id", "parts", "pa")
            out.write(record)
    out.close()
    ctx.counts["parts_used"] = n


def invoices(ctx: Context, count: int, orphans: Orphans) -> None:
    rng = ctx.rng("invoices")
    n_wo, n_co = ctx.counts["work_orders"], ctx.counts["contracts"]
    wo_client, wo_created, co_client = ctx.columns["wo_client"], ctx.columns["wo_created"], ctx.columns["co_client"]
    out = ctx.writer("invoices")
    for n in range(1, count + 1):
        rid = record_id("in", n)
        on_contract = n_co > 0 and rng.random() < 0.2
        if on_contract:
            k = rng.randrange(n_co)
            client, work_order, contract = co_client[k], None, record_id("co", k + 1)
            lo = None
        else:
            w = rng.randrange(n_wo)
            client, work_order, contract = wo_client[w], record_id("wo", w + 1), None
            lo = wo_created[w]
        created, created_at, updated_at = ctx.timestamps(rng, "invoices", rid, lo, None if lo is None else lo + 30 * 86_400)
        subtotal = round(rng.uniform(89, 12_000), 2)
        tax = round(subtotal * 0.0825, 2)
        total = round(subtotal + tax, 2)
        status = rng.choice(("paid", "paid", "paid", "sent", "partially_paid", "overdue", "draft", "void"))
        payments: list[dict[str, Any]] = []
        if status == "paid":
            payments = [{"id": f"{rid}-P1", "received_on": ctx.day(created + rng.randint(1, 60) * 86_400), "amount": total,
                         "method": rng.choice(("card", "ach", "check", "cash", "other")),
                         "reference": f"CHK {rng.randint(1000, 99999)}" if rng.random() < 0.4 else None}]
        elif status == "partially_paid":
            part = round(total * rng.uniform(0.1, 0.9), 2)
            payments = [{"id": f"{rid}-P1", "received_on": ctx.day(created + 86_400 * 20), "amount": part,
                         "method": "card", "reference": None}]
        paid = round(sum(p["amount"] for p in payments), 2)
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at,
            "custom_fields": custom_values(RESOURCE_FIELDS["invoices"], rng, ctx, created),
            "number": f"INV-{n:07d}", "client_id": record_id("cl", client + 1), "work_order_id": work_order,
            "contract_id": contract, "status": status, "issue_date": ctx.day(created),
            "due_date": ctx.future_day(created, rng.choice((15, 30, 30, 45, 60))), "currency": "USD",
            "subtotal": subtotal, "tax": tax, "total": total,
            "balance": 0.0 if status == "void" else round(total - paid, 2), "payments": payments,
        }
        if work_order:
            orphans.maybe(rng, "invoices", record, "work_order_id", "work_orders", "wo")
        field_defects(ctx, rng, "invoices", record, required=("number",), picklists=("status",))
        out.write(record)
    out.close()
    ctx.counts["invoices"] = count
