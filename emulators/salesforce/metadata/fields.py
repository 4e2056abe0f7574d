"""``<fields>`` of a CustomObject (or a CustomField file) → the catalog's :class:`CustomFieldSpec`.

=========================  ============================================================
Metadata element           CustomFieldSpec
=========================  ============================================================
fullName                   api_name (``Amount__c``; an object prefix ``Invoice__c.`` is dropped)
type, label, length,       same names
precision, scale
required, unique,          required, unique, external_id, case_sensitive
externalId, caseSensitive
defaultValue               Checkbox ``true``/``false``; a quoted text or a number literal
valueSet                   picklist_values (valueSetDefinition/value: fullName, label, default,
                           isActive), restricted
referenceTo,               reference_to, relationship_name, delete_constraint,
relationshipName, …        reparentable (reparentableMasterDetail), relationship_order
inlineHelpText             inline_help_text
=========================  ============================================================

Fields the emulator cannot evaluate are refused with a problem that says so: formula fields,
roll-up summaries, global value sets, and types outside the catalog (Location, EncryptedText …).
"""

from __future__ import annotations

from lxml import etree

from emulators.salesforce.catalog import CustomFieldSpec, CustomFieldType
from emulators.salesforce.metadata.xmlread import children, flag, number, q, text
from emulators.salesforce.schema.model import PicklistValue

__all__ = ["UnsupportedField", "field_spec", "field_name"]


class UnsupportedField(ValueError):
    """The field definition is valid Metadata but not something the emulator can model."""


def field_name(el: etree._Element) -> str:
    name = text(el, "fullName") or ""
    return name.rsplit(".", 1)[-1]


def _default(kind: str, raw: str | None) -> object:
    if raw is None:
        return None
    if kind == CustomFieldType.CHECKBOX:
        return raw.lower() == "true"
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    try:
        return float(raw) if "." in raw else int(raw)
    except ValueError:
        raise UnsupportedField(
            f"defaultValue {raw!r} is a formula; the org emulator supports literal defaults only"
        ) from None


def _picklist(el: etree._Element) -> tuple[tuple[PicklistValue, ...], bool]:
    value_set = el.find(q("valueSet"))
    if value_set is None:
        return (), False
    if text(value_set, "valueSetName"):
        raise UnsupportedField(
            f"valueSetName {text(value_set, 'valueSetName')!r}: global value sets are not supported by the org "
            "emulator; define the values in valueSetDefinition"
        )
    definition = value_set.find(q("valueSetDefinition"))
    values = []
    if definition is not None:
        for value in children(definition, "value"):
            name = text(value, "fullName") or ""
            values.append(
                PicklistValue(
                    value=name,
                    label=text(value, "label") or name,
                    active=flag(value, "isActive", True),
                    default=flag(value, "default"),
                )
            )
    return tuple(values), flag(value_set, "restricted")


def field_spec(el: etree._Element) -> CustomFieldSpec:
    """The spec of one ``<fields>`` / ``<CustomField>`` element (:class:`UnsupportedField` when it cannot be modelled)."""
    kind = text(el, "type") or ""
    if text(el, "formula") is not None:
        raise UnsupportedField("formula fields are not supported by the org emulator")
    if kind and kind not in {t.value for t in CustomFieldType}:
        raise UnsupportedField(f"fields of type {kind} are not supported by the org emulator")
    values, restricted = _picklist(el) if kind in ("Picklist", "MultiselectPicklist") else ((), False)
    return CustomFieldSpec(
        api_name=field_name(el),
        type=kind,
        label=text(el, "label"),
        length=number(el, "length"),
        precision=number(el, "precision"),
        scale=number(el, "scale"),
        required=flag(el, "required"),
        unique=flag(el, "unique"),
        external_id=flag(el, "externalId"),
        case_sensitive=flag(el, "caseSensitive"),
        default_value=_default(kind, text(el, "defaultValue")),
        picklist_values=values,
        restricted=restricted,
        reference_to=text(el, "referenceTo"),
        relationship_name=text(el, "relationshipName"),
        delete_constraint=text(el, "deleteConstraint") or "SetNull",
        reparentable=flag(el, "reparentableMasterDetail"),
        relationship_order=number(el, "relationshipOrder") or 0,
        inline_help_text=text(el, "inlineHelpText"),
    )
