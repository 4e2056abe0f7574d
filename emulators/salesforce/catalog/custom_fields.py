"""Custom fields: a Metadata API field definition → the :class:`FieldSchema` Salesforce would describe.

:class:`CustomFieldSpec` mirrors the ``<CustomField>`` elements st2sf generates; :func:`custom_field`
validates it the way a deploy does and maps it to describe attributes:

================== ======================================================================================
Metadata type      describe
================== ======================================================================================
Text(length)       string, length 1–255
TextArea           textarea, length 255 (filterable, plaintextarea)
LongTextArea(len)  textarea, length 256–131072, not filterable/sortable/groupable
Html(len)          textarea, htmlFormatted, richtextarea, length 256–131072
Number(p, s)       double, precision p ≤ 18, scale s ≤ p (always double, even with scale 0)
Currency(p, s)     currency; Percent(p, s) → percent
Date / DateTime / Time   date / datetime / time
Checkbox           boolean, not nillable, defaultedOnCreate, defaultValue false|true
Email / Phone / Url      email 80 / phone 40 / url 255
Picklist           picklist 255, values, restrictedPicklist, default → defaultValue + defaultedOnCreate
MultiselectPicklist multipicklist 4099
Lookup             reference 18 → [target]; relationshipName X__r; child relationship <name>__r;
                   deleteConstraint SetNull (nillable) | Restrict (restrictedDelete) | Cascade (cascadeDelete)
MasterDetail       reference, not nillable, cascade delete, updateable only when reparentable
AutoNumber         string 30, autoNumber, read-only, defaultedOnCreate
================== ======================================================================================

``externalId`` fields are ``idLookup`` (usable for upsert); ``unique`` / ``caseSensitive`` are kept.
A bad spec raises :class:`CustomSpecError` naming the field and saying what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from emulators.salesforce.catalog.errors import CustomSpecError
from emulators.salesforce.catalog.field_factory import derive_label, new_field, picklist_values
from emulators.salesforce.schema.model import FieldSchema, PicklistValue

__all__ = ["CustomFieldType", "DeleteConstraint", "CustomFieldSpec", "custom_field", "check_custom_name"]

_CUSTOM_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)__c$")
_MAX_NAME = 40  # characters before the __c suffix


class CustomFieldType(StrEnum):
    TEXT = "Text"
    TEXT_AREA = "TextArea"
    LONG_TEXT_AREA = "LongTextArea"
    HTML = "Html"
    NUMBER = "Number"
    CURRENCY = "Currency"
    PERCENT = "Percent"
    DATE = "Date"
    DATE_TIME = "DateTime"
    TIME = "Time"
    CHECKBOX = "Checkbox"
    EMAIL = "Email"
    PHONE = "Phone"
    URL = "Url"
    PICKLIST = "Picklist"
    MULTISELECT_PICKLIST = "MultiselectPicklist"
    LOOKUP = "Lookup"
    MASTER_DETAIL = "MasterDetail"
    AUTO_NUMBER = "AutoNumber"


class DeleteConstraint(StrEnum):
    SET_NULL = "SetNull"
    RESTRICT = "Restrict"
    CASCADE = "Cascade"


@dataclass(frozen=True, slots=True)
class CustomFieldSpec:
    """One custom field as the Metadata API defines it (``<CustomField>``)."""

    api_name: str
    type: str
    label: str | None = None
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    required: bool = False
    unique: bool = False
    external_id: bool = False
    case_sensitive: bool = False
    default_value: Any = None
    picklist_values: tuple[str | PicklistValue, ...] = ()
    restricted: bool = False
    reference_to: str | None = None
    relationship_name: str | None = None  # Metadata relationshipName: the child relationship, without __r
    delete_constraint: str = DeleteConstraint.SET_NULL
    reparentable: bool = False
    relationship_order: int = 0  # MasterDetail: 0 for the first master, 1 for the second
    inline_help_text: str | None = None


def check_custom_name(api_name: str, what: str = "custom field") -> None:
    """Raise :class:`CustomSpecError` unless ``api_name`` is a valid ``Name__c`` API name."""
    if not isinstance(api_name, str) or not _CUSTOM_NAME.match(api_name):
        raise CustomSpecError(
            f"{what} {api_name!r}: API names start with a letter, use letters, digits and single underscores, "
            f"do not end with an underscore, and end with '__c' (e.g. 'Budget_Amount__c')"
        )
    if len(api_name) - 3 > _MAX_NAME:
        raise CustomSpecError(f"{what} {api_name!r}: at most {_MAX_NAME} characters before '__c'")


def _fail(spec: CustomFieldSpec, problem: str) -> CustomSpecError:
    return CustomSpecError(f"custom field {spec.api_name} ({spec.type}): {problem}")


def _int(spec: CustomFieldSpec, attr: str, value: int | None, default: int | None, low: int, high: int) -> int:
    if value is None:
        if default is None:
            raise _fail(spec, f"{attr} is required (an integer from {low} to {high})")
        value = default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(spec, f"{attr} must be an integer from {low} to {high}, got {value!r}")
    return value


def _text(spec: CustomFieldSpec, kind: str, length: int, **extra: Any) -> dict[str, Any]:
    return {"field_type": kind, "length": length, **extra}


def _number(spec: CustomFieldSpec, kind: str) -> dict[str, Any]:
    precision = _int(spec, "precision", spec.precision, 18, 1, 18)
    scale = _int(spec, "scale", spec.scale, 0, 0, precision)
    return {"field_type": kind, "precision": precision, "scale": scale}


def _picklist(spec: CustomFieldSpec, kind: str, length: int) -> dict[str, Any]:
    if not spec.picklist_values:
        raise _fail(spec, "a picklist needs at least one value")
    default = spec.default_value if isinstance(spec.default_value, str) else None
    values = picklist_values(
        [{"value": v.value, "label": v.label, "active": v.active, "default": v.default} if isinstance(v, PicklistValue)
         else v for v in spec.picklist_values],
        default=default,
    )
    seen = [v.value.lower() for v in values]
    if len(seen) != len(set(seen)):
        raise _fail(spec, "picklist values must be unique (case-insensitively)")
    defaults = [v.value for v in values if v.default]
    if default is not None and default not in [v.value for v in values]:
        raise _fail(spec, f"default value {default!r} is not one of the picklist values")
    if kind == "picklist" and len(defaults) > 1:
        raise _fail(spec, f"only one default value is allowed, got {defaults}")
    out: dict[str, Any] = {"field_type": kind, "length": length, "picklist_values": values,
                           "restricted_picklist": spec.restricted}
    if defaults:
        out["default_value"] = defaults[0] if kind == "picklist" else ";".join(defaults)
        out["defaulted_on_create"] = True
    return out


def _reference(spec: CustomFieldSpec, master_detail: bool) -> dict[str, Any]:
    if not spec.reference_to:
        raise _fail(spec, "reference_to (the parent object) is required")
    if not spec.relationship_name:
        raise _fail(spec, "relationship_name (the child relationship name, e.g. 'Invoices') is required")
    if not re.match(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$", spec.relationship_name):
        raise _fail(spec, f"relationship_name {spec.relationship_name!r} must be letters, digits and single "
                          "underscores, starting with a letter and without a '__r' suffix")
    out: dict[str, Any] = {
        "field_type": "reference",
        "reference_to": (spec.reference_to,),
        "relationship_name": spec.api_name[:-3] + "__r",
        "child_relationship_name": spec.relationship_name + "__r",
    }
    if master_detail:
        if spec.relationship_order not in (0, 1):
            raise _fail(spec, "relationship_order must be 0 (first master) or 1 (second master)")
        out.update(nillable=False, cascade_delete=True, updateable=spec.reparentable,
                   extra={"relationshipOrder": spec.relationship_order})
        return out
    try:
        constraint = DeleteConstraint(spec.delete_constraint)
    except ValueError:
        raise _fail(spec, f"delete_constraint must be one of {[c.value for c in DeleteConstraint]}, "
                          f"got {spec.delete_constraint!r}") from None
    if spec.required and constraint is DeleteConstraint.SET_NULL:
        raise _fail(spec, "a required lookup cannot clear its value when the parent is deleted; "
                          "use delete_constraint 'Restrict' or 'Cascade'")
    out["restricted_delete"] = constraint is DeleteConstraint.RESTRICT
    out["cascade_delete"] = constraint is DeleteConstraint.CASCADE
    return out


def _shape(spec: CustomFieldSpec, kind: CustomFieldType) -> dict[str, Any]:
    match kind:
        case CustomFieldType.TEXT:
            return _text(spec, "string", _int(spec, "length", spec.length, None, 1, 255))
        case CustomFieldType.TEXT_AREA:
            return _text(spec, "textarea", 255)
        case CustomFieldType.LONG_TEXT_AREA:
            return _text(spec, "textarea", _int(spec, "length", spec.length, 32768, 256, 131072))
        case CustomFieldType.HTML:
            return _text(spec, "textarea", _int(spec, "length", spec.length, 32768, 256, 131072),
                         html_formatted=True)
        case CustomFieldType.NUMBER:
            return _number(spec, "double")
        case CustomFieldType.CURRENCY:
            return _number(spec, "currency")
        case CustomFieldType.PERCENT:
            return _number(spec, "percent")
        case CustomFieldType.DATE:
            return {"field_type": "date"}
        case CustomFieldType.DATE_TIME:
            return {"field_type": "datetime"}
        case CustomFieldType.TIME:
            return {"field_type": "time"}
        case CustomFieldType.CHECKBOX:
            default = False if spec.default_value is None else spec.default_value
            if not isinstance(default, bool):
                raise _fail(spec, f"a checkbox default must be true or false, got {spec.default_value!r}")
            return {"field_type": "boolean", "default_value": default}
        case CustomFieldType.EMAIL:
            return _text(spec, "email", 80)
        case CustomFieldType.PHONE:
            return _text(spec, "phone", 40)
        case CustomFieldType.URL:
            return _text(spec, "url", 255)
        case CustomFieldType.PICKLIST:
            return _picklist(spec, "picklist", 255)
        case CustomFieldType.MULTISELECT_PICKLIST:
            return _picklist(spec, "multipicklist", 4099)
        case CustomFieldType.LOOKUP:
            return _reference(spec, master_detail=False)
        case CustomFieldType.MASTER_DETAIL:
            return _reference(spec, master_detail=True)
        case CustomFieldType.AUTO_NUMBER:
            return _text(spec, "string", 30, auto_number=True, createable=False, updateable=False,
                         defaulted_on_create=True)
    raise _fail(spec, "unsupported type")  # pragma: no cover - the enum match above is exhaustive


_UNIQUE_TYPES = {CustomFieldType.TEXT, CustomFieldType.NUMBER, CustomFieldType.EMAIL, CustomFieldType.AUTO_NUMBER}
_REQUIRABLE = set(CustomFieldType) - {CustomFieldType.CHECKBOX, CustomFieldType.AUTO_NUMBER,
                                      CustomFieldType.MASTER_DETAIL}


def custom_field(spec: CustomFieldSpec) -> FieldSchema:
    """The :class:`FieldSchema` of a custom field, as Salesforce describes it after a deploy."""
    check_custom_name(spec.api_name)
    try:
        kind = CustomFieldType(spec.type)
    except ValueError:
        raise _fail(spec, f"unsupported type; use one of {[t.value for t in CustomFieldType]}") from None
    if spec.required and kind not in _REQUIRABLE:
        raise _fail(spec, "this type cannot be marked required (checkboxes always have a value, auto-numbers "
                          "are generated, master-detail fields are always required)")
    if (spec.unique or spec.external_id) and kind not in _UNIQUE_TYPES:
        raise _fail(spec, f"unique / external ID is only allowed on {sorted(t.value for t in _UNIQUE_TYPES)}")
    if spec.case_sensitive and not spec.unique:
        raise _fail(spec, "case_sensitive only applies to a unique field; set unique too")
    shape = _shape(spec, kind)
    field_type = shape.pop("field_type")
    extra = dict(shape.pop("extra", {}))
    if spec.inline_help_text:
        extra["inlineHelpText"] = spec.inline_help_text
    if field_type == "boolean":
        shape.setdefault("nillable", False)
    elif spec.required:
        shape["nillable"] = False
    return new_field(
        spec.api_name,
        field_type,
        label=spec.label or derive_label(spec.api_name),
        custom=True,
        unique=spec.unique,
        external_id=spec.external_id,
        case_sensitive=spec.case_sensitive,
        id_lookup=spec.external_id or kind is CustomFieldType.AUTO_NUMBER,
        extra=extra,
        **shape,
    )
