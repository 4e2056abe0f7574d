"""Lookup integrity: a reference must name an existing, live record of an allowed type.

The checks, in Salesforce's order and with its codes:

* the Id's key prefix is not one of the field's ``referenceTo`` objects → FIELD_INTEGRITY_EXCEPTION
  (``"Account ID: id value of incorrect type: 003…"``), also for polymorphic WhoId/WhatId/OwnerId;
* no record has that Id → INVALID_CROSS_REFERENCE_KEY (``"invalid cross reference id"``);
* the record is in the recycle bin → ENTITY_IS_DELETED;
* an owner (``OwnerId``) that is an inactive user → INACTIVE_OWNER_OR_USER;
* a ``RecordTypeId`` of another object, or inactive → INVALID_CROSS_REFERENCE_KEY
  (``"Record Type ID: this ID value isn't valid for the user: 012…"``).
"""

from __future__ import annotations

from emulators.salesforce.dml.errors import RecordFailure
from emulators.salesforce.org.schemas import OrgSchemas
from emulators.salesforce.schema.model import FieldSchema
from emulators.salesforce.state.records import RecordStore

__all__ = ["check_reference"]


def check_reference(
    store: RecordStore, schemas: OrgSchemas, sobject: str, f: FieldSchema, target_id: str
) -> None:
    """Raise :class:`RecordFailure` unless ``target_id`` is a valid value of lookup ``f`` on ``sobject``."""
    target_type = schemas.by_prefix(target_id[:3])
    allowed = {t.lower() for t in f.reference_to}
    if target_type is None or target_type.lower() not in allowed:
        raise RecordFailure(
            "FIELD_INTEGRITY_EXCEPTION", f"{f.label}: id value of incorrect type: {target_id}", [f.name]
        )
    found = store.get(target_id)
    if found is None:
        if f.name == "RecordTypeId":
            raise _bad_record_type(f, target_id)
        raise RecordFailure("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
    if found.deleted:
        raise RecordFailure("ENTITY_IS_DELETED", "entity is deleted", [])
    if found.sobject == "User" and f.name == "OwnerId" and not found.data.get("IsActive", False):
        raise RecordFailure(
            "INACTIVE_OWNER_OR_USER",
            f"operation performed with inactive user [{target_id[:15]}] as owner of {sobject.lower()}",
            [],
        )
    if found.sobject == "RecordType":
        if found.data.get("SobjectType") != sobject or not found.data.get("IsActive", False):
            raise _bad_record_type(f, target_id)


def _bad_record_type(f: FieldSchema, target_id: str) -> RecordFailure:
    return RecordFailure(
        "INVALID_CROSS_REFERENCE_KEY",
        f"{f.label}: this ID value isn't valid for the user: {target_id}",
        [f.name],
    )
