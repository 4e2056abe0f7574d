"""The resources the extractor reads (contract §1, §2, §5, §7, §11), their scopes and their order.

A *resource* here is a staging name, and it is the API path under the base URL:

* the list resources of §11 (``clients``, ``work_orders``, …);
* the rows of one custom table: ``custom_tables/{key}/rows`` — the same name the API uses in
  ``/tenant`` record counts and in tombstones, so one vocabulary runs from the API to staging;
* the tombstone feed ``deleted_records`` (§5) is not a resource: its state is kept under
  :data:`TOMBSTONE_FEED`.

The order of :data:`LIST_RESOURCES` is the extraction order: parents before children, so progress is
meaningful early, and the admin-scope resources last (a key without ``admin:read`` fails late,
after the data a migration needs most).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "Scope",
    "ResourceInfo",
    "LIST_RESOURCES",
    "RESOURCE_NAMES",
    "TOMBSTONE_FEED",
    "ATTACHMENTS",
    "CUSTOM_TABLES",
    "rows_resource",
    "table_key_of",
    "resource_info",
]


class Scope(StrEnum):
    """The scopes an API key carries (§2)."""

    RECORDS_READ = "records:read"
    FILES_READ = "files:read"
    ADMIN_READ = "admin:read"


class ResourceInfo(NamedTuple):
    name: str
    scope: Scope
    label: str


LIST_RESOURCES: tuple[ResourceInfo, ...] = (
    ResourceInfo("clients", Scope.RECORDS_READ, "Client"),
    ResourceInfo("client_contacts", Scope.RECORDS_READ, "Client contact"),
    ResourceInfo("locations", Scope.RECORDS_READ, "Location"),
    ResourceInfo("technicians", Scope.RECORDS_READ, "Technician"),
    ResourceInfo("parts", Scope.RECORDS_READ, "Part"),
    ResourceInfo("projects", Scope.RECORDS_READ, "Project"),
    ResourceInfo("contracts", Scope.RECORDS_READ, "Contract"),
    ResourceInfo("assets", Scope.RECORDS_READ, "Asset"),
    ResourceInfo("work_orders", Scope.RECORDS_READ, "Work order"),
    ResourceInfo("work_order_tasks", Scope.RECORDS_READ, "Work order task"),
    ResourceInfo("parts_used", Scope.RECORDS_READ, "Part used"),
    ResourceInfo("invoices", Scope.RECORDS_READ, "Invoice"),
    ResourceInfo("notes", Scope.RECORDS_READ, "Note"),
    ResourceInfo("attachments", Scope.RECORDS_READ, "Attachment"),
    ResourceInfo("activities", Scope.RECORDS_READ, "Activity"),
    ResourceInfo("custom_tables", Scope.RECORDS_READ, "Custom table"),
    ResourceInfo("workflows", Scope.ADMIN_READ, "Workflow"),
    ResourceInfo("mobile_devices", Scope.ADMIN_READ, "Mobile device"),
)

RESOURCE_NAMES: tuple[str, ...] = tuple(r.name for r in LIST_RESOURCES)
TOMBSTONE_FEED = "deleted_records"
ATTACHMENTS = "attachments"
CUSTOM_TABLES = "custom_tables"

_ROWS_PREFIX = "custom_tables/"
_ROWS_SUFFIX = "/rows"


def rows_resource(table_key: str) -> str:
    """The resource (and API path) of a custom table's rows."""
    return f"{_ROWS_PREFIX}{table_key}{_ROWS_SUFFIX}"


def table_key_of(resource: str) -> str | None:
    """The custom table key of a rows resource, else ``None``."""
    if resource.startswith(_ROWS_PREFIX) and resource.endswith(_ROWS_SUFFIX):
        key = resource[len(_ROWS_PREFIX):-len(_ROWS_SUFFIX)]
        return key or None
    return None


def resource_info(resource: str) -> ResourceInfo:
    """The info of a list resource or of a custom table's rows."""
    for info in LIST_RESOURCES:
        if info.name == resource:
            return info
    key = table_key_of(resource)
    if key is not None:
        return ResourceInfo(resource, Scope.RECORDS_READ, f"Custom table '{key}' row")
    raise KeyError(resource)
