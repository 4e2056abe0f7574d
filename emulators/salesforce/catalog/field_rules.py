"""Type-driven facts about describe fields: what Salesforce derives from a field's type and size.

Real describes carry ~55 attributes per field, most of them a function of the field's describe ``type``
(and, for text areas, of its length). The rules here were read off recorded real describes (the cassettes
that ship with CumulusCI) and Salesforce's field reference, and serve two callers:

* the authoring paths (our standard-object data files, :func:`custom_field`) use
  :func:`capabilities` to give a field the filterable/sortable/groupable flags Salesforce would;
* the describe renderer uses :func:`soap_type`, :func:`byte_length` and friends for attributes a
  :class:`FieldSchema` does not model, unless the field carries the real value in ``extra``.

A text area longer than 255 characters is a "long" text area: Salesforce cannot filter, sort or group on it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "Capabilities",
    "capabilities",
    "soap_type",
    "byte_length",
    "is_aggregatable",
    "LONG_TEXT_THRESHOLD",
    "BYTES_PER_CHAR",
    "ID_LENGTH",
]

LONG_TEXT_THRESHOLD = 255
BYTES_PER_CHAR = 3  # describes report byteLength = 3 × length for text (UTF-8 worst case)
ID_LENGTH = 18

_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "long": "xsd:long",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "time": "xsd:time",
    "base64": "xsd:base64Binary",
    "address": "urn:address",
    "location": "urn:location",
    "anyType": "xsd:anyType",
    "complexvalue": "urn:JsonNode",
}
_TEXT_LIKE = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring"}
)
# Types Salesforce never groups by (GROUP BY rejects them).
_NOT_GROUPABLE = frozenset(
    {"address", "location", "combobox", "currency", "double", "percent", "datetime", "multipicklist", "base64",
     "anyType", "encryptedstring", "time", "long", "complexvalue"}
)
_NOT_SORTABLE = frozenset({"address", "location", "multipicklist", "base64", "anyType", "encryptedstring", "complexvalue"})
_NOT_FILTERABLE = frozenset({"base64", "complexvalue", "encryptedstring"})
_NOT_AGGREGATABLE = frozenset({"boolean", "address", "location", "base64", "anyType", "multipicklist", "complexvalue"})


class Capabilities(NamedTuple):
    filterable: bool
    sortable: bool
    groupable: bool


def _is_long_text(field_type: str, length: int) -> bool:
    return field_type == "textarea" and length > LONG_TEXT_THRESHOLD


def capabilities(field_type: str, length: int = 0) -> Capabilities:
    """The filterable / sortable / groupable flags Salesforce gives a field of this type and length."""
    if _is_long_text(field_type, length):
        return Capabilities(False, False, False)
    return Capabilities(
        filterable=field_type not in _NOT_FILTERABLE,
        sortable=field_type not in _NOT_SORTABLE,
        groupable=field_type not in _NOT_GROUPABLE,
    )


def is_aggregatable(field_type: str, length: int = 0) -> bool:
    return field_type not in _NOT_AGGREGATABLE and not _is_long_text(field_type, length)


def soap_type(field_type: str) -> str:
    """The ``soapType`` a describe reports for a field of this describe type."""
    return _SOAP_TYPES.get(field_type, "xsd:string")


def byte_length(field_type: str, length: int) -> int:
    """The ``byteLength`` a describe reports: 3 bytes per character for text, 18 for Ids, else 0."""
    if field_type in ("id", "reference"):
        return ID_LENGTH
    if field_type in _TEXT_LIKE:
        return length * BYTES_PER_CHAR
    return 0
