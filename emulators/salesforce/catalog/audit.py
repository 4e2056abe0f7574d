"""Audit fields that become writable on insert when the org allows it.

With the org setting *Set Audit Fields upon Record Creation* on and the user holding the permission,
Salesforce lets the API set ``CreatedDate``, ``CreatedById``, ``LastModifiedDate`` and ``LastModifiedById``
**on insert** (never on update) for a fixed list of standard objects and for every custom object. The
describe then reports those four fields ``createable: true``. Without it they are ``createable: false`` and
a write fails with ``INVALID_FIELD_FOR_INSERT_UPDATE`` (the org runtime's rule).
"""

from __future__ import annotations

from dataclasses import replace

from emulators.salesforce.catalog.system_fields import AUDIT_FIELD_NAMES
from emulators.salesforce.schema.model import ObjectSchema

__all__ = ["AUDIT_FIELD_OBJECTS", "supports_audit_fields", "with_audit_fields_writable"]

AUDIT_FIELD_OBJECTS = frozenset(
    {"Account", "Case", "CaseComment", "Contact", "ContentVersion", "Contract", "Event", "Lead", "Opportunity", "Task"}
)
_AUDIT = frozenset(AUDIT_FIELD_NAMES)


def supports_audit_fields(schema: ObjectSchema) -> bool:
    """True for the standard objects in :data:`AUDIT_FIELD_OBJECTS` and every custom object (not settings)."""
    if schema.custom:
        return not schema.extra.get("customSetting")
    return schema.name in AUDIT_FIELD_OBJECTS


def with_audit_fields_writable(schema: ObjectSchema) -> ObjectSchema:
    """``schema`` with its audit fields createable on insert; unchanged when the object does not support it."""
    if not supports_audit_fields(schema):
        return schema
    fields = tuple(
        replace(f, createable=True) if f.name in _AUDIT and not f.createable else f for f in schema.fields
    )
    return replace(schema, fields=fields)
