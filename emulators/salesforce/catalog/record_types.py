"""Record types as the describe shows them (``recordTypeInfos``).

The org runtime owns the RecordType rows; it hands the describe renderer one :class:`RecordTypeInfo` per
record type of the object. Every object that supports record types also has the **Master** record type
``012000000000000AAA`` (the one records get when the object has no other); the renderer adds it when the
caller's list has no master. Objects that do not support record types (OpportunityContactRole, User,
CaseComment …) describe an empty list, as Salesforce does.

An object shows a ``RecordTypeId`` field only once it has a record type besides Master (the recorded
Account has one, the recorded Contact does not): :func:`with_record_type_field` adds it, after the name field
as Salesforce places it, when the org runtime creates the first one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, NamedTuple

from emulators.salesforce.catalog.errors import CatalogError
from emulators.salesforce.catalog.field_factory import new_field
from emulators.salesforce.schema.model import ObjectSchema

__all__ = [
    "RecordTypeInfo",
    "MASTER_RECORD_TYPE_ID",
    "MASTER_RECORD_TYPE",
    "RECORD_TYPE_OBJECTS",
    "supports_record_types",
    "render_record_type_infos",
    "with_record_type_field",
]

MASTER_RECORD_TYPE_ID = "012000000000000AAA"

# Standard objects of our catalog on which Salesforce lets an admin create record types.
RECORD_TYPE_OBJECTS = frozenset(
    {"Account", "Asset", "Campaign", "Case", "Contact", "ContentVersion", "Contract", "Event", "Lead",
     "Opportunity", "Product2", "Solution", "Task"}
)


class RecordTypeInfo(NamedTuple):
    """One record type of an object, as the org runtime reads it from its RecordType rows."""

    id: str
    developer_name: str
    name: str
    active: bool = True
    default: bool = False  # the running user's default record type for the object
    master: bool = False
    business_process_id: str | None = None


MASTER_RECORD_TYPE = RecordTypeInfo(
    id=MASTER_RECORD_TYPE_ID, developer_name="Master", name="Master", active=True, default=True, master=True
)


def supports_record_types(schema: ObjectSchema) -> bool:
    """True for custom objects (not custom settings) and the standard objects that allow record types."""
    if schema.extra.get("customSetting"):
        return False
    return schema.custom or schema.name in RECORD_TYPE_OBJECTS


def _with_master(record_types: Iterable[RecordTypeInfo]) -> list[RecordTypeInfo]:
    infos = list(record_types)
    if not any(rt.master for rt in infos):
        has_default = any(rt.default for rt in infos)
        infos.append(MASTER_RECORD_TYPE._replace(default=not has_default))
    return infos


def render_record_type_infos(
    schema: ObjectSchema, record_types: Iterable[RecordTypeInfo], data_base: str
) -> list[dict[str, Any]]:
    """``recordTypeInfos`` of ``schema``'s describe; ``data_base`` is ``{prefix}/services/data/vNN.N``."""
    if not supports_record_types(schema):
        return []
    return [
        {
            "active": rt.active,
            "available": rt.active,
            "defaultRecordTypeMapping": rt.default,
            "developerName": rt.developer_name,
            "master": rt.master,
            "name": rt.name,
            "recordTypeId": rt.id,
            "urls": {"layout": f"{data_base}/sobjects/{schema.name}/describe/layouts/{rt.id}"},
        }
        for rt in _with_master(record_types)
    ]


def with_record_type_field(schema: ObjectSchema) -> ObjectSchema:
    """``schema`` with its ``RecordTypeId`` field (unchanged if present); objects without record types raise."""
    if schema.field("RecordTypeId") is not None:
        return schema
    if not supports_record_types(schema):
        raise CatalogError(f"{schema.name} does not support record types")
    field = new_field(
        "RecordTypeId", "reference", label="Record Type ID", reference_to=("RecordType",),
        relationship_name="RecordType", extra={"permissionable": False},
    )
    anchor = schema.name_field() or schema.fields[0]
    at = schema.fields.index(anchor) + 1
    return replace(schema, fields=schema.fields[:at] + (field,) + schema.fields[at:])
