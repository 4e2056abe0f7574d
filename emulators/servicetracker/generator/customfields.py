"""Undocumented custom fields: what tenants build with the drag-and-drop field builder.

Each resource gets a handful of tenant-named fields of every kind (text, number, date, picklist-like,
boolean-like, e-mail, phone), present only on some records and written the messy ways real data
holds them: numbers as ``1250``, ``1250.5`` or ``"1,250.50"``; booleans as ``true``, ``"Y"``, ``"yes"`` or
``1``; dates as ``"2023-04-01"`` or ``"04/01/2023"``. The true kind of every key goes into
``defects.json`` (``custom_fields``) so an audit's type inference can be checked. Custom-table
columns are generated the same way (:data:`TABLE_COLUMNS`).
"""

from __future__ import annotations

import random
from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["Kind", "CustomField", "RESOURCE_FIELDS", "TABLES", "TABLE_COLUMNS", "custom_values", "manifest"]


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    PICKLIST = "picklist"
    BOOLEAN = "boolean"
    EMAIL = "email"
    PHONE = "phone"


class CustomField(NamedTuple):
    key: str
    kind: Kind
    fill: float  # share of records that carry it
    choices: tuple[str, ...] = ()


K = Kind
RESOURCE_FIELDS: dict[str, tuple[CustomField, ...]] = {
    "clients": (
        CustomField("Customer Since", K.DATE, 0.5), CustomField("Credit Limit", K.NUMBER, 0.3),
        CustomField("Tax Exempt", K.BOOLEAN, 0.4), CustomField("Billing Email", K.EMAIL, 0.35),
        CustomField("After Hours Phone", K.PHONE, 0.2),
        CustomField("Region", K.PICKLIST, 0.6, ("North", "South", "East", "West", "Central")),
        CustomField("legacy_id", K.TEXT, 0.7), CustomField("PO Required?", K.BOOLEAN, 0.25),
    ),
    "client_contacts": (
        CustomField("Preferred Contact Method", K.PICKLIST, 0.4, ("Phone", "Email", "Text", "phone")),
        CustomField("Alt Email", K.EMAIL, 0.1), CustomField("Receives Invoices", K.BOOLEAN, 0.3),
    ),
    "locations": (
        CustomField("Gate Code", K.TEXT, 0.3), CustomField("Square Footage", K.NUMBER, 0.4),
        CustomField("Key Box", K.BOOLEAN, 0.2), CustomField("Site Phone", K.PHONE, 0.3),
        CustomField("Service Zone", K.PICKLIST, 0.5, ("Zone 1", "Zone 2", "Zone 3", "Out of Area")),
    ),
    "technicians": (
        CustomField("Certification Expiry", K.DATE, 0.6), CustomField("Van Number", K.TEXT, 0.7),
        CustomField("Union Member", K.BOOLEAN, 0.5), CustomField("Hourly Rate", K.NUMBER, 0.8),
        CustomField("Personal Email", K.EMAIL, 0.2),
    ),
    "work_orders": (
        CustomField("PO Number", K.TEXT, 0.3), CustomField("NTE Amount", K.NUMBER, 0.25),
        CustomField("Follow-up Date", K.DATE, 0.1),
        CustomField("SLA Tier", K.PICKLIST, 0.35, ("Bronze", "Silver", "Gold", "Platinum", "gold")),
        CustomField("Requires Lift", K.BOOLEAN, 0.15), CustomField("Site Contact Phone", K.PHONE, 0.2),
        CustomField("Notify Email", K.EMAIL, 0.1), CustomField("Gate Code", K.TEXT, 0.05),
    ),
    "assets": (
        CustomField("Refrigerant Type", K.PICKLIST, 0.4, ("R-410A", "R-22", "R-134a", "R-454B", "R-404A")),
        CustomField("Tonnage", K.NUMBER, 0.4), CustomField("Last PM", K.DATE, 0.5),
        CustomField("Under Warranty", K.BOOLEAN, 0.5), CustomField("Asset Tag", K.TEXT, 0.6),
    ),
    "contracts": (
        CustomField("Renewal Notice Days", K.NUMBER, 0.5), CustomField("Signed On", K.DATE, 0.6),
        CustomField("Account Manager Email", K.EMAIL, 0.4), CustomField("Auto Invoice", K.BOOLEAN, 0.3),
    ),
    "projects": (
        CustomField("Permit Number", K.TEXT, 0.3), CustomField("Phase", K.PICKLIST, 0.6,
                                                               ("Design", "Procurement", "Install", "Closeout")),
        CustomField("PM Phone", K.PHONE, 0.3),
    ),
    "invoices": (
        CustomField("QuickBooks ID", K.TEXT, 0.6), CustomField("Collections Flag", K.BOOLEAN, 0.1),
        CustomField("Late Fee", K.NUMBER, 0.05),
    ),
    "work_order_tasks": (CustomField("Checklist Passed", K.BOOLEAN, 0.3), CustomField("Reading", K.NUMBER, 0.2)),
    "parts": (CustomField("Bin Location", K.TEXT, 0.5), CustomField("Reorder Point", K.NUMBER, 0.4)),
}

