"""The org's schema registry: every sObject it has, with per-object lookup tables built once.

:class:`OrgSchemas` implements :class:`~emulators.salesforce.schema.provider.SchemaProvider` for the
SOQL engine and gives the record store and the write rules an :class:`ObjectPlan` per object — the
field list in describe order, a case-insensitive field index, compound (address/location) fields,
the fields whose values are indexed for matching (external Ids and unique fields) and the lookups
the delete rules must follow. Plans are rebuilt when the schema changes (``version`` goes up and
``modified`` moves, which is what ``If-Modified-Since`` on describe compares against).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from emulators.salesforce.schema.model import FieldSchema, ObjectSchema

__all__ = ["ObjectPlan", "OrgSchemas", "ADDRESS_PARTS"]

# component suffix → key inside the compound address value
ADDRESS_PARTS: tuple[tuple[str, str], ...] = (
    ("City", "city"),
    ("Country", "country"),
    ("CountryCode", "countryCode"),
    ("GeocodeAccuracy", "geocodeAccuracy"),
    ("Latitude", "latitude"),
    ("Longitude", "longitude"),
    ("PostalCode", "postalCode"),
    ("State", "state"),
    ("StateCode", "stateCode"),
    ("Street", "street"),
)


@dataclass(frozen=True)
class ObjectPlan:
    """Lookup tables for one sObject, derived from its schema."""

    schema: ObjectSchema
    field_names: tuple[str, ...]
    by_lower: Mapping[str, FieldSchema]
    compound: Mapping[str, tuple[tuple[str, str], ...]]  # compound field → ((component field, json key), …)
    key_fields: tuple[FieldSchema, ...]  # external-Id or unique fields: values indexed in `keys`
    tracked_refs: tuple[FieldSchema, ...]  # lookups recorded in `refs` (targets that can be deleted)

    @property
    def name(self) -> str:
        return self.schema.name

    def field(self, name: str) -> FieldSchema | None:
        return self.by_lower.get(name.lower())

    def blank_row(self) -> dict:
        return dict.fromkeys(self.field_names)


def _compound_parts(schema: ObjectSchema) -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    names = {f.name for f in schema.fields}
    for f in schema.fields:
        if f.type not in ("address", "location"):
            continue
        members = [c.name for c in schema.fields if c.compound_field_name == f.name]
        if f.type == "location":
            stem = f.name[:-2] if f.name.endswith("__c") else f.name
            pairs = []
            for m in members:
                low = m.lower()
                if "latitude" in low:
                    pairs.append((m, "latitude"))
                elif "longitude" in low:
                    pairs.append((m, "longitude"))
            if not pairs:
                for suffix, key in (("Latitude", "latitude"), ("Longitude", "longitude")):
                    if stem + suffix in names:
                        pairs.append((stem + suffix, key))
            out[f.name] = tuple(pairs)
            continue
        prefix = f.name[: -len("Address")] if f.name.endswith("Address") else f.name
        pairs = [(prefix + suffix, key) for suffix, key in ADDRESS_PARTS if (prefix + suffix) in names]
        out[f.name] = tuple(pairs)
    return out


class OrgSchemas:
    """Every sObject of one org, by name (case-insensitive) and by key prefix."""

    def __init__(self, schemas: Mapping[str, ObjectSchema], *, modified: dt.datetime | None = None) -> None:
        self._schemas: dict[str, ObjectSchema] = {}
        self._plans: dict[str, ObjectPlan] = {}
        self._by_prefix: dict[str, str] = {}
        self.version = 0
        self.modified = modified or dt.datetime.now(dt.timezone.utc)
        self.replace_all(schemas, modified=self.modified)

    # ── SchemaProvider ────────────────────────────────────────────────────────────────
    def get(self, sobject: str) -> ObjectSchema | None:
        return self._schemas.get(sobject.lower())

    def names(self) -> Iterable[str]:
        return [s.name for s in self._schemas.values()]

    # ── runtime helpers ───────────────────────────────────────────────────────────────
    def plan(self, sobject: str) -> ObjectPlan | None:
        return self._plans.get(sobject.lower())

    def by_prefix(self, prefix: str) -> str | None:
        return self._by_prefix.get(prefix)

    def all(self) -> list[ObjectSchema]:
        return list(self._schemas.values())

    def replace_all(self, schemas: Mapping[str, ObjectSchema], *, modified: dt.datetime | None = None) -> None:
        """Swap in a new set of schemas (after a schema change) and rebuild the plans."""
        self._schemas = {s.name.lower(): s for s in schemas.values()}
        deletable = {s.name.lower() for s in self._schemas.values() if s.deletable}
        self._plans = {key: self._make_plan(s, deletable) for key, s in self._schemas.items()}
        self._by_prefix = {s.key_prefix: s.name for s in self._schemas.values() if s.key_prefix}
        self.version += 1
        self.modified = modified or dt.datetime.now(dt.timezone.utc)

    @staticmethod
    def _make_plan(schema: ObjectSchema, deletable: set[str]) -> ObjectPlan:
        by_lower = {f.name.lower(): f for f in schema.fields}
        keys = tuple(f for f in schema.fields if (f.external_id or f.unique) and f.type not in ("id", "reference"))
        tracked = tuple(
            f
            for f in schema.fields
            if f.type == "reference" and any(t.lower() in deletable for t in f.reference_to)
        )
        return ObjectPlan(
            schema=schema,
            field_names=tuple(f.name for f in schema.fields),
            by_lower=by_lower,
            compound=_compound_parts(schema),
            key_fields=keys,
            tracked_refs=tracked,
        )
