"""What kind of value a field rule produces, and which Salesforce field types accept it.

The validator follows a value from its source field through each transform step to a
:class:`Produced` (kind, longest length, the values it can take) and compares it with the target
field's describe type. Custom-field values are *untyped* on the wire (§3.4 of the contract: "1,250.00"
or 1250, "Y" or true), so moving one into a number, checkbox or date field needs the transform that
parses it; a core field's JSON type is guaranteed and moves directly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from control.mapping.inventory import FieldOrigin, SourceField, SourceType

__all__ = ["Kind", "Produced", "from_source", "target_kind", "accepts", "literal_kind", "TEXT_TYPES"]


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    REFERENCE = "reference"
    BINARY = "binary"
    STRUCT = "structure"  # an address, object or array: use one of its parts, or join_items
    ANY = "any"


class Produced(NamedTuple):
    kind: Kind
    max_length: int | None = None
    values: tuple[str, ...] | None = None  # the values it can take (enum, value map), if known
    untyped: bool = False  # a custom-field value: its JSON type is not guaranteed
    reference_routes: tuple[str, ...] = ()  # for lookups: the routes whose records it points to
    reference_objects: tuple[str, ...] = ()  # …and their sObjects


_SOURCE_KIND = {
    SourceType.ID: Kind.TEXT, SourceType.STRING: Kind.TEXT, SourceType.TEXT: Kind.TEXT, SourceType.EMAIL: Kind.TEXT,
    SourceType.PHONE: Kind.TEXT, SourceType.URL: Kind.TEXT, SourceType.ENUM: Kind.TEXT,
    SourceType.REFERENCE: Kind.TEXT, SourceType.INTEGER: Kind.NUMBER, SourceType.NUMBER: Kind.NUMBER,
    SourceType.BOOLEAN: Kind.BOOLEAN, SourceType.DATE: Kind.DATE, SourceType.DATETIME: Kind.DATETIME,
    SourceType.ADDRESS: Kind.STRUCT, SourceType.OBJECT: Kind.STRUCT, SourceType.ARRAY: Kind.STRUCT,
}

TEXT_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "encryptedstring", "combobox", "id"})
_NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})


def from_source(field: SourceField) -> Produced:
    return Produced(_SOURCE_KIND[field.type], field.max_length, field.values,
                    untyped=field.origin is FieldOrigin.CUSTOM)


def literal_kind(value: object) -> Kind:
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, (int, float)):
        return Kind.NUMBER
    return Kind.TEXT


def target_kind(describe_type: str) -> Kind:
    if describe_type in TEXT_TYPES or describe_type in ("picklist", "multipicklist"):
        return Kind.TEXT
    if describe_type in _NUMBER_TYPES:
        return Kind.NUMBER
    return {"boolean": Kind.BOOLEAN, "date": Kind.DATE, "datetime": Kind.DATETIME, "reference": Kind.REFERENCE,
            "base64": Kind.BINARY}.get(describe_type, Kind.ANY)


_HINTS = {
    (Kind.TEXT, Kind.REFERENCE): "a reference needs a lookup transform (lookup or polymorphic_lookup)",
    (Kind.TEXT, Kind.NUMBER): "add a number transform to parse it",
    (Kind.TEXT, Kind.BOOLEAN): "add a boolean transform to read yes/no values",
    (Kind.TEXT, Kind.DATE): "add parse_date",
    (Kind.TEXT, Kind.DATETIME): "add parse_datetime with a naive-time policy",
    (Kind.DATE, Kind.DATETIME): "a calendar date has no time of day; map it to a Date field",
    (Kind.DATETIME, Kind.DATE): "add parse_date with from_datetime saying in which zone the day is read",
    (Kind.STRUCT, Kind.TEXT): "map one part (address.city) or use join_items",
}


def accepts(target_type: str, produced: Produced) -> str | None:
    """``None`` when a field of ``target_type`` takes the value; else what to change."""
    want = target_kind(target_type)
    have = produced.kind
    if want is Kind.ANY or have is Kind.ANY:
        return None
    if have is want:
        if produced.untyped and want in (Kind.NUMBER, Kind.BOOLEAN, Kind.DATE, Kind.DATETIME):
            return ("custom-field values arrive untyped (\"1,250.00\", \"Y\", \"04/01/2023\"); "
                    + _HINTS[(Kind.TEXT, want)])
        return None
    if want is Kind.TEXT and target_type not in ("picklist", "multipicklist") and have in (
            Kind.NUMBER, Kind.BOOLEAN, Kind.DATE, Kind.DATETIME):
        return None  # written as its text form
    return _HINTS.get((have, want), f"a {have} value cannot go into a {target_type} field")