TABLES: tuple[tuple[str, str, str, str], ...] = (
    # key, name, description, parent resource
    ("inspection_forms", "Inspection Forms", "Safety and equipment inspections filled in on site.", "work_orders"),
    ("signature_records", "Signature Records", "Customer sign-off captured on the mobile app.", "work_orders"),
    ("equipment_logs", "Equipment Logs", "Periodic readings logged against assets.", "assets"),
)

TABLE_COLUMNS: dict[str, tuple[CustomField, ...]] = {
    "inspection_forms": (
        CustomField("Inspection Type", K.PICKLIST, 1.0, ("Annual", "Quarterly", "Fire", "Backflow", "Pre-season")),
        CustomField("Passed", K.BOOLEAN, 0.95), CustomField("Pressure (psi)", K.NUMBER, 0.7),
        CustomField("Inspected On", K.DATE, 0.95), CustomField("Inspector Email", K.EMAIL, 0.6),
        CustomField("Comments", K.TEXT, 0.5),
    ),
    "signature_records": (
        CustomField("Signed By", K.TEXT, 1.0), CustomField("Signer Phone", K.PHONE, 0.5),
        CustomField("Signed On", K.DATE, 1.0), CustomField("Accepted Terms", K.BOOLEAN, 0.9),
        CustomField("Signer Email", K.EMAIL, 0.4),
    ),
    "equipment_logs": (
        CustomField("Reading", K.NUMBER, 1.0), CustomField("Unit", K.PICKLIST, 1.0, ("psi", "degF", "amps", "volts")),
        CustomField("Logged On", K.DATE, 1.0), CustomField("Within Spec", K.BOOLEAN, 0.9),
        CustomField("Technician Phone", K.PHONE, 0.2),
    ),
}

_TRUE = (True, "Y", "yes", "1", 1, "TRUE")
_FALSE = (False, "N", "no", "0", 0, "FALSE")


def _value(field: CustomField, rng: random.Random, ctx: Any, seconds: int) -> Any:
    kind = field.kind
    if kind is Kind.TEXT:
        if field.key in ("Gate Code",):
            return f"#{rng.randint(1000, 9999)}"
        if field.key in ("Signed By",):
            first, last = ctx.person(rng)
            return f"{first} {last}"
        return f"{rng.choice(ctx.pools.words).upper()}-{rng.randint(100, 99999)}"
    if kind is Kind.NUMBER:
        value = round(rng.uniform(1, 5000), rng.choice((0, 2)))
        style = rng.random()
        if style < 0.6:
            return int(value) if value == int(value) else value
        if style < 0.85:
            return f"{value:,.2f}"
        return str(int(value))
    if kind is Kind.DATE:
        day = ctx.day(seconds - rng.randint(0, 900) * 86_400)
        if rng.random() < 0.8:
            return day
        y, m, d = day.split("-")
        return f"{m}/{d}/{y}"
    if kind is Kind.PICKLIST:
        return rng.choice(field.choices)
    if kind is Kind.BOOLEAN:
        style = hash_style(field.key)  # each field mostly keeps one representation
        truth = rng.random() < 0.5
        pick = style if rng.random() < 0.85 else rng.randrange(len(_TRUE))
        return _TRUE[pick] if truth else _FALSE[pick]
    if kind is Kind.EMAIL:
        first, last = ctx.person(rng)
        return f"{first.lower()}.{last.lower()}@{rng.choice(('gmail.com', 'outlook.com', 'yahoo.com', 'company.com'))}"
    return ctx.phone(rng)


def hash_style(key: str) -> int:
    return sum(key.encode()) % len(_TRUE)


def custom_values(fields: tuple[CustomField, ...], rng: random.Random, ctx: Any, seconds: int) -> dict[str, Any]:
    """The custom_fields object of one record: each field present with its fill probability."""
    out: dict[str, Any] = {}
    for field in fields:
        if rng.random() < field.fill:
            out[field.key] = _value(field, rng, ctx, seconds)
    return out


def manifest() -> dict[str, dict[str, str]]:
    """``{resource: {key: kind}}`` for defects.json, custom tables as ``custom_tables/<key>/rows``."""
    out = {resource: {f.key: str(f.kind) for f in fields} for resource, fields in RESOURCE_FIELDS.items()}
    for key, columns in TABLE_COLUMNS.items():
        out[f"custom_tables/{key}/rows"] = {f.key: str(f.kind) for f in columns}
    return out
