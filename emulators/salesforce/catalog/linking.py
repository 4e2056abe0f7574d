"""Link child relationships across a set of schemas.

A reference field is declared once, on the child (``Contact.AccountId → Account``, with its child
relationship name ``Contacts`` and delete semantics). The parent's describe and the SOQL engine need the
other direction — ``Account.childRelationships`` — so :func:`link_child_relationships` derives it: for every
reference field of every schema and every target present in the set, the target lists a
:class:`ChildRelationship`. Linking starts from scratch each time, so it can simply be called again after
custom objects or fields are added (or removed). Targets outside the set are skipped: a describe lists
only children that exist in the org.

Some standard references point at "any object of a kind" — Task/Event ``WhatId`` at every object with
activities, Attachment/Note ``ParentId``, ContentDocumentLink ``LinkedEntityId`` and ContentVersion
``FirstPublishLocationId`` at every object. Custom objects join those targets when linked (activities are
enabled on a custom object when it has ``LastActivityDate``) and leave them when they are gone.

Two children using the same relationship name on one parent would make SOQL sub-queries ambiguous;
that raises :class:`CatalogError` naming both fields.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from emulators.salesforce.catalog.errors import CatalogError
from emulators.salesforce.schema.model import ChildRelationship, ObjectSchema

__all__ = ["link_child_relationships", "OPEN_REFERENCES"]

# (object, field) → which custom objects the field may point at: "activities" or "any".
OPEN_REFERENCES: dict[tuple[str, str], str] = {
    ("Task", "WhatId"): "activities",
    ("Event", "WhatId"): "activities",
    ("Attachment", "ParentId"): "any",
    ("Note", "ParentId"): "any",
    ("ContentDocumentLink", "LinkedEntityId"): "any",
    ("ContentVersion", "FirstPublishLocationId"): "any",
}


# Merge bookkeeping: real describes never list MasterRecordId among the parent's child relationships.
_UNLISTED_CHILD_FIELDS = frozenset({"MasterRecordId"})


def _is_custom_object(schema: ObjectSchema) -> bool:
    return schema.custom and not schema.extra.get("customSetting")


def _open_targets(schemas: Mapping[str, ObjectSchema]) -> dict[str, tuple[str, ...]]:
    customs = sorted((s for s in schemas.values() if _is_custom_object(s)), key=lambda s: s.name.lower())
    return {
        "any": tuple(s.name for s in customs),
        "activities": tuple(s.name for s in customs if s.field("LastActivityDate") is not None),
    }


def _with_open_references(schema: ObjectSchema, targets: dict[str, tuple[str, ...]]) -> ObjectSchema:
    fields = list(schema.fields)
    changed = False
    for index, field in enumerate(fields):
        kind = OPEN_REFERENCES.get((schema.name, field.name))
        if kind is None:
            continue
        standard = tuple(t for t in field.reference_to if not t.endswith("__c"))
        wanted = standard + targets[kind]
        if wanted != field.reference_to:
            fields[index] = replace(field, reference_to=wanted)
            changed = True
    return replace(schema, fields=tuple(fields)) if changed else schema


def link_child_relationships(schemas: Mapping[str, ObjectSchema]) -> dict[str, ObjectSchema]:
    """A new ``{name: schema}`` map whose schemas list every child relationship among ``schemas``."""
    targets = _open_targets(schemas)
    schemas = {key: _with_open_references(schema, targets) for key, schema in schemas.items()}
    by_lower = {schema.name.lower(): schema.name for schema in schemas.values()}
    children: dict[str, list[ChildRelationship]] = {schema.name: [] for schema in schemas.values()}
    for child in schemas.values():
        for field in child.fields:
            if field.type != "reference" or field.name in _UNLISTED_CHILD_FIELDS:
                continue
            for target in field.reference_to:
                parent = by_lower.get(target.lower())
                if parent is None:
                    continue
                children[parent].append(
                    ChildRelationship(
                        child_sobject=child.name,
                        field=field.name,
                        relationship_name=field.child_relationship_name,
                        cascade_delete=field.cascade_delete,
                        restricted_delete=field.restricted_delete,
                    )
                )
    linked: dict[str, ObjectSchema] = {}
    for key, schema in schemas.items():
        rels = sorted(children[schema.name], key=lambda r: (r.child_sobject.lower(), r.field.lower()))
        _check_unique_names(schema.name, rels)
        linked[key] = replace(schema, child_relationships=tuple(rels))
    return linked


def _check_unique_names(parent: str, rels: list[ChildRelationship]) -> None:
    seen: dict[str, ChildRelationship] = {}
    for rel in rels:
        if not rel.relationship_name:
            continue
        other = seen.setdefault(rel.relationship_name.lower(), rel)
        if other is not rel:
            raise CatalogError(
                f"{parent} would have two child relationships named {rel.relationship_name!r}: "
                f"{other.child_sobject}.{other.field} and {rel.child_sobject}.{rel.field}; "
                f"give one of the lookup fields a different relationship name"
            )
