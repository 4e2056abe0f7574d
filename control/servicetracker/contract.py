"""The core-field rules of the contract (§8, §11): types, required, maximum lengths, enums, references.

These are ServiceTracker's *UI* rules (§3.3): stored data may break them, which is exactly what the audit
looks for. Two sources, same shape (the ``GET /schema`` entry):

* **the tenant** — ``GET /schema`` during an API extraction; staging keeps the answer
  (:meth:`control.staging.StagingStore.put_meta`) and the audit prefers it;
* **the packaged snapshot** ``core_schema.json`` beside this module — derived from the contract's
  JSON Schema file (``docs/servicetracker-api.schema.json``) by :func:`entries_from_json_schema`; used
  for export folders, which carry no schema. A test keeps the snapshot equal to the contract.

Custom fields and custom-table columns are *not* here: they have no schema anywhere and are
discovered from the data (:mod:`control.audit.infer`).
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, Iterable, Mapping, NamedTuple

__all__ = [
    "FieldRule",
    "ResourceRules",
    "CoreSchema",
    "ROWS_SCHEMA_NAME",
    "COMMON_KEYS",
    "entries_from_json_schema",
]

ROWS_SCHEMA_NAME = "custom_table_rows"  # the /schema name of every custom table's rows
COMMON_KEYS = ("id", "created_at", "updated_at", "custom_fields")
_JSON_SCHEMA_ROWS = "custom_table_row"
_NOT_RESOURCES = {"tombstone", "list_envelope", "single_envelope", "error", "schema_field", "schema_resource",
                  "tenant", "id", "datetime", "date", "custom_fields", "address", "contract_line_item",
                  "service_level", "payment", "participant", "workflow_trigger", "workflow_condition",
                  "workflow_action", "pending_change"}


class FieldRule(NamedTuple):
    name: str
    type: str  # id, string, text, email, phone, url, integer, number, boolean, date, datetime, enum, …
    required: bool
    max_length: int | None
    enum: tuple[str, ...] | None
    reference: str | None  # target resource; "*" = the one named by parent_resource


class ResourceRules(NamedTuple):
    resource: str
    label: str
    fields: tuple[FieldRule, ...]

    def field(self, name: str) -> FieldRule | None:
        for rule in self.fields:
            if rule.name == name:
                return rule
        return None


class CoreSchema:
    """Core-field rules per resource; rows of every custom table share :data:`ROWS_SCHEMA_NAME`."""

    def __init__(self, resources: Mapping[str, ResourceRules]) -> None:
        self._resources = dict(resources)

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, Any]]) -> "CoreSchema":
        """From ``GET /schema``'s ``data`` (a list of resource entries)."""
        found: dict[str, ResourceRules] = {}
        for entry in entries:
            rules = tuple(
                FieldRule(
                    name=str(f["name"]), type=str(f["type"]), required=bool(f.get("required")),
                    max_length=f.get("max_length"),
                    enum=tuple(f["enum"]) if f.get("enum") is not None else None,
                    reference=f.get("reference"),
                )
                for f in entry.get("fields", ())
            )
            found[str(entry["resource"])] = ResourceRules(str(entry["resource"]), str(entry.get("label") or ""), rules)
        return cls(found)

    @classmethod
    def packaged(cls) -> "CoreSchema":
        text = files("control.servicetracker").joinpath("core_schema.json").read_text(encoding="utf-8")
        return cls.from_entries(json.loads(text)["data"])

    def rules(self, resource: str) -> ResourceRules | None:
        """The rules of a resource (a custom table's rows resolve to :data:`ROWS_SCHEMA_NAME`)."""
        if resource in self._resources:
            return self._resources[resource]
        if resource.startswith("custom_tables/") and resource.endswith("/rows"):
            return self._resources.get(ROWS_SCHEMA_NAME)
        return None

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(self._resources)

    def entries(self) -> list[dict[str, Any]]:
        """The schema back in ``GET /schema`` entry form (what staging stores)."""
        return [
            {"resource": r.resource, "label": r.label,
             "fields": [{"name": f.name, "type": f.type, "required": f.required, "max_length": f.max_length,
                         "enum": list(f.enum) if f.enum is not None else None, "reference": f.reference}
                        for f in r.fields]}
            for r in self._resources.values()
        ]


def entries_from_json_schema(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``GET /schema``-shaped entries from the contract's JSON Schema (its ``x-st-*`` annotations)."""
    out: list[dict[str, Any]] = []
    for name, definition in document["$defs"].items():
        if name in _NOT_RESOURCES or "properties" not in definition:
            continue
        fields = []
        for field, prop in definition["properties"].items():
            if "x-st-type" not in prop:
                continue
            fields.append({
                "name": field, "type": prop["x-st-type"], "required": bool(prop.get("x-st-required", False)),
                "max_length": prop.get("x-st-max-length"), "enum": prop.get("x-st-enum"),
                "reference": prop.get("x-st-reference"),
            })
        resource = ROWS_SCHEMA_NAME if name == _JSON_SCHEMA_ROWS else name
        out.append({"resource": resource, "label": definition.get("title", ""), "fields": fields})
    return out
