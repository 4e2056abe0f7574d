"""Proposals to create: a custom field where no existing field fits, and the transform each value needs.

The new field is typed from what the source holds (the same table ``custom_fields: auto`` uses,
docs/mapping.md §3.3): text up to 255 → Text(255), longer → LongTextArea, integers and numbers →
Number(18, scale), yes/no → Checkbox, dates, datetimes, e-mail, phone, URL → their types, enumerations →
a Picklist whose values are the source values written for people (``in_progress`` → ``In Progress``),
references → a Lookup to the object the referenced resource lands in. Names come from the column's label
(``"Gate Code"`` → ``Gate_Code__c``), unique on the object.

:func:`steps_for` gives the transform a column needs on its way into a field of a given describe type:
custom-field values arrive untyped (``"1,250.00"``, ``"Y"``, ``"04/01/2023"``) and are parsed; datetimes are
read as instants; a datetime going into a date field says which calendar day it means.
"""

from __future__ import annotations

from typing import Any, Mapping

from control.mapping.expand import api_name_for
from control.mapping.inventory import FieldOrigin, SourceType
from control.mapping.propose.lexicon import phrase
from control.mapping.propose.source import SourceColumn
from control.mapping.targets import FieldKind, FieldSpec

__all__ = ["new_field_name", "new_field_spec", "steps_for", "pretty_value", "DATE_FORMATS"]

DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


def pretty_value(value: str) -> str:
    """A picklist value for people: ``in_progress`` → ``In Progress``; values with capitals are kept."""
    text = value.strip()
    if any(c.isupper() for c in text) or not text:
        return text[:255]
    return " ".join(w[:1].upper() + w[1:] for w in text.replace("_", " ").split())[:255]


def _label(column: SourceColumn) -> str:
    text = column.label if column.origin is FieldOrigin.CUSTOM or column.label != column.path else phrase(column.path)
    text = text.strip() or column.path
    return (text[:1].upper() + text[1:])[:40]


def new_field_name(column: SourceColumn, taken: set[str]) -> str:
    """``Gate_Code__c`` for "Gate Code", unique (ignoring case) among ``taken`` (names without ``__c``)."""
    base = column.label if column.origin is FieldOrigin.CUSTOM else column.path.replace(".", " ")
    if column.type is SourceType.REFERENCE:
        base = base.removesuffix("_id").removesuffix(" id")
    name = api_name_for(base, taken=taken)
    taken.add(name)
    return name + "__c"


def new_field_spec(column: SourceColumn, *, reference_to: str | None = None, relationship: str | None = None,
                   value_map: str | None = None) -> FieldSpec:
    """The custom field for ``column`` (see the module docstring)."""
    base: dict[str, Any] = {"label": _label(column),
                            "help": f"ServiceTracker {column.resource} field '{column.path}' ({column.type})."[:510]}
    kind = column.type
    if kind is SourceType.REFERENCE and reference_to:
        return FieldSpec(type=FieldKind.LOOKUP, reference_to=reference_to, relationship_name=relationship,
                         relationship_label=_label(column), delete_constraint="SetNull", **base)
    if kind is SourceType.ENUM and value_map:
        return FieldSpec(type=FieldKind.PICKLIST, value_map=value_map, restricted=False, **base)
    if kind is SourceType.INTEGER:
        return FieldSpec(type=FieldKind.NUMBER, precision=18, scale=0, **base)
    if kind is SourceType.NUMBER:
        return FieldSpec(type=FieldKind.NUMBER, precision=18, scale=min(column.scale if column.scale is not None
                                                                        else 2, 8), **base)
    if kind is SourceType.BOOLEAN:
        return FieldSpec(type=FieldKind.CHECKBOX, default_value="false", **base)
    if kind is SourceType.DATE:
        return FieldSpec(type=FieldKind.DATE, **base)
    if kind is SourceType.DATETIME:
        return FieldSpec(type=FieldKind.DATETIME, **base)
    if kind is SourceType.EMAIL:
        return FieldSpec(type=FieldKind.EMAIL, **base)
    if kind is SourceType.PHONE:
        return FieldSpec(type=FieldKind.PHONE, **base)
    if kind is SourceType.URL:
        return FieldSpec(type=FieldKind.URL, **base)
    if kind is SourceType.TEXT or (column.max_length or 0) > 255:
        return FieldSpec(type=FieldKind.LONG_TEXT_AREA, length=131072 if (column.max_length or 0) > 32768 else 32768,
                         visible_lines=4, **base)
    return FieldSpec(type=FieldKind.TEXT, length=255, **base)


def steps_for(column: SourceColumn, describe_type: str, *, value_map: str | None = None,
              lookup: Mapping[str, Any] | None = None) -> tuple[Any, ...]:
    """The transform steps (map YAML data) that take the column's values into a field of ``describe_type``;
    ``lookup``: the lookup's parameters for a reference (``{rule: route}`` or ``{resource: name}``)."""
    if lookup:
        return ({"lookup": dict(lookup)},)
    if value_map and describe_type in ("picklist", "multipicklist", "combobox"):
        return ({"value_map": value_map},)
    untyped = column.origin is FieldOrigin.CUSTOM
    kind = column.type
    if describe_type in ("double", "currency", "percent", "int", "long") and (untyped or kind not in (
            SourceType.INTEGER, SourceType.NUMBER)):
        scale = 0 if kind is SourceType.INTEGER or describe_type == "int" else min(column.scale or 2, 8)
        return ({"number": {"scale": scale}},)
    if describe_type == "boolean" and untyped:
        return ("boolean",)
    if describe_type == "date":
        if kind is SourceType.DATETIME:
            return ({"parse_date": {"from_datetime": "record_offset"}},)
        if untyped:
            return ({"parse_date": {"formats": DATE_FORMATS}},)
        return ()
    if describe_type == "datetime":
        return ({"parse_datetime": {"naive": "tenant"}},) if untyped else ("parse_datetime",)
    return ()
