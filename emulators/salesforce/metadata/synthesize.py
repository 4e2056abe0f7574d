"""Metadata XML for what the org has but no deploy put there (seeded objects and fields, standard objects).

Retrieve and readMetadata answer from deployed XML when there is some; otherwise from the org's
schema, the way Salesforce describes a component it holds: a custom object's label, plural label,
name field, sharing model and deployment status; a custom field's type, label, length or
precision/scale, required/unique/externalId, picklist values, lookup target and relationship name.
"""

from __future__ import annotations

from lxml import etree

from emulators.salesforce.metadata.xmlread import md_element, q
from emulators.salesforce.schema.model import FieldSchema, ObjectSchema

__all__ = ["field_element", "object_element"]


def _sub(parent: etree._Element, name: str, value: object) -> None:
    if value is None:
        return
    el = etree.SubElement(parent, q(name))
    el.text = ("true" if value else "false") if isinstance(value, bool) else str(value)


def _kind(f: FieldSchema) -> str:
    if f.auto_number:
        return "AutoNumber"
    if f.type == "reference":
        return "MasterDetail" if (f.cascade_delete and not f.nillable) else "Lookup"
    if f.type == "textarea":
        if f.html_formatted:
            return "Html"
        return "LongTextArea" if f.length > 255 else "TextArea"
    return {
        "string": "Text", "double": "Number", "int": "Number", "currency": "Currency", "percent": "Percent",
        "date": "Date", "datetime": "DateTime", "time": "Time", "boolean": "Checkbox", "email": "Email",
        "phone": "Phone", "url": "Url", "picklist": "Picklist", "multipicklist": "MultiselectPicklist",
    }.get(f.type, "Text")


def field_element(f: FieldSchema, tag: str = "fields", full_name: str | None = None) -> etree._Element:
    """``<fields>`` (or a ``<CustomField>`` root) for one field, elements in schema order."""
    el = md_element(tag) if tag == "CustomField" else etree.Element(q(tag))
    kind = _kind(f)
    _sub(el, "fullName", full_name or f.name)
    if kind == "Checkbox":
        _sub(el, "defaultValue", bool(f.default_value))
    if kind == "Lookup":
        _sub(el, "deleteConstraint", "Cascade" if f.cascade_delete else ("Restrict" if f.restricted_delete else "SetNull"))
    if f.external_id:
        _sub(el, "externalId", True)
    if f.extra.get("inlineHelpText"):
        _sub(el, "inlineHelpText", f.extra["inlineHelpText"])
    _sub(el, "label", f.label)
    if kind in ("Text", "LongTextArea", "Html"):
        _sub(el, "length", f.length)
    if kind in ("Number", "Currency", "Percent"):
        _sub(el, "precision", f.precision or 18)
    if kind == "MasterDetail":
        _sub(el, "relationshipOrder", f.extra.get("relationshipOrder", 0))
    if f.type == "reference":
        _sub(el, "referenceTo", f.reference_to[0] if f.reference_to else None)
        child = f.child_relationship_name or ""
        _sub(el, "relationshipName", child[:-3] if child.endswith("__r") else child or None)
    if not f.nillable and kind not in ("Checkbox", "MasterDetail", "AutoNumber"):
        _sub(el, "required", True)
    if kind in ("Number", "Currency", "Percent"):
        _sub(el, "scale", f.scale)
    _sub(el, "type", kind)
    if f.unique:
        _sub(el, "unique", True)
    if f.picklist_values:
        value_set = etree.SubElement(el, q("valueSet"))
        _sub(value_set, "restricted", f.restricted_picklist)
        definition = etree.SubElement(value_set, q("valueSetDefinition"))
        _sub(definition, "sorted", False)
        for v in f.picklist_values:
            value = etree.SubElement(definition, q("value"))
            _sub(value, "fullName", v.value)
            _sub(value, "default", v.default)
            _sub(value, "label", v.label)
    return el


def object_element(schema: ObjectSchema, *, include_fields: bool = True) -> etree._Element:
    """A ``<CustomObject>`` for ``schema`` (custom fields inline when ``include_fields``)."""
    root = md_element("CustomObject")
    if schema.custom:
        _sub(root, "deploymentStatus", "Deployed")
    if include_fields:
        for f in schema.fields:
            if f.custom:
                root.append(field_element(f))
    if schema.custom:
        _sub(root, "label", schema.label)
        name = schema.name_field()
        if name is not None:
            name_el = etree.SubElement(root, q("nameField"))
            _sub(name_el, "label", name.label)
            _sub(name_el, "type", "AutoNumber" if name.auto_number else "Text")
        _sub(root, "pluralLabel", schema.label_plural)
        has_owner = schema.field("OwnerId") is not None
        _sub(root, "sharingModel", "ReadWrite" if has_owner else "ControlledByParent")
    return root
