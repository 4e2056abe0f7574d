"""Render one :class:`FieldSchema` (and one :class:`ChildRelationship`) as Salesforce's describe JSON.

Every key a real field describe carries is emitted, in three layers, later layers winning:

1. **derived** — what Salesforce computes from the type (``soapType``, ``byteLength``, ``aggregatable``,
   ``polymorphicForeignKey`` …; see :mod:`field_rules`), and fixed values for features the emulator does
   not have (``encrypted``, ``mask``, ``inlineHelpText`` …);
2. **extra** — attributes kept verbatim from a real describe or set by an authoring path
   (``extraTypeInfo: personname``, ``permissionable``, ``relationshipOrder`` …);
3. **modelled** — the attributes :class:`FieldSchema` holds (type, length, nillable, createable …): these
   drive validation, so the describe can never disagree with what the record store enforces.

``cascadeDelete`` / ``restrictedDelete`` are the exception: a field-level describe reports them with a
meaning of its own (see :mod:`describe_convert`) — real standard fields report ``false`` even where the
parent cascades — so only custom fields render the model's delete flags, and a value in ``extra`` wins.

``permissionable`` (whether field-level security applies) is an admin fact per standard field; the derived
default — writable and nillable (or a custom checkbox), or a compound address — is Salesforce's rule for
custom fields and right for most standard ones.
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.catalog.describe_convert import FIELD_MODEL_KEYS
from emulators.salesforce.catalog.field_rules import byte_length, is_aggregatable, soap_type
from emulators.salesforce.schema.model import ChildRelationship, FieldSchema

__all__ = ["render_field", "render_child_relationship", "extra_type_info"]

_NOT_PREFILTERABLE = frozenset({"MasterRecordId", "RecordTypeId"})


def extra_type_info(field: FieldSchema) -> str | None:
    """``plaintextarea`` / ``richtextarea`` for text areas, else None (personname etc. come from ``extra``)."""
    if field.type == "textarea":
        return "richtextarea" if field.html_formatted else "plaintextarea"
    return None


def _derived(field: FieldSchema) -> dict[str, Any]:
    polymorphic = len(field.reference_to) > 1
    writable = field.createable or field.updateable
    return {
        "aggregatable": is_aggregatable(field.type, field.length),
        "aiPredictionField": False,
        "byteLength": byte_length(field.type, field.length),
        "calculatedFormula": None,
        "cascadeDelete": field.custom and field.cascade_delete,
        "defaultValueFormula": None,
        "dependentPicklist": field.controller_name is not None,
        "deprecatedAndHidden": False,
        "displayLocationInDecimal": False,
        "encrypted": field.type == "encryptedstring",
        "extraTypeInfo": extra_type_info(field),
        "filteredLookupInfo": None,
        "formulaTreatNullNumberAsZero": False,
        "highScaleNumber": False,
        "inlineHelpText": None,
        "mask": None,
        "maskType": None,
        "namePointing": polymorphic,
        "permissionable": field.type == "address"
        or ((field.nillable or (field.custom and field.type == "boolean")) and writable and not field.name_field),
        "polymorphicForeignKey": polymorphic,
        "queryByDistance": field.type in ("address", "location"),
        "referenceTargetField": None,
        "relationshipOrder": None,
        "restrictedDelete": field.custom and field.restricted_delete,
        "searchPrefilterable": (
            field.type == "reference"
            and field.nillable
            and field.relationship_name is not None
            and field.name not in _NOT_PREFILTERABLE
        ),
        "writeRequiresMasterRead": False,
    }


def _modelled(field: FieldSchema) -> dict[str, Any]:
    return {
        "autoNumber": field.auto_number,
        "calculated": field.calculated,
        "caseSensitive": field.case_sensitive,
        "compoundFieldName": field.compound_field_name,
        "controllerName": field.controller_name,
        "createable": field.createable,
        "custom": field.custom,
        "defaultValue": field.default_value,
        "defaultedOnCreate": field.defaulted_on_create,
        "digits": field.digits,
        "externalId": field.external_id,
        "filterable": field.filterable,
        "groupable": field.groupable,
        "htmlFormatted": field.html_formatted,
        "idLookup": field.id_lookup,
        "label": field.label,
        "length": field.length,
        "name": field.name,
        "nameField": field.name_field,
        "nillable": field.nillable,
        "picklistValues": [
            {"active": v.active, "defaultValue": v.default, "label": v.label, "validFor": None, "value": v.value}
            for v in field.picklist_values
        ],
        "precision": field.precision,
        "referenceTo": list(field.reference_to),
        "relationshipName": field.relationship_name,
        "restrictedPicklist": field.restricted_picklist,
        "scale": field.scale,
        "soapType": field.soap_type or soap_type(field.type),
        "sortable": field.sortable,
        "type": field.type,
        "unique": field.unique,
        "updateable": field.updateable,
    }


def render_field(field: FieldSchema) -> dict[str, Any]:
    """The describe JSON object of one field (keys sorted as Salesforce sends them)."""
    out = _derived(field)
    for key, value in field.extra.items():
        if key not in FIELD_MODEL_KEYS:
            out[key] = value
    out.update(_modelled(field))
    return dict(sorted(out.items()))


def render_child_relationship(rel: ChildRelationship) -> dict[str, Any]:
    return {
        "cascadeDelete": rel.cascade_delete,
        "childSObject": rel.child_sobject,
        "deprecatedAndHidden": False,
        "field": rel.field,
        "junctionIdListNames": [],
        "junctionReferenceTo": [],
        "relationshipName": rel.relationship_name,
        "restrictedDelete": rel.restricted_delete,
    }
