"""Convert a real describe (``GET /sobjects/X/describe`` JSON) into an :class:`ObjectSchema`, losing nothing.

The describe attributes the model has a slot for go into that slot (``nillable`` → ``FieldSchema.nillable``,
``referenceTo`` → ``reference_to`` …); every other attribute is kept verbatim in ``extra`` so the describe
renderer gives back exactly what Salesforce sent. Two things cannot be read off one describe alone:

* a reference field's **child relationship** (its name on the parent, and whether deleting the parent
  cascades to or is blocked by the child) lives in the *parent's* describe. :func:`child_facts` collects
  those facts from a set of describes, and :func:`schema_from_describe` applies them to the child's fields
  (``FieldSchema.child_relationship_name``, ``cascade_delete``, ``restricted_delete``);
* the field-level ``cascadeDelete`` / ``restrictedDelete`` a describe reports are *not* the child-relationship
  semantics (Contact.AccountId says ``false`` while Account lists Contacts with ``cascadeDelete: true``), so
  they are kept in ``extra`` and the model's flags carry the semantics the record store enforces.

Custom fields in a recorded standard describe belong to the org it was recorded in (a test package's
``ns__LinkedAccount__c``…), not to Salesforce: ``keep_custom=False`` drops them.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

from emulators.salesforce.schema.model import FieldSchema, ObjectSchema, PicklistValue

__all__ = ["ChildFact", "child_facts", "field_from_describe", "schema_from_describe", "FIELD_MODEL_KEYS", "OBJECT_MODEL_KEYS"]

# describe key → FieldSchema attribute
_FIELD_SLOTS = {
    "name": "name",
    "type": "type",
    "label": "label",
    "length": "length",
    "precision": "precision",
    "scale": "scale",
    "digits": "digits",
    "nillable": "nillable",
    "createable": "createable",
    "updateable": "updateable",
    "defaultedOnCreate": "defaulted_on_create",
    "defaultValue": "default_value",
    "externalId": "external_id",
    "unique": "unique",
    "caseSensitive": "case_sensitive",
    "idLookup": "id_lookup",
    "nameField": "name_field",
    "autoNumber": "auto_number",
    "calculated": "calculated",
    "custom": "custom",
    "htmlFormatted": "html_formatted",
    "filterable": "filterable",
    "sortable": "sortable",
    "groupable": "groupable",
    "relationshipName": "relationship_name",
    "restrictedPicklist": "restricted_picklist",
    "controllerName": "controller_name",
    "compoundFieldName": "compound_field_name",
    "soapType": "soap_type",
}
FIELD_MODEL_KEYS = frozenset(_FIELD_SLOTS) | {"referenceTo", "picklistValues"}

_OBJECT_SLOTS = {
    "name": "name",
    "label": "label",
    "labelPlural": "label_plural",
    "keyPrefix": "key_prefix",
    "custom": "custom",
    "createable": "createable",
    "updateable": "updateable",
    "deletable": "deletable",
    "queryable": "queryable",
    "searchable": "searchable",
    "retrieveable": "retrieveable",
    "undeletable": "undeletable",
    "mergeable": "mergeable",
    "triggerable": "triggerable",
    "feedEnabled": "feed_enabled",
}
# recordTypeInfos come from the org's RecordType rows; childRelationships are re-linked across the catalog.
OBJECT_MODEL_KEYS = frozenset(_OBJECT_SLOTS) | {"fields", "childRelationships", "recordTypeInfos"}


class ChildFact(NamedTuple):
    """What a parent's describe says about one child relationship."""

    relationship_name: str | None
    cascade_delete: bool
    restricted_delete: bool


def child_facts(describes: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], ChildFact]:
    """``{(child sObject, field): ChildFact}`` from the ``childRelationships`` of parent describes.

    A polymorphic field (Task.WhatId) appears under several parents; the first parent's facts win.
    """
    facts: dict[tuple[str, str], ChildFact] = {}
    for describe in describes:
        for rel in describe.get("childRelationships") or ():
            key = (rel["childSObject"], rel["field"])
            facts.setdefault(
                key,
                ChildFact(rel.get("relationshipName"), bool(rel.get("cascadeDelete")), bool(rel.get("restrictedDelete"))),
            )
    return facts


def _picklist(entries: Iterable[Mapping[str, Any]]) -> tuple[PicklistValue, ...]:
    return tuple(
        PicklistValue(
            value=e["value"], label=e.get("label") or e["value"], active=bool(e.get("active", True)),
            default=bool(e.get("defaultValue")),
        )
        for e in entries
    )


def field_from_describe(
    sobject: str, describe: Mapping[str, Any], facts: Mapping[tuple[str, str], ChildFact] | None = None
) -> FieldSchema:
    """One describe field → :class:`FieldSchema` (unmodelled attributes kept in ``extra``)."""
    kwargs: dict[str, Any] = {attr: describe[key] for key, attr in _FIELD_SLOTS.items() if key in describe}
    kwargs["reference_to"] = tuple(describe.get("referenceTo") or ())
    kwargs["picklist_values"] = _picklist(describe.get("picklistValues") or ())
    for numeric in ("length", "precision", "scale", "digits"):
        kwargs[numeric] = kwargs.get(numeric) or 0
    fact = (facts or {}).get((sobject, describe["name"]))
    if fact is not None:
        kwargs["child_relationship_name"] = fact.relationship_name
        kwargs["cascade_delete"] = fact.cascade_delete
        kwargs["restricted_delete"] = fact.restricted_delete
    kwargs["extra"] = {k: v for k, v in describe.items() if k not in FIELD_MODEL_KEYS}
    return FieldSchema(**kwargs)


def _is_custom(field: Mapping[str, Any]) -> bool:
    # Some recorded describes were hand-edited and mark org-specific fields custom: false; the __c suffix does not lie.
    return bool(field.get("custom")) or str(field["name"]).endswith("__c")


def schema_from_describe(
    describe: Mapping[str, Any],
    facts: Mapping[tuple[str, str], ChildFact] | None = None,
    *,
    keep_custom: bool = False,
) -> ObjectSchema:
    """A full describe → :class:`ObjectSchema` (child relationships are left for the catalog to link)."""
    name = describe["name"]
    fields = tuple(
        field_from_describe(name, f, facts) for f in describe["fields"] if keep_custom or not _is_custom(f)
    )
    kwargs: dict[str, Any] = {attr: describe[key] for key, attr in _OBJECT_SLOTS.items() if key in describe}
    kwargs["fields"] = fields
    kwargs["extra"] = {k: v for k, v in describe.items() if k not in OBJECT_MODEL_KEYS}
    return ObjectSchema(**kwargs)
