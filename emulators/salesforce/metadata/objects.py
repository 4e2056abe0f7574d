"""Deploying CustomObject files: new custom objects, and custom fields on any object.

Order (so references resolve within one deploy):

1. **new custom objects** named in package.xml, parents before children: each is created with its
   MasterDetail fields (a detail object's sharing model depends on them) through the catalog's
   ``add_custom_object`` — it gets the org's next key prefix (``a00``, ``a01`` …);
2. **fields** (every object, standard or custom): each custom field is added or redefined through
   ``add_custom_field``; a standard field named in a file must exist (only stored, its definition
   belongs to Salesforce).

**Activity** is the Metadata API's name for the custom fields Task and Event share: a field in
``objects/Activity`` is added to both (:mod:`emulators.salesforce.catalog.activities`); a custom field
deployed onto Task or Event themselves is refused, as Salesforce refuses it, and so is a
master-detail field on Activity (activities cannot be detail records).

A custom object that already exists keeps its label, name field and sharing model (the emulator
changes an object's fields, not its definition; the deployed XML is stored for retrieve).
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from emulators.salesforce.catalog import ACTIVITY, ACTIVITY_OBJECTS, CustomFieldType, is_activity, is_activity_host
from emulators.salesforce.metadata.context import DeployContext, DeployProblem
from emulators.salesforce.metadata.fields import field_name, field_spec
from emulators.salesforce.metadata.package import ComponentFile, DeployZip
from emulators.salesforce.metadata.xmlread import children, q, text
from emulators.salesforce.org.schema_source import add_custom_field, add_custom_object, spec_to_json
from emulators.salesforce.org.runtime import Org
from emulators.salesforce.org.schemas import ObjectPlan

__all__ = ["ObjectFile", "deploy_objects", "deploy_fields", "object_plan"]


class ObjectFile(NamedTuple):
    file: ComponentFile
    root: etree._Element

    @property
    def name(self) -> str:
        return self.file.full_name


def object_plan(org: Org, name: str) -> ObjectPlan | None:
    """The plan a component naming object ``name`` works on; Activity reads as Task (their custom fields are one set)."""
    return org.schemas.plan(ACTIVITY_OBJECTS[0] if is_activity(name) else name)


def _master_targets(obj: ObjectFile) -> list[str]:
    return [
        text(f, "referenceTo") or ""
        for f in children(obj.root, "fields")
        if text(f, "type") == CustomFieldType.MASTER_DETAIL
    ]


def _creation_order(new: list[ObjectFile]) -> list[ObjectFile]:
    by_name = {o.name.lower(): o for o in new}
    done: list[ObjectFile] = []
    seen: set[str] = set()

    def visit(obj: ObjectFile, depth: int) -> None:
        key = obj.name.lower()
        if key in seen or depth > len(new):
            return
        for target in _master_targets(obj):
            parent = by_name.get(target.lower())
            if parent is not None:
                visit(parent, depth + 1)
        seen.add(key)
        done.append(obj)

    for obj in new:
        visit(obj, 0)
    return done


def deploy_objects(ctx: DeployContext, package: DeployZip, objects: list[ObjectFile]) -> set[str]:
    """Create the new custom objects; return the (lower-case) names created with their MasterDetail fields."""
    new = [o for o in objects if package.selected("CustomObject", o.name) and object_plan(ctx.org, o.name) is None]
    for obj in objects:
        if obj in new or not package.selected("CustomObject", obj.name):
            continue
        with ctx.component("CustomObject", obj.name, obj.file.path, obj.root.sourceline) as record:
            if not obj.name.endswith("__c") and object_plan(ctx.org, obj.name) is None:
                raise DeployProblem(f"Cannot create a standard object: {obj.name} is not an object of this org")
            record.changed = _changed(ctx, "CustomObject", obj.name, obj.file.data)
            record.id = ctx.keep("CustomObject", obj.name, obj.file.path, obj.file.data, "01I")
    created: set[str] = set()
    for obj in _creation_order(new):
        with ctx.component("CustomObject", obj.name, obj.file.path, obj.root.sourceline) as record:
            if not obj.name.endswith("__c"):
                raise DeployProblem(f"Cannot create a standard object: {obj.name} is not an object of this org")
            name_field = obj.root.find(q("nameField"))
            if name_field is None:
                raise DeployProblem("Must specify the name field of a new custom object (nameField)", obj.root.sourceline)
            masters = [f for f in children(obj.root, "fields") if text(f, "type") == CustomFieldType.MASTER_DETAIL]
            specs = [spec_to_json(field_spec(f)) for f in masters]
            label = text(obj.root, "label") or ""
            add_custom_object(
                ctx.org,
                obj.name,
                label,
                text(obj.root, "pluralLabel") or "",
                name_field_label=text(name_field, "label"),
                name_field_type=text(name_field, "type") or "Text",
                sharing_model=text(obj.root, "sharingModel") or "ReadWrite",
                enable_activities=(text(obj.root, "enableActivities") or "true").lower() == "true",
                fields=specs,
            )
            record.created = True
            record.id = ctx.keep("CustomObject", obj.name, obj.file.path, obj.file.data, "01I")
            created.add(obj.name.lower())
    return created


def _changed(ctx: DeployContext, kind: str, full_name: str, xml: bytes) -> bool:
    stored = ctx.store.get(kind, full_name)
    return stored is None or stored.xml != xml


def deploy_fields(ctx: DeployContext, package: DeployZip, objects: list[ObjectFile], created: set[str]) -> None:
    """Add or redefine the selected fields of every object file."""
    for obj in objects:
        for el in children(obj.root, "fields"):
            name = field_name(el)
            if not package.child_selected("CustomField", obj.name, name):
                continue
            full = f"{obj.name}.{name}"
            with ctx.component("CustomField", full, obj.file.path, el.sourceline) as record:
                plan = object_plan(ctx.org, obj.name)
                if plan is None:
                    raise DeployProblem(f"Cannot find the object {obj.name} of this field: deploy the object first")
                existing = plan.field(name)
                if not name.endswith("__c"):
                    if existing is None:
                        raise DeployProblem(f"There is no standard field {name} on {obj.name}")
                    record.changed = False
                    record.id = ctx.keep("CustomField", full, obj.file.path, etree.tostring(el), "00N")
                    continue
                if is_activity_host(obj.name):
                    raise DeployProblem(
                        f"Custom fields of Task and Event are defined on Activity, which both share: deploy "
                        f"{obj.name}.{name} as Activity.{name} (objects/Activity/fields/{name}.field-meta.xml)",
                        el.sourceline)
                spec = field_spec(el)
                if is_activity(obj.name) and spec.type == CustomFieldType.MASTER_DETAIL:
                    raise DeployProblem(f"Activity.{name}: tasks and events cannot be the detail side of a "
                                        "master-detail relationship; make it a Lookup", el.sourceline)
                if obj.name.lower() in created and spec.type == CustomFieldType.MASTER_DETAIL:
                    record.created = True  # made with its object
                else:
                    add_custom_field(ctx.org, ACTIVITY if is_activity(obj.name) else plan.name, spec)
                    record.created = existing is None
                xml = etree.tostring(el)
                record.changed = record.created or _changed(ctx, "CustomField", full, xml)
                record.id = ctx.keep("CustomField", full, obj.file.path, xml, "00N")
