"""Link child relationships across a set of schemas.

A reference field is declared once, on the child (``Contact.AccountId → Account``, with its child
relationship name ``Contacts`` and delete semantics). The parent's describe and the SOQL engine need the
other direction — ``Account.childRelationships`` — so :func:`link_child_relationships` derives it: for every
reference field of every schema and every target present in the set, the target lists a
:class:`ChildRelationship`. Linking starts from scratch each time, so it can simply be called again after
custom objects or fields are added (or removed). Targets outside the set are skipped: a describe lists
only children that exist in the org.

Two children using the same relationship name on one parent would make SOQL sub-queries ambiguous;
that raises :class:`CatalogError` naming both fields.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from emulators.salesforce.catalog.errors import CatalogError
from emulators.salesforce.schema.model import ChildRelationship, ObjectSchema

__all__ = ["link_child_relationships"]


def link_child_relationships(schemas: Mapping[str, ObjectSchema]) -> dict[str, ObjectSchema]:
    """A new ``{name: schema}`` map whose schemas list every child relationship among ``schemas``."""
    by_lower = {schema.name.lower(): schema.name for schema in schemas.values()}
    children: dict[str, list[ChildRelationship]] = {schema.name: [] for schema in schemas.values()}
    for child in schemas.values():
        for field in child.fields:
            if field.type != "reference":
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
