"""Adapters into the source inventory protocol, and reading an inventory file of any supported kind.

Three inputs, detected by shape:

* the st2sf inventory (``{"format": "st2sf.source-inventory/1", …}``) — what the audit writes;
* the contract's JSON Schema file (``{"$defs": {…}}``): core fields with their ``x-st-*`` rules and the
  nested shapes of addresses and arrays;
* the API's ``GET /schema`` reply (``{"data": [{"resource", "fields": […]}]}``): core fields only. Address
  parts and array element keys are not in that reply; the contract documents them (§8, §11), and they are
  filled in from :data:`DOCUMENTED_PARTS`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from control.errors import InputFileError
from control.mapping.inventory import (
    COMMON_FIELDS,
    INVENTORY_FORMAT,
    FieldOrigin,
    ResourceKind,
    SourceField,
    SourceInventory,
    SourceResource,
    SourceType,
)

__all__ = [
    "DOCUMENTED_PARTS",
    "inventory_from_contract_schema",
    "inventory_from_schema_endpoint",
    "read_inventory",
]

_S, _N, _D = SourceType.STRING, SourceType.NUMBER, SourceType.DATE

# The parts of nested core fields, as the contract documents them (§8 address, §11 array notes).
DOCUMENTED_PARTS: dict[str, tuple[SourceField, ...]] = {
    "address": tuple(SourceField(n, _S) for n in ("line1", "line2", "city", "region", "postal_code", "country")),
    "contracts.line_items": (SourceField("id", SourceType.ID), SourceField("description", _S),
                             SourceField("part_id", SourceType.REFERENCE, reference="parts"),
                             SourceField("quantity", _N), SourceField("unit_price", _N)),
    "contracts.service_levels": (SourceField("priority", SourceType.ENUM, values=("low", "normal", "high", "urgent")),
                                 SourceField("response_time_hours", _N), SourceField("resolution_time_hours", _N),
                                 SourceField("coverage", SourceType.ENUM,
                                             values=("business_hours", "extended_hours", "24x7"))),
    "invoices.payments": (SourceField("id", SourceType.ID), SourceField("received_on", _D),
                          SourceField("amount", _N),
                          SourceField("method", SourceType.ENUM, values=("card", "ach", "check", "cash", "other")),
                          SourceField("reference", _S)),
    "activities.participants": (SourceField("name", _S), SourceField("email", SourceType.EMAIL),
                                SourceField("kind", SourceType.ENUM, values=("technician", "contact", "external"))),
    "technicians.skills": (SourceField("", _S),),
}

# $defs that are not resources
_NOT_RESOURCES = {"custom_table_row"}


def _json_type(spec: Mapping[str, Any]) -> SourceType | None:
    kinds = spec.get("type")
    if isinstance(kinds, list):
        kinds = next((k for k in kinds if k != "null"), None)
    return {"string": _S, "number": _N, "integer": SourceType.INTEGER, "boolean": SourceType.BOOLEAN,
            "array": SourceType.ARRAY, "object": SourceType.OBJECT}.get(kinds or "")


_REF_TYPES = {"date": _D, "datetime": SourceType.DATETIME, "id": SourceType.ID}


def _ref_name(spec: Mapping[str, Any]) -> str | None:
    for option in (spec, *spec.get("anyOf", ())):
        if "$ref" in option:
            return str(option["$ref"]).rsplit("/", 1)[-1]
    return None


def _deref(defs: Mapping[str, Any], spec: Mapping[str, Any]) -> Mapping[str, Any]:
    name = _ref_name(spec)
    return defs[name] if name else spec


def _parts_from_schema(defs: Mapping[str, Any], spec: Mapping[str, Any]) -> tuple[SourceField, ...]:
    target = _deref(defs, spec)
    if target.get("type") == "array" or "items" in target:
        items = target.get("items", {})
        inner = _deref(defs, items)
        if "properties" not in inner:
            return (SourceField("", _json_type(inner) or _S),)
        target = inner
    parts = []
    for name, prop in target.get("properties", {}).items():
        kind = SourceType(prop["x-st-type"]) if "x-st-type" in prop else _REF_TYPES.get(_ref_name(prop) or "")
        if kind is None:
            kind = _json_type(prop) or _S
        values = prop.get("x-st-enum")
        parts.append(SourceField(name, SourceType.ENUM if values else kind,
                                 values=tuple(values) if values else None))
    return tuple(parts)


def inventory_from_contract_schema(schema: Mapping[str, Any]) -> SourceInventory:
    """Core fields of every resource in the contract's JSON Schema file (``$defs``)."""
    defs = schema.get("$defs", {})
    resources = []
    for name, spec in defs.items():
        props = spec.get("properties", {}) if isinstance(spec, Mapping) else {}
        if name in _NOT_RESOURCES or "custom_fields" not in props or "id" not in props:
            continue
        fields: dict[str, SourceField] = {}
        for field_name, prop in props.items():
            kind = SourceType(prop.get("x-st-type", "string"))
            parts: tuple[SourceField, ...] = ()
            if kind in (SourceType.ADDRESS, SourceType.ARRAY) or (kind is SourceType.OBJECT and field_name != "custom_fields"):
                parts = _parts_from_schema(defs, prop)
            values = prop.get("x-st-enum")
            fields[field_name] = SourceField(
                name=field_name, type=kind, origin=FieldOrigin.CORE, required=bool(prop.get("x-st-required")),
                max_length=prop.get("x-st-max-length"), values=tuple(values) if values else None,
                reference=prop.get("x-st-reference"), label=None, fields=parts)
        resources.append(SourceResource(name, spec.get("title", name), fields))
    return SourceInventory(resources)


