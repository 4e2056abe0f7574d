"""The org emulator's schema model: what an sObject and its fields *are*, independent of how they are served.

This module is the contract between the parts of the emulator:

* the **catalog** (``emulators/salesforce/catalog/``) builds these objects for the standard sObjects
  (seeded from real describes) and for custom objects a Metadata deploy creates;
* the **describe renderer** turns them into Salesforce's describe JSON;
* the **record store and rules** use them to validate writes;
* the **SOQL engine** uses them to resolve fields, relationship paths and child relationships.

Field ``type`` values are Salesforce's describe types (``id``, ``string``, ``textarea``, ``boolean``, ``int``,
``double``, ``currency``, ``percent``, ``date``, ``datetime``, ``time``, ``email``, ``phone``, ``url``,
``picklist``, ``multipicklist``, ``combobox``, ``reference``, ``address``, ``location``, ``base64``,
``encryptedstring``, ``anyType``, ``long``, ``complexvalue``).
All instances are immutable; a schema change makes a new object (see :meth:`ObjectSchema.with_field`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Mapping

__all__ = ["PicklistValue", "FieldSchema", "ChildRelationship", "ObjectSchema", "SCALAR_TYPES", "TEXT_TYPES"]

TEXT_TYPES = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring"}
)
SCALAR_TYPES = TEXT_TYPES | frozenset(
    {"id", "boolean", "int", "long", "double", "currency", "percent", "date", "datetime", "time", "reference", "base64"}
)


@dataclass(frozen=True, slots=True)
class PicklistValue:
    value: str
    label: str
    active: bool = True
    default: bool = False


@dataclass(frozen=True, slots=True)
class FieldSchema:
    """One field of an sObject, with the attributes the emulator enforces and describes."""

    name: str
    type: str
    label: str
    length: int = 0  # characters, for text types
    precision: int = 0  # total digits, for number/currency/percent
    scale: int = 0  # digits after the point
    digits: int = 0  # for int
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    default_value: Any = None  # literal default applied on insert when the field is absent
    external_id: bool = False
    unique: bool = False
    case_sensitive: bool = False
    id_lookup: bool = False
    name_field: bool = False
    auto_number: bool = False
    calculated: bool = False
    custom: bool = False
    html_formatted: bool = False
    filterable: bool = True
    sortable: bool = True
    groupable: bool = True
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    cascade_delete: bool = False  # deleting the parent deletes this record (master-detail style)
    restricted_delete: bool = False  # deleting the parent is blocked while this record points at it
    restricted_picklist: bool = False
    picklist_values: tuple[PicklistValue, ...] = ()
    controller_name: str | None = None
    compound_field_name: str | None = None  # e.g. BillingStreet → BillingAddress
    soap_type: str | None = None  # rendered by describe; derived from ``type`` when None
    extra: Mapping[str, Any] = field(default_factory=dict)  # raw describe attributes kept verbatim
    # For reference fields: the name under which the *parent* lists this field's records in a SOQL
    # sub-query and in its describe ``childRelationships`` (Contact.AccountId → "Contacts"; a custom
    # lookup with Metadata relationshipName "Invoices" → "Invoices__r"). None: the relationship has no name.
    child_relationship_name: str | None = None

    @property
    def is_reference(self) -> bool:
        return self.type == "reference"

    @property
    def polymorphic(self) -> bool:
        return len(self.reference_to) > 1

    @property
    def is_required_on_create(self) -> bool:
        """Salesforce's rule: not nillable, createable, and not defaulted on create."""
        return (not self.nillable) and self.createable and not self.defaulted_on_create and self.type != "boolean"

    def active_picklist_values(self) -> tuple[str, ...]:
        return tuple(v.value for v in self.picklist_values if v.active)


@dataclass(frozen=True, slots=True)
class ChildRelationship:
    child_sobject: str
    field: str
    relationship_name: str | None
    cascade_delete: bool = False
    restricted_delete: bool = False


@dataclass(frozen=True, slots=True)
class ObjectSchema:
    """One sObject: its object-level describe attributes and its fields in describe order."""

    name: str
    label: str
    label_plural: str
    key_prefix: str | None
    fields: tuple[FieldSchema, ...]
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    queryable: bool = True
    searchable: bool = True
    retrieveable: bool = True
    undeletable: bool = True
    mergeable: bool = False
    triggerable: bool = True
    feed_enabled: bool = False
    child_relationships: tuple[ChildRelationship, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> FieldSchema | None:
        """The field called ``name``, case-insensitively (as Salesforce resolves field names)."""
        lowered = name.lower()
        for f in self.fields:
            if f.name.lower() == lowered:
                return f
        return None

    def field_by_relationship(self, relationship_name: str) -> FieldSchema | None:
        lowered = relationship_name.lower()
        for f in self.fields:
            if f.relationship_name and f.relationship_name.lower() == lowered:
                return f
        return None

    def child_relationship(self, relationship_name: str) -> ChildRelationship | None:
        lowered = relationship_name.lower()
        for rel in self.child_relationships:
            if rel.relationship_name and rel.relationship_name.lower() == lowered:
                return rel
        return None

    def iter_fields(self) -> Iterator[FieldSchema]:
        return iter(self.fields)

    def name_field(self) -> FieldSchema | None:
        return next((f for f in self.fields if f.name_field), None)

    def with_field(self, new: FieldSchema) -> "ObjectSchema":
        """A copy with ``new`` added, or replacing the field of the same name."""
        kept = tuple(f for f in self.fields if f.name.lower() != new.name.lower())
        if len(kept) == len(self.fields):
            return replace(self, fields=self.fields + (new,))
        ordered = tuple(new if f.name.lower() == new.name.lower() else f for f in self.fields)
        return replace(self, fields=ordered)

    def with_child(self, rel: ChildRelationship) -> "ObjectSchema":
        kept = tuple(
            r for r in self.child_relationships if not (r.child_sobject == rel.child_sobject and r.field == rel.field)
        )
        return replace(self, child_relationships=kept + (rel,))
