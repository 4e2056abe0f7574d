"""The system fields Salesforce adds to objects: Id, IsDeleted, OwnerId, the audit fields, activity and MRU dates.

Their describe shape is Salesforce's (read off real describes): all are read-only to the API and
``defaultedOnCreate``, except ``OwnerId`` which is createable and updateable (defaulted to the running user).
The four audit fields (``CreatedDate``, ``CreatedById``, ``LastModifiedDate``, ``LastModifiedById``) are
``createable: false`` here; :func:`emulators.salesforce.catalog.audit.with_audit_fields_writable` makes them
createable where the org allows setting audit fields on insert.

Groups, used by our standard-object data files (``- system: audit``) and by :func:`custom_object`:

=============== ==========================================================================
``id``          Id
``is_deleted``  IsDeleted
``owner``       OwnerId → User (overridable: ``to: [Group, User]``, label)
``audit``       CreatedDate, CreatedById, LastModifiedDate, LastModifiedById, SystemModstamp
``activity``    LastActivityDate
``viewed``      LastViewedDate, LastReferencedDate
=============== ==========================================================================
"""

from __future__ import annotations

from typing import Any, Callable

from emulators.salesforce.catalog.field_factory import new_field
from emulators.salesforce.schema.model import FieldSchema

__all__ = [
    "AUDIT_FIELD_NAMES",
    "SYSTEM_GROUPS",
    "system_fields",
    "id_field",
    "is_deleted_field",
    "owner_field",
    "audit_fields",
    "last_activity_field",
    "viewed_fields",
]

AUDIT_FIELD_NAMES = ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById")

_READ_ONLY: dict[str, Any] = {"createable": False, "updateable": False}


def id_field(object_label: str, *, label: str | None = None) -> FieldSchema:
    return new_field("Id", "id", label=label or f"{object_label} ID")


def is_deleted_field() -> FieldSchema:
    return new_field("IsDeleted", "boolean", label="Deleted", **_READ_ONLY)


def owner_field(*, to: tuple[str, ...] = ("User",), label: str = "Owner ID") -> FieldSchema:
    return new_field(
        "OwnerId",
        "reference",
        label=label,
        nillable=False,
        defaulted_on_create=True,
        reference_to=tuple(to),
        relationship_name="Owner",
    )


def _user_stamp(name: str, label: str, relationship: str) -> FieldSchema:
    return new_field(
        name,
        "reference",
        label=label,
        nillable=False,
        defaulted_on_create=True,
        reference_to=("User",),
        relationship_name=relationship,
        **_READ_ONLY,
    )


def _time_stamp(name: str, label: str) -> FieldSchema:
    return new_field(name, "datetime", label=label, nillable=False, defaulted_on_create=True, **_READ_ONLY)


def audit_fields() -> tuple[FieldSchema, ...]:
    return (
        _time_stamp("CreatedDate", "Created Date"),
        _user_stamp("CreatedById", "Created By ID", "CreatedBy"),
        _time_stamp("LastModifiedDate", "Last Modified Date"),
        _user_stamp("LastModifiedById", "Last Modified By ID", "LastModifiedBy"),
        _time_stamp("SystemModstamp", "System Modstamp"),
    )


def last_activity_field() -> FieldSchema:
    return new_field("LastActivityDate", "date", label="Last Activity", **_READ_ONLY)


def viewed_fields() -> tuple[FieldSchema, ...]:
    return (
        new_field("LastViewedDate", "datetime", label="Last Viewed Date", **_READ_ONLY),
        new_field("LastReferencedDate", "datetime", label="Last Referenced Date", **_READ_ONLY),
    )


def _owner_group(object_label: str, overrides: dict[str, Any]) -> tuple[FieldSchema, ...]:
    to = overrides.get("to", ("User",))
    to = (to,) if isinstance(to, str) else tuple(to)
    return (owner_field(to=to, label=overrides.get("label", "Owner ID")),)


SYSTEM_GROUPS: dict[str, Callable[[str, dict[str, Any]], tuple[FieldSchema, ...]]] = {
    "id": lambda label, o: (id_field(label, label=o.get("label")),),
    "is_deleted": lambda label, o: (is_deleted_field(),),
    "owner": _owner_group,
    "audit": lambda label, o: audit_fields(),
    "activity": lambda label, o: (last_activity_field(),),
    "viewed": lambda label, o: viewed_fields(),
}


def system_fields(group: str, object_label: str, overrides: dict[str, Any] | None = None) -> tuple[FieldSchema, ...]:
    """The fields of one system ``group`` (see the module docstring) for an object labelled ``object_label``."""
    try:
        build = SYSTEM_GROUPS[group]
    except KeyError:
        raise KeyError(f"unknown system field group {group!r}; known: {', '.join(SYSTEM_GROUPS)}") from None
    return build(object_label, dict(overrides or {}))
