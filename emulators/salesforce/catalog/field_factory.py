"""Build :class:`FieldSchema` objects the way Salesforce shapes a field of a given type.

:func:`new_field` is the one constructor the authoring paths use (our standard-object data files, the
system fields, custom fields): it fills what Salesforce derives from the type — filterable, sortable and
groupable flags, the 18-character length of Ids and references, the non-nillable, defaulted shape of
checkboxes — and leaves everything else to the caller. :func:`derive_label` turns an API name into the
label Salesforce gives standard fields (``AccountId`` → ``Account ID``, ``IsClosed`` → ``Closed``).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from emulators.salesforce.catalog.field_rules import ID_LENGTH, capabilities
from emulators.salesforce.schema.model import FieldSchema, PicklistValue

__all__ = ["new_field", "derive_label", "picklist_values"]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def derive_label(api_name: str) -> str:
    """``AccountId`` → ``Account ID``; ``IsClosed`` → ``Closed``; ``Custom_Field__c`` → ``Custom Field``."""
    base = api_name[:-3] if api_name.endswith("__c") else api_name
    if "_" in base:
        return " ".join(part for part in base.split("_") if part)
    words = _WORD.findall(base)
    if len(words) > 1 and words[0] == "Is":
        words = words[1:]
    if len(words) > 1 and words[-1] == "Id":
        words[-1] = "ID"
    return " ".join(words) if words else api_name


def picklist_values(values: Iterable[Any], *, default: str | None = None) -> tuple[PicklistValue, ...]:
    """Picklist entries from plain strings or ``{value, label?, active?, default?}`` mappings."""
    out: list[PicklistValue] = []
    for item in values:
        if isinstance(item, bool) or item is None:
            raise ValueError(f"picklist value {item!r} is not text (quote it in YAML: 'no', 'yes', 'null' …)")
        if isinstance(item, (int, float)):
            item = str(item)
        if isinstance(item, str):
            out.append(PicklistValue(value=item, label=item, default=item == default))
        else:
            value = str(item["value"])
            out.append(
                PicklistValue(
                    value=value,
                    label=str(item.get("label", value)),
                    active=bool(item.get("active", True)),
                    default=bool(item.get("default", value == default)),
                )
            )
    return tuple(out)


def new_field(name: str, field_type: str, *, label: str | None = None, **attrs: Any) -> FieldSchema:
    """A field of ``field_type`` with Salesforce's type-derived defaults; ``attrs`` override them."""
    length = attrs.pop("length", 0)
    if field_type in ("id", "reference"):
        length = length or ID_LENGTH
    caps = capabilities(field_type, length)
    attrs.setdefault("filterable", caps.filterable)
    attrs.setdefault("sortable", caps.sortable)
    attrs.setdefault("groupable", caps.groupable)
    if field_type == "boolean":
        attrs.setdefault("nillable", False)
        attrs.setdefault("defaulted_on_create", True)
        attrs.setdefault("default_value", False)
    if field_type == "id":
        attrs.setdefault("nillable", False)
        attrs.setdefault("createable", False)
        attrs.setdefault("updateable", False)
        attrs.setdefault("defaulted_on_create", True)
        attrs.setdefault("id_lookup", True)
    return FieldSchema(name=name, type=field_type, label=label or derive_label(name), length=length, **attrs)