def inventory_from_schema_endpoint(payload: Mapping[str, Any]) -> SourceInventory:
    """Core fields from a ``GET /schema`` reply; nested parts from :data:`DOCUMENTED_PARTS`."""
    resources = []
    for entry in payload.get("data", []):
        name = entry["resource"]
        if name == "custom_table_rows":
            continue
        fields: dict[str, SourceField] = {f.name: f for f in COMMON_FIELDS}
        for spec in entry.get("fields", []):
            kind = SourceType(spec["type"])
            parts = DOCUMENTED_PARTS.get("address") if kind is SourceType.ADDRESS else \
                DOCUMENTED_PARTS.get(f"{name}.{spec['name']}", ())
            fields[spec["name"]] = SourceField(
                name=spec["name"], type=kind, origin=FieldOrigin.CORE, required=bool(spec.get("required")),
                max_length=spec.get("max_length"), values=tuple(spec["enum"]) if spec.get("enum") else None,
                reference=spec.get("reference"), label=None, fields=tuple(parts or ()))
        resources.append(SourceResource(name, entry.get("label") or name, fields, ResourceKind.RESOURCE))
    return SourceInventory(resources)


def read_inventory(path: Path) -> SourceInventory:
    """Read an inventory file: the st2sf inventory, the contract's JSON Schema, or a ``GET /schema`` reply."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read: {exc.strerror}.", path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path} is not JSON: {exc.msg}.", path=str(path), line=exc.lineno) from None
    if isinstance(data, dict) and data.get("format") == INVENTORY_FORMAT:
        try:
            return SourceInventory.from_json(data)
        except (KeyError, ValueError, TypeError) as exc:
            raise InputFileError(f"{path} is not a valid st2sf inventory: {exc}.", path=str(path)) from None
    if isinstance(data, dict) and "$defs" in data:
        return inventory_from_contract_schema(data)
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return inventory_from_schema_endpoint(data)
    raise InputFileError(
        f"{path} is neither an st2sf inventory, the contract's JSON Schema, nor a GET /schema reply.",
        path=str(path), hint=f"An inventory starts with {{\"format\": \"{INVENTORY_FORMAT}\", …}}.")
