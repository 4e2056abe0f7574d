"""The source inventory protocol: what ServiceTracker holds, resource by resource, field by field.

``map validate`` checks source paths, types, lengths and picklist values against a
:class:`SourceInventory`; the generator types auto-mapped custom fields from it. The inventory is built
from two halves:

* **core fields** — from the contract's JSON Schema file (``docs/servicetracker-api.schema.json``) or from
  the API's ``GET /schema`` reply (adapters in :mod:`control.mapping.inventory_adapters`);
* **discovered custom fields and custom tables** — from the audit, which infers each key's type from
  the values it saw (the API has no list of them).

Its JSON form (``format: st2sf.source-inventory/1``) is what the audit writes and what the map folder
keeps as ``source-inventory.json``::

    {"format": "st2sf.source-inventory/1",
     "resources": [
       {"name": "work_orders", "label": "Work order", "kind": "resource", "parent_resource": null,
        "fields": [
          {"name": "priority", "type": "enum", "origin": "core", "required": true,
           "max_length": null, "values": ["low", "normal", "high", "urgent"], "reference": null},
          {"name": "custom_fields.Gate Code", "type": "string", "origin": "custom", "max_length": 12},
          {"name": "payments", "type": "array", "origin": "core", "fields": [{"name": "amount", "type": "number"}]}]},
       {"name": "custom_tables/inspection_forms", "label": "Inspection forms", "kind": "custom_table",
        "parent_resource": "work_orders", "fields": [...]}]}

Paths a map may use on a resource: a core field (``status``), a part of an address/object field
(``billing_address.city``), a custom field (``custom_fields.<key>``, the key verbatim, dots and spaces
included), the whole ``custom_fields`` object, and inside a route with ``each: <array>`` the element
(``$item``) or one of its keys (``$item.amount``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Iterable, Mapping, NamedTuple

__all__ = [
    "INVENTORY_FORMAT",
    "SourceType",
    "FieldOrigin",
    "ResourceKind",
    "SourceField",
    "SourceResource",
    "SourceInventory",
    "COMMON_FIELDS",
    "CUSTOM_PREFIX",
    "ITEM",
]

INVENTORY_FORMAT = "st2sf.source-inventory/1"
CUSTOM_PREFIX = "custom_fields."
ITEM = "$item"


class SourceType(StrEnum):
    """Source field types (the contract's ``GET /schema`` types; custom fields are typed by the audit)."""

    ID = "id"
    STRING = "string"
    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    REFERENCE = "reference"
    ADDRESS = "address"
    OBJECT = "object"
    ARRAY = "array"


class FieldOrigin(StrEnum):
    CORE = "core"
    CUSTOM = "custom"


class ResourceKind(StrEnum):
    RESOURCE = "resource"
    CUSTOM_TABLE = "custom_table"


class SourceField(NamedTuple):
    name: str
    type: SourceType
    origin: FieldOrigin = FieldOrigin.CORE
    required: bool = False
    max_length: int | None = None
    values: tuple[str, ...] | None = None
    reference: str | None = None  # target resource; "*" = the one named by parent_resource
    label: str | None = None
    fields: tuple["SourceField", ...] = ()  # parts of an address/object, or keys of an array's elements
    scale: int | None = None  # most decimals the audit saw in a number

    def part(self, name: str) -> "SourceField | None":
        for sub in self.fields:
            if sub.name == name:
                return sub
        return None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": str(self.type), "origin": str(self.origin)}
        if self.required:
            out["required"] = True
        for key in ("max_length", "reference", "label", "scale"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.values is not None:
            out["values"] = list(self.values)
        if self.fields:
            out["fields"] = [f.as_json() for f in self.fields]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], origin: FieldOrigin | None = None) -> "SourceField":
        own_origin = FieldOrigin(data.get("origin", origin or FieldOrigin.CORE))
        return cls(
            name=str(data["name"]),
            type=SourceType(data["type"]),
            origin=own_origin,
            required=bool(data.get("required", False)),
            max_length=data.get("max_length"),
            values=tuple(str(v) for v in data["values"]) if data.get("values") is not None else None,
            reference=data.get("reference"),
            label=data.get("label"),
            fields=tuple(cls.from_json(sub, own_origin) for sub in data.get("fields") or ()),
            scale=data.get("scale"),
        )


COMMON_FIELDS = (
    SourceField("id", SourceType.ID, required=True, max_length=64),
    SourceField("created_at", SourceType.DATETIME, required=True),
    SourceField("updated_at", SourceType.DATETIME, required=True),
    SourceField("custom_fields", SourceType.OBJECT, required=True),
)


class SourceResource(NamedTuple):
    name: str
    label: str
    fields: Mapping[str, SourceField]
    kind: ResourceKind = ResourceKind.RESOURCE
    parent_resource: str | None = None

    def custom_fields(self) -> list[SourceField]:
        return [f for f in self.fields.values() if f.origin is FieldOrigin.CUSTOM]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "kind": str(self.kind), "parent_resource": self.parent_resource,
                "fields": [f.as_json() for f in self.fields.values()]}


class SourceInventory:
    """Resources by name (custom tables as ``custom_tables/<key>``), each with its fields."""

    def __init__(self, resources: Iterable[SourceResource]) -> None:
        self.resources: dict[str, SourceResource] = {r.name: r for r in resources}

    def __contains__(self, name: object) -> bool:
        return name in self.resources

    def resource(self, name: str) -> SourceResource | None:
        return self.resources.get(name)

    def custom_tables(self) -> list[SourceResource]:
        return [r for r in self.resources.values() if r.kind is ResourceKind.CUSTOM_TABLE]

    def resolve(self, resource: str, path: str, *, each: str | None = None) -> SourceField | None:
        """The field ``path`` names on ``resource`` (``each``: the array a ``$item`` path refers to)."""
        res = self.resources.get(resource)
        if res is None:
            return None
        if path == ITEM or path.startswith(ITEM + "."):
            array = self.resolve(resource, each, each=None) if each else None
            if array is None or array.type is not SourceType.ARRAY:
                return None
            if path == ITEM:
                return array.fields[0] if len(array.fields) == 1 and array.fields[0].name == "" else None
            return array.part(path[len(ITEM) + 1:])
        if path in res.fields:
            return res.fields[path]
        if path.startswith(CUSTOM_PREFIX):
            return None
        head, _, rest = path.partition(".")
        parent = res.fields.get(head)
        if parent is None or not rest:
            return None
        return parent.part(rest)

    def merged(self, other: "SourceInventory") -> "SourceInventory":
        """This inventory with ``other``'s fields and resources added (``other`` wins on a clash)."""
        out = dict(self.resources)
        for name, res in other.resources.items():
            if name in out:
                fields = dict(out[name].fields)
                fields.update(res.fields)
                base = out[name]
                out[name] = base._replace(fields=fields, parent_resource=res.parent_resource or base.parent_resource)
            else:
                out[name] = res
        return SourceInventory(out.values())

    def as_json(self) -> dict[str, Any]:
        return {"format": INVENTORY_FORMAT, "resources": [r.as_json() for r in self.resources.values()]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "SourceInventory":
        resources = []
        for entry in data.get("resources", []):
            fields = [SourceField.from_json(f) for f in entry.get("fields", [])]
            resources.append(SourceResource(
                name=entry["name"], label=entry.get("label") or entry["name"],
                fields={f.name: f for f in fields}, kind=ResourceKind(entry.get("kind", "resource")),
                parent_resource=entry.get("parent_resource")))
        return cls(resources)
