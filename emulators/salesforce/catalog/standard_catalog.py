"""The standard-object catalog: recorded real describes plus our authored definitions, linked.

Sources, in order of authority:

1. the real describes CumulusCI ships (:mod:`recorded`) for Account, Contact, Opportunity, Case, Event,
   Lead and OpportunityContactRole, converted losslessly (:mod:`describe_convert`);
2. our own definitions in ``standard/*.yaml`` (:mod:`standard_data`) for every other object.

A recorded child's reference field gets its child-relationship facts (name, cascade/restrict) from the
recorded parents' ``childRelationships``, or from what an authored parent's file declares. An authored
child declares its own (and the tests check them against the recorded parents).

The catalog is built once per process and kept (it is derived only from package data and is immutable);
:func:`standard_schemas` returns a new dict each call, so callers may add or replace entries freely.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from emulators.salesforce.catalog.describe_convert import child_facts, schema_from_describe
from emulators.salesforce.catalog.errors import CatalogDataError
from emulators.salesforce.catalog.linking import link_child_relationships
from emulators.salesforce.catalog.recorded import RECORDED_DESCRIBE_OBJECTS, recorded_describe
from emulators.salesforce.catalog.standard_data import Borrowed, load_authored_objects
from emulators.salesforce.schema.model import ObjectSchema

__all__ = ["standard_schemas", "STANDARD_OBJECT_NAMES"]


@cache
def _build() -> tuple[ObjectSchema, ...]:
    authored = load_authored_objects()
    describes = [recorded_describe(name) for name in RECORDED_DESCRIBE_OBJECTS]
    facts = child_facts(describes)
    for item in authored:
        for key, fact in item.child_facts.items():
            facts.setdefault(key, fact)
    schemas: dict[str, ObjectSchema] = {}
    for describe in describes:
        schema = schema_from_describe(describe, facts)
        schemas[schema.name] = schema
    for item in authored:
        if item.schema.name in schemas:
            raise CatalogDataError(
                f"catalog/standard defines {item.schema.name}, which a recorded describe already provides"
            )
        schemas[item.schema.name] = item.schema
    borrowers = {(item.schema.name, b.field) for item in authored for b in item.borrowed}
    for item in authored:
        for b in item.borrowed:
            if (b.source_object, b.source_field) in borrowers:
                raise CatalogDataError(
                    f"catalog/standard/{item.schema.name}.yaml: field {b.field} takes {b.kind} "
                    f"{b.source_object}.{b.source_field}, which borrows itself; point at the original field"
                )
        schemas[item.schema.name] = _resolve_borrowed(item.schema, item.borrowed, schemas)
    return tuple(link_child_relationships(schemas).values())


def _resolve_borrowed(schema: ObjectSchema, borrowed: tuple[Borrowed, ...], schemas: dict[str, ObjectSchema]) -> ObjectSchema:
    for item in borrowed:
        source_schema = schemas.get(item.source_object)
        source = source_schema.field(item.source_field) if source_schema else None
        if source is None:
            raise CatalogDataError(
                f"catalog/standard/{schema.name}.yaml: field {item.field} takes {item.kind} "
                f"{item.source_object}.{item.source_field}, which is not in the catalog"
            )
        target = schema.field(item.field)
        assert target is not None  # the loader only records borrowings of fields it built
        if item.kind == "values_from":
            updated = replace(target, picklist_values=source.picklist_values)
        else:
            updated = replace(target, reference_to=source.reference_to)
        schema = schema.with_field(updated)
    return schema


def standard_schemas() -> dict[str, ObjectSchema]:
    """``{name: ObjectSchema}`` of every standard object in the catalog, child relationships linked."""
    return {schema.name: schema for schema in _build()}


STANDARD_OBJECT_NAMES = (
    "Account", "Contact", "Opportunity", "Case", "CaseComment", "Asset", "Contract", "Task", "Event", "User",
    "Profile", "RecordType", "Organization", "Product2", "ContentVersion", "ContentDocument",
    "ContentDocumentLink", "Note", "Attachment", "Group", "Lead", "PermissionSet", "PermissionSetAssignment",
    "TabDefinition", "EntityDefinition", "BusinessProcess", "UserRole", "OpportunityContactRole", "RecentlyViewed",
)
