"""Technicians, clients (with duplicates and a parent hierarchy), their locations and contacts, the parts catalog."""

from __future__ import annotations

import random
import re
from array import array
from typing import Any

from emulators.servicetracker.generator import vocab
from emulators.servicetracker.generator.context import Context, ascii_slug, record_id
from emulators.servicetracker.generator.customfields import RESOURCE_FIELDS, custom_values
from emulators.servicetracker.generator.defects import DefectKind
from emulators.servicetracker.generator.plan import allocate, prefix
from emulators.servicetracker.generator.plant import Orphans, field_defects

__all__ = ["technicians", "clients", "locations", "contacts", "parts", "Emails", "normalized_name"]


def normalized_name(name: str) -> str:
    """How duplicates are recognised: case-folded, '&' read as 'and', punctuation and spaces dropped."""
    return re.sub(r"\W|_", "", name.casefold().replace("&", "and"))


class Emails:
    """E-mail addresses in use (lower-cased), so clean records never share one by accident."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.recent: list[tuple[str, str, str]] = []  # (resource, id, email) of people, for shared_email

    def unique(self, local: str, domain: str) -> str:
        local = local or "contact"
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.used:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used.add(candidate)
        return candidate

    def remember(self, resource: str, rid: str, email: str) -> None:
        if len(self.recent) >= 256:
            self.recent.pop(0)
        self.recent.append((resource, rid, email))


def technicians(ctx: Context, count: int, emails: Emails, domain: str) -> list[dict[str, Any]]:
    """Write technicians.jsonl; return the small list salesforce_users.json is built from."""
    rng = ctx.rng("technicians")
    out = ctx.writer("technicians")
    active = ctx.column("tech_active", "b")
    roster: list[dict[str, Any]] = []
    roles = ("technician",) * 10 + ("senior_technician",) * 4 + ("dispatcher", "supervisor", "manager", "subcontractor")
    for n in range(1, count + 1):
        rid = record_id("te", n)
        created, created_at, updated_at = ctx.timestamps(rng, "technicians", rid)
        first, last = ctx.person(rng)
        is_active = n <= 2 or rng.random() < 0.85
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at,
            "custom_fields": custom_values(RESOURCE_FIELDS["technicians"], rng, ctx, created),
            "first_name": first, "last_name": last,
            "email": emails.unique(f"{ascii_slug(first)}.{ascii_slug(last)}", domain),
            "phone": ctx.phone(rng), "role": rng.choice(roles), "active": is_active,
            "employee_number": f"E{n:05d}",
            "skills": sorted(rng.sample(vocab.SKILLS, rng.randint(1, 4))),
            "time_zone": ctx.tz_name,
        }
        if ctx.log.hit(DefectKind.NON_ASCII_TEXT, rng.random()):
            record["first_name"], record["last_name"] = rng.choice(vocab.NON_ASCII_NAMES)
            ctx.log.add(DefectKind.NON_ASCII_TEXT, {"resource": "technicians", "id": rid, "field": "last_name"})
        email = record["email"]
        field_defects(ctx, rng, "technicians", record, emails=("email",))
        if record["email"] == email:
            emails.remember("technicians", rid, email)
        active.append(1 if is_active else 0)
        out.write(record)
        roster.append({"id": rid, "first_name": record["first_name"], "last_name": record["last_name"],
                       "email": record["email"], "active": is_active, "valid_email": record["email"] == email})
    out.close()
    ctx.counts["technicians"] = count
    ctx.columns["active_techs"] = array("l", [i for i, a in enumerate(active) if a])
    return roster


def _company(ctx: Context, rng: random.Random, taken: set[str]) -> str:
    pools = ctx.pools
    for _ in range(50):
        style = rng.random()
        if style < 0.5:
            name = pools.companies[rng.randrange(len(pools.companies))]
        else:
            last = pools.last_names[rng.randrange(len(pools.last_names))]
            suffix = rng.choice(vocab.LEGAL_SUFFIXES)
            name = f"{last} {rng.choice(vocab.TRADE_WORDS)}" + (f" {suffix}" if suffix else "")
        if rng.random() < 0.3:
            name = f"{name} - {pools.places[rng.randrange(len(pools.places))][0]}"
        if normalized_name(name) not in taken:
            return name
    return f"{name} #{len(taken)}"


def _duplicate_name(name: str, rng: random.Random) -> tuple[str, str]:
    variants = [("upper_case", name.upper()), ("extra_spaces", "  " + name.replace(" ", "  ") + " "),
                ("trailing_period", name + "."), ("lower_case", name.lower())]
    if "&" in name:
        variants.append(("ampersand", name.replace("&", "and")))
    elif " and " in name:
        variants.append(("ampersand", name.replace(" and ", " & ")))
    return rng.choice(variants)


def clients(ctx: Context, count: int, emails: Emails) -> None:
    rng = ctx.rng("clients")
    out = ctx.writer("clients")
    log = ctx.log
    taken: set[str] = set()
    recent: list[dict[str, Any]] = []
    weight = ctx.column("client_weight", "d")
    pending_parent: dict[int, str] = {}
    statuses = ("active",) * 16 + ("inactive",) * 3 + ("prospect",)
    industries = ("commercial", "residential", "industrial", "government", "healthcare", "education", "hospitality",
                  "retail")
    for n in range(1, count + 1):
        rid = record_id("cl", n)
        created, created_at, updated_at = ctx.timestamps(rng, "clients", rid)
        duplicate_of = None
        if n > 3 and recent and log.hit(DefectKind.DUPLICATE_CLIENT, rng.random()):
            duplicate_of = rng.choice(recent)
        if duplicate_of is not None:
            variant, name = _duplicate_name(duplicate_of["name"], rng)
            email, phone = duplicate_of["email"], duplicate_of["phone"] if rng.random() < 0.8 else ctx.phone(rng)
            log.add(DefectKind.DUPLICATE_CLIENT, {"resource": "clients", "id": rid, "duplicate_of": duplicate_of["id"],
                                                  "variant": variant})
            non_ascii = not name.isascii()
        else:
            non_ascii = log.hit(DefectKind.NON_ASCII_TEXT, rng.random())
            name = rng.choice(vocab.NON_ASCII_COMPANIES) if non_ascii else _company(ctx, rng, taken)
            if non_ascii and normalized_name(name) in taken:
                name = f"{name} {n}"
            taken.add(normalized_name(name))
            slug = ascii_slug(name)[:24] or f"client{n}"
            email = emails.unique(rng.choice(("info", "office", "service", "ap", "facilities")), f"{slug}.com")
            phone = ctx.phone(rng)
        if non_ascii:
            log.add(DefectKind.NON_ASCII_TEXT, {"resource": "clients", "id": rid, "field": "name"})
        slug = ascii_slug(name)[:24] or f"client{n}"
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at,
            "custom_fields": custom_values(RESOURCE_FIELDS["clients"], rng, ctx, created),
            "name": name, "account_number": f"AC-{100000 + n}", "status": rng.choice(statuses),
            "industry": rng.choice(industries), "parent_client_id": None, "email": email, "phone": phone,
            "website": f"https://www.{slug}.com" if rng.random() < 0.6 else None,
            "billing_address": ctx.address(rng), "time_zone": ctx.tz_name,
        }
        if n in pending_parent:
            record["parent_client_id"] = pending_parent.pop(n)
        elif n + 1 <= count and n > 2 and log.hit(DefectKind.CLIENT_HIERARCHY_CYCLE, rng.random()):
            partner = record_id("cl", n + 1)
            record["parent_client_id"] = partner
            pending_parent[n + 1] = rid
            log.add(DefectKind.CLIENT_HIERARCHY_CYCLE, {"resource": "clients", "id": rid, "cycle": [rid, partner]})
        elif n > 5 and log.hit(DefectKind.CLIENT_HIERARCHY, rng.random()):
            parent = record_id("cl", rng.randint(max(1, n - 500), n - 1))
            record["parent_client_id"] = parent
            log.add(DefectKind.CLIENT_HIERARCHY, {"resource": "clients", "id": rid, "parent_client_id": parent})
        if duplicate_of is None:
            field_defects(ctx, rng, "clients", record, required=("name", "status"), long=("name",),
                          picklists=("industry",), emails=("email",))
        else:
            field_defects(ctx, rng, "clients", record, required=("status",), picklists=("industry",))
        weight.append(rng.lognormvariate(0, 1) * (0.3 if record["status"] != "active" else 1.0))
        if duplicate_of is None and record["name"] == name and record["email"] == email:
            recent.append({"id": rid, "name": name, "email": record["email"], "phone": phone})
            if len(recent) > 200:
                recent.pop(0)
        out.write(record)
    out.close()
    ctx.counts["clients"] = count


def locations(ctx: Context, count: int, orphans: Orphans) -> None:
    rng = ctx.rng("locations")
    n_clients = ctx.counts["clients"]
    multi = []
    for c in range(n_clients):
        if ctx.log.hit(DefectKind.MULTI_SITE_CLIENT, rng.random()) and count > n_clients:
            multi.append(c)
            ctx.log.add(DefectKind.MULTI_SITE_CLIENT, {"resource": "clients", "id": record_id("cl", c + 1)})
    per_client = allocate(count, n_clients, rng, minimum=1, eligible=multi)
    ctx.columns["loc_start"] = prefix(per_client)
    out = ctx.writer("locations")
    site_types = ("head_office", "branch", "warehouse", "residence", "plant", "store", "other")
    n = 0
    for c in range(n_clients):
        for k in range(per_client[c]):
            n += 1
            rid = record_id("lo", n)
            created, created_at, updated_at = ctx.timestamps(rng, "locations", rid)
            name = rng.choice(vocab.SITE_NAMES).replace("{n}", str(rng.randint(1, 400)))
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["locations"], rng, ctx, created),
                "client_id": record_id("cl", c + 1), "name": name if per_client[c] > 1 else "Main Site",
                "site_type": rng.choice(site_types), "address": ctx.address(rng),
                "latitude": round(rng.uniform(25.0, 48.0), 6), "longitude": round(rng.uniform(-123.0, -70.0), 6),
                "is_primary": k == 0,
                "access_notes": rng.choice((None, "Check in at front desk.", "Gate code changes monthly; call ahead.",
                                            "Roof access via ladder in mechanical room. Fall protection required.")),
                "time_zone": ctx.tz_name,
            }
            orphans.maybe(rng, "locations", record, "client_id", "clients", "cl")
            field_defects(ctx, rng, "locations", record, required=("name",), long=("name",))
            out.write(record)
    out.close()
    ctx.counts["locations"] = n


def contacts(ctx: Context, count: int, emails: Emails, orphans: Orphans) -> None:
    rng = ctx.rng("client_contacts")
    n_clients = ctx.counts["clients"]
    per_client = allocate(count, n_clients, rng, weights=ctx.columns["client_weight"])
    ctx.columns["ct_start"] = prefix(per_client)
    loc_start = ctx.columns["loc_start"]
    out = ctx.writer("client_contacts")
    log = ctx.log
    roles = ("billing", "site_contact", "decision_maker", "technical", "other")
    n = 0
    for c in range(n_clients):
        for k in range(per_client[c]):
            n += 1
            rid = record_id("cc", n)
            created, created_at, updated_at = ctx.timestamps(rng, "client_contacts", rid)
            first, last = ctx.person(rng)
            record = {
                "id": rid, "created_at": created_at, "updated_at": updated_at,
                "custom_fields": custom_values(RESOURCE_FIELDS["client_contacts"], rng, ctx, created),
                "client_id": record_id("cl", c + 1), "first_name": first, "last_name": last, "email": None,
                "phone": ctx.phone(rng), "mobile": ctx.phone(rng) if rng.random() < 0.5 else None,
                "title": rng.choice(vocab.CONTACT_TITLES), "role": rng.choice(roles), "is_primary": k == 0,
                "default_location_id": None,
            }
            if rng.random() < 0.4:
                lo, hi = loc_start[c], loc_start[c + 1]
                record["default_location_id"] = record_id("lo", rng.randint(lo + 1, hi))
            domain = rng.choice(("gmail.com", "outlook.com", "yahoo.com", f"client{c + 1}.example.com"))
            shared = False
            if emails.recent and log.hit(DefectKind.SHARED_EMAIL, rng.random()):
                resource, other, address = rng.choice(emails.recent)
                record["email"] = address
                log.add(DefectKind.SHARED_EMAIL, {"resource": "client_contacts", "id": rid, "field": "email",
                                                  "value": address, "shared_with": {"resource": resource, "id": other}})
                shared = True
            elif rng.random() < 0.9:
                record["email"] = emails.unique(f"{ascii_slug(first)}.{ascii_slug(last)}", domain)
            if log.hit(DefectKind.NON_ASCII_TEXT, rng.random()):
                record["first_name"], record["last_name"] = rng.choice(vocab.NON_ASCII_NAMES)
                log.add(DefectKind.NON_ASCII_TEXT, {"resource": "client_contacts", "id": rid, "field": "last_name"})
            orphans.maybe(rng, "client_contacts", record, "client_id", "clients", "cl")
            email = record["email"]
            field_defects(ctx, rng, "client_contacts", record, required=("last_name",), long=("title",),
                          picklists=("role",), emails=("email",) if not shared else ())
            if email is not None and not shared and record["email"] == email:
                emails.remember("client_contacts", rid, email)
            out.write(record)
    out.close()
    ctx.counts["client_contacts"] = n


def parts(ctx: Context, count: int) -> None:
    rng = ctx.rng("parts")
    out = ctx.writer("parts")
    units = ("each", "each", "each", "box", "pack", "ft", "l", "kg")
    for n in range(1, count + 1):
        rid = record_id("pa", n)
        created, created_at, updated_at = ctx.timestamps(rng, "parts", rid)
        kind, spec = vocab.PART_KINDS[rng.randrange(len(vocab.PART_KINDS))]
        maker = rng.choice(vocab.MANUFACTURERS)
        cost = round(rng.uniform(2, 900), 2)
        record = {
            "id": rid, "created_at": created_at, "updated_at": updated_at,
            "custom_fields": custom_values(RESOURCE_FIELDS["parts"], rng, ctx, created),
            "part_number": f"{maker[:3].upper()}-{rng.randint(1000, 99999)}-{n}", "name": f"{maker} {kind} {spec}",
            "description": f"{kind}, {spec}. Stocked on trucks." if rng.random() < 0.5 else None,
            "manufacturer": maker, "category": kind.split()[0], "unit_of_measure": rng.choice(units),
            "unit_cost": cost, "unit_price": round(cost * rng.uniform(1.2, 2.2), 2), "currency": "USD",
            "active": rng.random() < 0.93,
        }
        out.write(record)
    out.close()
    ctx.counts["parts"] = count
