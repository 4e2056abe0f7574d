"""ServiceTracker's core field model: the resources the sandbox serves and their documented fields.

This is the sandbox's own reading of the contract in ``docs/servicetracker-api.md`` (and its JSON Schemas
in ``docs/servicetracker-api.schema.json``). It drives three things:

* the ``GET /schema`` endpoint (core fields only: name, type, required, max length, enumerations);
* ``fields=`` validation (a sparse field set may name only core fields);
* the generator, which respects these constraints for clean records and breaks them on purpose for
  the defects it plants (over-long strings, unknown picklist values, missing required values).

A contract test checks that ``GET /schema`` agrees with the JSON Schema file field by field, so this
module and the document cannot drift apart silently.

Two levels of guarantee, as in the document:

* **wire shape** (always true): every core key is present on every record; its JSON type is the one
  listed (or ``null``); timestamps carry an offset; calendar dates are ``YYYY-MM-DD``;
* **business rules** (``required``, ``max_length``, ``enum``): enforced by ServiceTracker's UI but not by
  its storage, so imported and legacy records may break them. The API returns what is stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterator, NamedTuple

__all__ = [
    "FieldType",
    "Resource",
    "FieldSpec",
    "ResourceSpec",
    "COMMON_FIELDS",
    "RESOURCES",
    "CUSTOM_TABLE_ROWS",
    "TOMBSTONE_FIELDS",
    "resource_spec",
    "iter_specs",
]


class FieldType(StrEnum):
    """The core field types ``GET /schema`` reports."""

    ID = "id"
    STRING = "string"
    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    REFERENCE = "reference"
    ADDRESS = "address"
    OBJECT = "object"
    ARRAY = "array"


class Resource(StrEnum):
    """The list endpoints (path segment under the API base URL)."""

    CLIENTS = "clients"
    CLIENT_CONTACTS = "client_contacts"
    LOCATIONS = "locations"
    TECHNICIANS = "technicians"
    PARTS = "parts"
    PROJECTS = "projects"
    CONTRACTS = "contracts"
    ASSETS = "assets"
    WORK_ORDERS = "work_orders"
    WORK_ORDER_TASKS = "work_order_tasks"
    PARTS_USED = "parts_used"
    INVOICES = "invoices"
    NOTES = "notes"
    ATTACHMENTS = "attachments"
    ACTIVITIES = "activities"
    CUSTOM_TABLES = "custom_tables"
    WORKFLOWS = "workflows"
    MOBILE_DEVICES = "mobile_devices"


class FieldSpec(NamedTuple):
    name: str
    type: FieldType
    required: bool = False
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    reference: str | None = None  # target resource of a reference ("*" = named by parent_resource)
    description: str = ""

    def as_schema_entry(self) -> dict[str, object]:
        """The field as ``GET /schema`` lists it."""
        return {
            "name": self.name,
            "type": str(self.type),
            "required": self.required,
            "max_length": self.max_length,
            "enum": list(self.enum) if self.enum is not None else None,
            "reference": self.reference,
            "description": self.description,
        }


class ResourceSpec(NamedTuple):
    resource: str
    label: str
    fields: tuple[FieldSpec, ...]
    description: str = ""

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


T = FieldType

COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", T.ID, True, 64, description="The tenant's stable identifier for the record."),
    FieldSpec("created_at", T.DATETIME, True, description="When the record was created (ISO-8601 with offset)."),
    FieldSpec("updated_at", T.DATETIME, True, description="When the record last changed (ISO-8601 with offset)."),
    FieldSpec("custom_fields", T.OBJECT, True, description="Tenant-defined fields: keys chosen by the tenant, no type information."),
)

PARENT_RESOURCES: tuple[str, ...] = (
    "clients", "client_contacts", "locations", "projects", "work_orders", "assets", "contracts", "invoices",
)

_ADDRESS = "Postal address: line1, line2, city, region, postal_code, country (ISO 3166-1 alpha-2)."
_MONEY = "Amount in the record's currency, two decimals."
_CURRENCY = "ISO 4217 currency code."
_TZ = "IANA time zone name."


def _f(name: str, type_: FieldType, required: bool = False, max_length: int | None = None, *,
       enum: tuple[str, ...] | None = None, ref: str | None = None, doc: str = "") -> FieldSpec:
    return FieldSpec(name, type_, required, max_length, enum, ref, doc)


_PRIORITY = ("low", "normal", "high", "urgent")

_SPECS: tuple[ResourceSpec, ...] = (
    ResourceSpec("clients", "Client", (
        _f("name", T.STRING, True, 255, doc="Company or household name."),
        _f("account_number", T.STRING, False, 40, doc="The tenant's own account number."),
        _f("status", T.ENUM, True, enum=("active", "inactive", "prospect")),
        _f("industry", T.ENUM, enum=("commercial", "residential", "industrial", "government", "healthcare",
                                      "education", "hospitality", "retail")),
        _f("parent_client_id", T.REFERENCE, ref="clients", doc="Parent company in a client hierarchy."),
        _f("email", T.EMAIL, False, 254),
        _f("phone", T.PHONE, False, 40),
        _f("website", T.URL, False, 255),
        _f("billing_address", T.ADDRESS, doc=_ADDRESS),
        _f("time_zone", T.STRING, False, 64, doc=_TZ),
    ), "A customer: company or household the tenant serves."),
    ResourceSpec("client_contacts", "Client contact", (
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("first_name", T.STRING, False, 80),
        _f("last_name", T.STRING, True, 80),
        _f("email", T.EMAIL, False, 254),
        _f("phone", T.PHONE, False, 40),
        _f("mobile", T.PHONE, False, 40),
        _f("title", T.STRING, False, 128),
        _f("role", T.ENUM, enum=("billing", "site_contact", "decision_maker", "technical", "other")),
        _f("is_primary", T.BOOLEAN, doc="The client's primary contact."),
        _f("default_location_id", T.REFERENCE, ref="locations", doc="The contact's default service site."),
    ), "A person at a client."),
    ResourceSpec("locations", "Location", (
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("name", T.STRING, True, 255),
        _f("site_type", T.ENUM, enum=("head_office", "branch", "warehouse", "residence", "plant", "store", "other")),
        _f("address", T.ADDRESS, doc=_ADDRESS),
        _f("latitude", T.NUMBER),
        _f("longitude", T.NUMBER),
        _f("is_primary", T.BOOLEAN, doc="The client's primary site."),
        _f("access_notes", T.TEXT, False, 4000, doc="Gate codes, parking, hazards."),
        _f("time_zone", T.STRING, False, 64, doc=_TZ),
    ), "A service site of a client (a client has one or many)."),
    ResourceSpec("technicians", "Technician", (
        _f("first_name", T.STRING, False, 80),
        _f("last_name", T.STRING, True, 80),
        _f("email", T.EMAIL, False, 254, doc="Matched (case-insensitively) against Salesforce user names/e-mails."),
        _f("phone", T.PHONE, False, 40),
        _f("role", T.ENUM, True, enum=("technician", "senior_technician", "dispatcher", "supervisor", "manager",
                                       "subcontractor")),
        _f("active", T.BOOLEAN, True),
        _f("employee_number", T.STRING, False, 40),
        _f("skills", T.ARRAY, doc="Skill tags (array of strings)."),
        _f("time_zone", T.STRING, False, 64, doc=_TZ),
    ), "A field technician, dispatcher or office user."),
    ResourceSpec("parts", "Part", (
        _f("part_number", T.STRING, True, 40, doc="Unique within the tenant."),
        _f("name", T.STRING, True, 255),
        _f("description", T.TEXT, False, 4000),
        _f("manufacturer", T.STRING, False, 128),
        _f("category", T.STRING, False, 80),
        _f("unit_of_measure", T.ENUM, enum=("each", "box", "pack", "ft", "m", "l", "kg", "hour")),
        _f("unit_cost", T.NUMBER, doc=_MONEY),
        _f("unit_price", T.NUMBER, doc=_MONEY),
        _f("currency", T.STRING, False, 3, doc=_CURRENCY),
        _f("active", T.BOOLEAN),
    ), "The parts and products catalog."),
    ResourceSpec("projects", "Project", (
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("name", T.STRING, True, 255),
        _f("code", T.STRING, False, 40),
        _f("billable", T.BOOLEAN, True, doc="Whether the project carries billable revenue."),
        _f("budget", T.NUMBER, doc=_MONEY),
        _f("currency", T.STRING, False, 3, doc=_CURRENCY),
        _f("status", T.ENUM, True, enum=("planned", "active", "on_hold", "completed", "cancelled")),
        _f("start_date", T.DATE),
        _f("projected_end_date", T.DATE),
        _f("manager_technician_id", T.REFERENCE, ref="technicians"),
        _f("primary_work_order_id", T.REFERENCE, ref="work_orders",
           doc="The project's lead work order (work orders in turn reference their project)."),
        _f("description", T.TEXT, False, 32000),
    ), "A group of work orders delivered for a client."),
    ResourceSpec("contracts", "Contract", (
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("contract_number", T.STRING, True, 40, doc="Unique within the tenant."),
        _f("name", T.STRING, False, 255),
        _f("contract_type", T.ENUM, enum=("maintenance", "service_level", "warranty", "time_and_materials")),
        _f("status", T.ENUM, True, enum=("draft", "active", "expired", "cancelled", "renewed")),
        _f("start_date", T.DATE, True),
        _f("end_date", T.DATE),
        _f("billing_frequency", T.ENUM, enum=("monthly", "quarterly", "annually", "one_time")),
        _f("value", T.NUMBER, doc=_MONEY),
        _f("currency", T.STRING, False, 3, doc=_CURRENCY),
        _f("auto_renew", T.BOOLEAN),
        _f("line_items", T.ARRAY, doc="Contract lines: id, description, part_id, quantity, unit_price."),
        _f("service_levels", T.ARRAY,
           doc="Service-level terms: priority, response_time_hours, resolution_time_hours, coverage."),
    ), "A service agreement with a client."),
    ResourceSpec("assets", "Asset", (
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("location_id", T.REFERENCE, ref="locations"),
        _f("name", T.STRING, True, 255),
        _f("serial_number", T.STRING, False, 80),
        _f("part_id", T.REFERENCE, ref="parts", doc="Product reference in the parts catalog."),
        _f("manufacturer", T.STRING, False, 128),
        _f("model", T.STRING, False, 128),
        _f("install_date", T.DATE),
        _f("warranty_expires_on", T.DATE),
        _f("status", T.ENUM, True, enum=("active", "in_repair", "retired", "decommissioned", "spare")),
    ), "Installed equipment at a client's site."),
    ResourceSpec("work_orders", "Work order", (
        _f("number", T.STRING, True, 40, doc="Human-facing work order number, unique within the tenant."),
        _f("type", T.ENUM, True, enum=("break_fix", "support_request", "preventive_maintenance",
                                       "scheduled_service", "installation")),
        _f("status", T.ENUM, True, enum=("new", "scheduled", "dispatched", "in_progress", "on_hold", "completed",
                                         "cancelled", "closed")),
        _f("priority", T.ENUM, True, enum=_PRIORITY),
        _f("summary", T.STRING, True, 255),
        _f("description", T.TEXT, False, 32000),
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("location_id", T.REFERENCE, ref="locations"),
        _f("contact_id", T.REFERENCE, ref="client_contacts"),
        _f("technician_id", T.REFERENCE, ref="technicians", doc="The assigned (owning) technician."),
        _f("asset_id", T.REFERENCE, ref="assets"),
        _f("contract_id", T.REFERENCE, ref="contracts"),
        _f("project_id", T.REFERENCE, ref="projects"),
        _f("scheduled_start", T.DATETIME),
        _f("scheduled_end", T.DATETIME),
        _f("completed_at", T.DATETIME),
        _f("source", T.ENUM, enum=("phone", "email", "portal", "mobile", "recurring_schedule")),
    ), "A job: reactive (break/fix, support request) or planned (maintenance, scheduled service, installation)."),
    ResourceSpec("work_order_tasks", "Work order task", (
        _f("work_order_id", T.REFERENCE, True, ref="work_orders"),
        _f("sequence", T.INTEGER),
        _f("subject", T.STRING, True, 255),
        _f("status", T.ENUM, True, enum=("open", "in_progress", "done", "skipped")),
        _f("priority", T.ENUM, enum=("low", "normal", "high")),
        _f("technician_id", T.REFERENCE, ref="technicians"),
        _f("scheduled_start", T.DATETIME),
        _f("scheduled_end", T.DATETIME),
        _f("completed_at", T.DATETIME),
        _f("estimated_minutes", T.INTEGER),
    ), "A checklist step of a work order."),
    ResourceSpec("parts_used", "Part used", (
        _f("work_order_id", T.REFERENCE, True, ref="work_orders"),
        _f("asset_id", T.REFERENCE, ref="assets"),
        _f("part_id", T.REFERENCE, True, ref="parts"),
        _f("technician_id", T.REFERENCE, ref="technicians"),
        _f("quantity", T.NUMBER, True),
        _f("unit_cost", T.NUMBER, doc=_MONEY),
        _f("total_cost", T.NUMBER, doc=_MONEY),
        _f("used_at", T.DATETIME),
    ), "A part consumed on a work order (inventory line)."),
    ResourceSpec("invoices", "Invoice", (
        _f("number", T.STRING, True, 40, doc="Unique within the tenant."),
        _f("client_id", T.REFERENCE, True, ref="clients"),
        _f("work_order_id", T.REFERENCE, ref="work_orders"),
        _f("contract_id", T.REFERENCE, ref="contracts"),
        _f("status", T.ENUM, True, enum=("draft", "sent", "partially_paid", "paid", "overdue", "void")),
        _f("issue_date", T.DATE),
        _f("due_date", T.DATE),
        _f("currency", T.STRING, False, 3, doc=_CURRENCY),
        _f("subtotal", T.NUMBER, doc=_MONEY),
        _f("tax", T.NUMBER, doc=_MONEY),
        _f("total", T.NUMBER, doc=_MONEY),
        _f("balance", T.NUMBER, doc=_MONEY + " Outstanding: total less payments."),
        _f("payments", T.ARRAY, doc="Payment lines: id, received_on, amount, method, reference."),
    ), "A bill to a client, with its payment lines."),
    ResourceSpec("notes", "Note", (
        _f("parent_resource", T.ENUM, True, enum=PARENT_RESOURCES),
        _f("parent_id", T.REFERENCE, True, ref="*", doc="Id of the record named by parent_resource."),
        _f("author_technician_id", T.REFERENCE, ref="technicians"),
        _f("body", T.TEXT, True, 32000, doc="Plain text, or HTML when body_format is html (may be malformed)."),
        _f("body_format", T.ENUM, True, enum=("text", "html")),
        _f("visibility", T.ENUM, enum=("internal", "client_visible")),
    ), "A note on a work order or another record."),
    ResourceSpec("attachments", "Attachment", (
        _f("parent_resource", T.ENUM, True, enum=PARENT_RESOURCES),
        _f("parent_id", T.REFERENCE, True, ref="*", doc="Id of the record named by parent_resource."),
        _f("file_name", T.STRING, True, 255),
        _f("content_type", T.STRING, False, 255),
        _f("size_bytes", T.INTEGER, True),
        _f("sha256", T.STRING, True, 64, doc="Hex SHA-256 of the file body."),
        _f("description", T.STRING, False, 1000),
        _f("uploaded_by_technician_id", T.REFERENCE, ref="technicians"),
    ), "File metadata; the body is at /attachments/{id}/content."),
    ResourceSpec("activities", "Activity", (
        _f("type", T.ENUM, True, enum=("call", "email", "meeting")),
        _f("subject", T.STRING, True, 255),
        _f("direction", T.ENUM, enum=("inbound", "outbound", "internal")),
        _f("started_at", T.DATETIME, True),
        _f("duration_minutes", T.INTEGER),
        _f("client_id", T.REFERENCE, ref="clients"),
        _f("contact_id", T.REFERENCE, ref="client_contacts"),
        _f("work_order_id", T.REFERENCE, ref="work_orders"),
        _f("owner_technician_id", T.REFERENCE, ref="technicians"),
        _f("participants", T.ARRAY, doc="People involved: name, email, kind (technician, contact, external)."),
        _f("body", T.TEXT, False, 32000),
        _f("outcome", T.ENUM, enum=("completed", "no_answer", "left_voicemail", "scheduled", "cancelled")),
    ), "A logged call, e-mail or meeting."),
    ResourceSpec("custom_tables", "Custom table", (
        _f("key", T.STRING, True, 40, doc="Path segment of the table's rows; equals the record id."),
        _f("name", T.STRING, True, 80),
        _f("description", T.TEXT, False, 1000),
        _f("parent_resource", T.ENUM, enum=PARENT_RESOURCES, doc="The resource rows usually hang from."),
        _f("active", T.BOOLEAN),
    ), "A table the tenant defined (inspection forms, signatures, logs). Its columns are not documented."),
    ResourceSpec("workflows", "Workflow", (
        _f("name", T.STRING, True, 255),
        _f("description", T.TEXT, False, 4000),
        _f("category", T.ENUM, enum=("dispatch", "notification", "escalation", "scheduling", "billing")),
        _f("active", T.BOOLEAN, True),
        _f("trigger", T.OBJECT, True, doc="type, resource, field, schedule, offset_minutes."),
        _f("condition_logic", T.STRING, False, 255, doc="all, any, or an expression over condition indexes."),
        _f("conditions", T.ARRAY, doc="index, field, operator, value."),
        _f("actions", T.ARRAY, doc="index, type, params."),
        _f("last_fired_at", T.DATETIME),
    ), "A dispatch or notification rule: trigger, conditions, actions."),
    ResourceSpec("mobile_devices", "Mobile device", (
        _f("technician_id", T.REFERENCE, True, ref="technicians"),
        _f("device_name", T.STRING, False, 128),
        _f("platform", T.ENUM, True, enum=("ios", "android")),
        _f("os_version", T.STRING, False, 40),
        _f("app_version", T.STRING, False, 40),
        _f("last_seen_at", T.DATETIME),
        _f("last_synced_at", T.DATETIME),
        _f("sync_status", T.ENUM, True, enum=("synced", "pending", "conflict")),
        _f("pending_change_count", T.INTEGER, True),
        _f("pending_changes", T.ARRAY,
           doc="Changes captured offline, not yet on the server: change_id, resource, record_id, operation, "
               "captured_at, fields."),
    ), "A technician's phone or tablet running the offline-capable app."),
)

CUSTOM_TABLE_ROWS = ResourceSpec("custom_table_rows", "Custom table row", (
    _f("table_key", T.STRING, True, 40),
    _f("parent_resource", T.ENUM, enum=PARENT_RESOURCES),
    _f("parent_id", T.REFERENCE, ref="*"),
), "A row of a custom table; its columns are in custom_fields.")

TOMBSTONE_FIELDS: tuple[FieldSpec, ...] = (
    _f("resource", T.STRING, True, 80, doc="The resource the record belonged to (custom_tables/<key>/rows for rows)."),
    _f("id", T.ID, True, 64, doc="The deleted record's id."),
    _f("deleted_at", T.DATETIME, True),
)

RESOURCES: dict[str, ResourceSpec] = {
    spec.resource: ResourceSpec(spec.resource, spec.label, COMMON_FIELDS + spec.fields, spec.description)
    for spec in _SPECS
}
_ROWS_SPEC = ResourceSpec(CUSTOM_TABLE_ROWS.resource, CUSTOM_TABLE_ROWS.label,
                          COMMON_FIELDS + CUSTOM_TABLE_ROWS.fields, CUSTOM_TABLE_ROWS.description)


def resource_spec(resource: str) -> ResourceSpec:
    """The spec of a list resource; ``custom_tables/<key>/rows`` resolves to the row spec."""
    if resource.startswith("custom_tables/"):
        return _ROWS_SPEC
    return RESOURCES[resource]


def iter_specs() -> Iterator[ResourceSpec]:
    """Every resource spec including custom table rows, in documentation order."""
    yield from RESOURCES.values()
    yield _ROWS_SPEC
