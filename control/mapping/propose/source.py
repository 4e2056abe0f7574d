"""The source side of a proposal: every field of every resource as one flat :class:`SourceColumn`.

Two inputs meet here:

* the **source inventory** (:class:`~control.mapping.inventory.SourceInventory`): core fields with the
  contract's types, lengths, enums and references, and the custom fields and tables the audit found;
* the audit's **value profiles** (``spec.json`` → ``resources[].fields[]``): fill rate, sample values, top
  values, the inferred type of each custom field. Optional: without them the value scorer only has the
  declared enums to go by, and says so.

Flattening: an address or object field becomes its parts (``billing_address.city``); the ``custom_fields``
container is not a column (its keys are); an array stays one column (it needs an ``each`` route, which the
proposer leaves to a person) and the record ``id`` is marked as the record key (it always lands in the
external-Id field).

:func:`inventory_from_audit` builds an inventory from an audit specification alone: core fields from the
contract's packaged schema, custom fields typed as the audit inferred them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator, Mapping, NamedTuple

from control.errors import InputFileError
from control.mapping.inventory import (
    CUSTOM_PREFIX,
    FieldOrigin,
    ResourceKind,
    SourceField,
    SourceInventory,
    SourceResource,
    SourceType,
)
from control.mapping.inventory_adapters import inventory_from_schema_endpoint
from control.mapping.propose.lexicon import strip_prefix, vendor_prefixes

__all__ = ["ColumnRole", "SourceColumn", "AuditProfiles", "columns_of", "inventory_from_audit", "read_audit_spec",
           "source_prefixes"]

_MAX_SAMPLES = 8


class ColumnRole(StrEnum):
    DATA = "data"            # a value to map
    RECORD_KEY = "record_key"  # the record's id: the external-Id field
    NESTED = "nested"        # an array (needs an each route) or an object without known parts


class SourceColumn(NamedTuple):
    resource: str
    path: str                   # the map's source path: name, billing_address.city, custom_fields.<key>
    label: str                  # what its name says (custom key, the audit's label, the path)
    type: SourceType
    origin: FieldOrigin = FieldOrigin.CORE
    role: ColumnRole = ColumnRole.DATA
    required: bool = False
    max_length: int | None = None
    values: tuple[str, ...] | None = None   # the values it can hold (enum, picklist-like), when known
    samples: tuple[str, ...] = ()           # a few values seen (audit profile)
    fill_rate: float | None = None          # share of records with a value (audit profile)
    reference: str | None = None            # the resource it references
    scale: int | None = None

    @property
    def key(self) -> str:
        """``resource:path``: how decisions name this column."""
        return f"{self.resource}:{self.path}"


class AuditProfiles:
    """Value profiles from an audit specification, by resource and field path."""

    def __init__(self, spec: Mapping[str, Any] | None = None) -> None:
        self._by: dict[tuple[str, str], Mapping[str, Any]] = {}
        for entry in (spec or {}).get("resources", ()):
            resource = str(entry.get("resource", "")).removesuffix("/rows")
            for field in entry.get("fields", ()):
                name = str(field.get("name", ""))
                path = CUSTOM_PREFIX + name if field.get("origin") == "custom" else name
                self._by[(resource, path)] = field

    def __bool__(self) -> bool:
        return bool(self._by)

    def get(self, resource: str, path: str) -> Mapping[str, Any] | None:
        return self._by.get((resource, path))

    def items(self) -> Iterator[tuple[tuple[str, str], Mapping[str, Any]]]:
        return iter(self._by.items())


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _samples(profile: Mapping[str, Any] | None) -> tuple[str, ...]:
    if not profile:
        return ()
    seen: dict[str, None] = {}
    for item in profile.get("top_values") or ():
        value = item.get("value") if isinstance(item, Mapping) else item
        if value is not None and _text(value).strip():
            seen.setdefault(_text(value)[:200], None)
    for value in profile.get("samples") or ():
        if value is not None and _text(value).strip():
            seen.setdefault(_text(value)[:200], None)
    return tuple(seen)[:_MAX_SAMPLES]


def _picklist_values(profile: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    picklist = (profile or {}).get("picklist")
    if not picklist or not picklist.get("complete", True):
        return None
    return tuple(_text(v["value"]) for v in picklist.get("values", ()) if v.get("value") is not None)


def _column(resource: str, field: SourceField, path: str, profiles: AuditProfiles | None,
            parent_label: str | None = None, noise: frozenset[str] = frozenset()) -> SourceColumn:
    profile = profiles.get(resource, path) if profiles else None
    label = field.label or (path.removeprefix(CUSTOM_PREFIX) if field.origin is FieldOrigin.CUSTOM else
                            strip_prefix(path, noise))
    if parent_label:
        label = f"{parent_label} {label}"
    values = field.values if field.values is not None else _picklist_values(profile)
    role = ColumnRole.RECORD_KEY if path == "id" else (
        ColumnRole.NESTED if field.type in (SourceType.ARRAY, SourceType.OBJECT, SourceType.ADDRESS) else ColumnRole.DATA)
    fill = profile.get("fill_rate") if profile else None
    return SourceColumn(resource, path, label, field.type, field.origin, role, field.required, field.max_length,
                        values, _samples(profile), float(fill) if fill is not None else None, field.reference,
                        field.scale)


def source_prefixes(inventory: SourceInventory) -> frozenset[str]:
    """Vendor prefixes of the source's core field names (``hs_`` in ``hs_ticket_priority``): the lexical
    scorers read the names without them (:func:`~control.mapping.propose.lexicon.vendor_prefixes`)."""
    return vendor_prefixes(f.name for r in inventory.resources.values() for f in r.fields.values()
                           if f.origin is FieldOrigin.CORE)


def columns_of(resource: SourceResource, profiles: AuditProfiles | None = None,
               noise: frozenset[str] = frozenset()) -> list[SourceColumn]:
    """Every column of ``resource``, flattened (see the module docstring), in inventory order; ``noise``:
    vendor prefixes left out of the labels (:func:`source_prefixes`)."""
    out: list[SourceColumn] = []
    for field in resource.fields.values():
        if field.name == "custom_fields" and field.origin is FieldOrigin.CORE:
            continue
        if field.type in (SourceType.ADDRESS, SourceType.OBJECT) and field.fields:
            for part in field.fields:
                out.append(_column(resource.name, part._replace(origin=field.origin), f"{field.name}.{part.name}",
                                   profiles, parent_label=field.label or field.name))
            continue
        out.append(_column(resource.name, field, field.name, profiles, noise=noise))
    return out


# the audit's inferred kinds → source types
_INFERRED: dict[str, SourceType] = {
    "text": SourceType.STRING, "number": SourceType.NUMBER, "date": SourceType.DATE,
    "datetime": SourceType.DATETIME, "picklist-like": SourceType.ENUM, "boolean-like": SourceType.BOOLEAN,
    "e-mail": SourceType.EMAIL, "phone": SourceType.PHONE, "url": SourceType.URL, "id-like": SourceType.STRING,
    "unknown": SourceType.STRING,
}


def _custom_field(field: Mapping[str, Any]) -> SourceField:
    kind = _INFERRED.get(str(field.get("inferred_type", "text")), SourceType.STRING)
    length = (field.get("length") or {}).get("max")
    if kind is SourceType.STRING and length and length > 255:
        kind = SourceType.TEXT
    number = field.get("number") or {}
    if kind is SourceType.NUMBER and number.get("decimals") == 0:
        kind = SourceType.INTEGER
    values = _picklist_values(field) if kind is SourceType.ENUM else None
    if kind is SourceType.ENUM and not values:
        kind = SourceType.STRING
    return SourceField(CUSTOM_PREFIX + str(field["name"]), kind, FieldOrigin.CUSTOM, max_length=length,
                       values=values, scale=number.get("decimals") if kind is SourceType.NUMBER else None)


def inventory_from_audit(spec: Mapping[str, Any]) -> SourceInventory:
    """An inventory from an audit specification: the contract's core fields plus the discovered ones."""
    packaged = json.loads(files("control.servicetracker").joinpath("core_schema.json").read_text(encoding="utf-8"))
    core = inventory_from_schema_endpoint(packaged)
    resources: list[SourceResource] = []
    for entry in spec.get("resources", ()):
        name = str(entry.get("resource", "")).removesuffix("/rows")
        base = core.resource(name)
        fields: dict[str, SourceField] = dict(base.fields) if base else {}
        for field in entry.get("fields", ()):
            if field.get("origin") == "custom":
                made = _custom_field(field)
                fields[made.name] = made
        kind = ResourceKind.CUSTOM_TABLE if name.startswith("custom_tables/") else ResourceKind.RESOURCE
        label = base.label if base else name.rsplit("/", 1)[-1].replace("_", " ").title()
        resources.append(SourceResource(name, label, fields, kind))
    return SourceInventory(resources)


def read_audit_spec(path: Path) -> dict[str, Any]:
    """An audit's ``spec.json`` (clear error when it is not one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read: {exc.strerror}.", path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path} is not JSON: {exc.msg}.", path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise InputFileError(f"{path} is not an audit specification (no 'resources' list).", path=str(path),
                             hint="Pass the spec.json that `st2sf audit` wrote.")
    return data
