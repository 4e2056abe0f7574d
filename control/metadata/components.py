"""Rendering the schema plan into metadata components (lxml elements) at their SFDX source paths.

Each function returns :class:`Component` values: the Metadata API type, the member name ``package.xml``
lists, the path under ``force-app/main/default`` and the element. Element order inside each document
comes from the schema (:class:`~control.metadata.xml_writer.XmlWriter`), so this module only says *what*
each component holds — labels and help text written for the admin who reviews them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lxml import etree

from control.mapping.document import MapSettings
from control.mapping.targets import FieldKind, FieldSpec, NameFieldKind, SharingModel
from control.metadata.plan import (
    PlannedBusinessProcess,
    PlannedField,
    PlannedLayout,
    PlannedObject,
    PlannedRecordType,
    SchemaPlan,
)
from control.metadata.xml_writer import XmlWriter

__all__ = ["Component", "render_schema", "render_permissions", "render_tabs"]

# standard objects whose access a permission set can grant
_PERMISSIONABLE_STANDARD = frozenset({"Account", "Asset", "Case", "Contact", "Contract", "Opportunity", "Product2"})
_TAB_MOTIF = "Custom67: Gears"


class Component(NamedTuple):
    type: str  # Metadata API type, as package.xml names it
    member: str  # package.xml member name
    path: str  # relative to force-app/main/default
    element: etree._Element


def _field_data(field: PlannedField) -> dict[str, Any]:
    spec: FieldSpec = field.spec
    kind = spec.type
    data: dict[str, Any] = {
        "fullName": field.name,
        "label": spec.label,
        "description": spec.description,
        "inlineHelpText": spec.help,
        "type": str(kind),
        "trackHistory": False,
        "trackTrending": False,
    }
    if spec.external_id:
        data["externalId"] = True
    if spec.unique:
        data["unique"] = True
        data["caseSensitive"] = False if kind is FieldKind.TEXT else None
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT_AREA, FieldKind.HTML):
        data["length"] = spec.length
    if kind in (FieldKind.LONG_TEXT_AREA, FieldKind.HTML):
        data["visibleLines"] = spec.visible_lines or 3
    if kind is FieldKind.MULTISELECT_PICKLIST:
        data["visibleLines"] = spec.visible_lines or 4
    if kind in (FieldKind.NUMBER, FieldKind.CURRENCY, FieldKind.PERCENT):
        data["precision"] = spec.precision
        data["scale"] = spec.scale
    if kind is FieldKind.CHECKBOX:
        data["defaultValue"] = spec.default_value or "false"
    elif spec.default_value is not None:
        data["defaultValue"] = spec.default_value
    if kind in (FieldKind.LOOKUP, FieldKind.MASTER_DETAIL):
        data.update(referenceTo=spec.reference_to, relationshipName=spec.relationship_name,
                    relationshipLabel=spec.relationship_label or spec.relationship_name.replace("_", " "))
        if kind is FieldKind.LOOKUP:
            data["deleteConstraint"] = str(spec.delete_constraint or "SetNull")
        else:
            data.update(relationshipOrder=0, reparentableMasterDetail=False, writeRequiresMasterRead=False)
    elif kind not in (FieldKind.CHECKBOX,):
        data["required"] = spec.required
    if kind in (FieldKind.PICKLIST, FieldKind.MULTISELECT_PICKLIST):
        data["valueSet"] = {
            "restricted": spec.restricted,
            "valueSetDefinition": {
                "sorted": False,
                "value": [{"fullName": v, "default": False, "label": v} for v in field.picklist_values],
            },
        }
    return data


def _object_data(obj: PlannedObject) -> dict[str, Any]:
    spec = obj.spec
    assert spec is not None and spec.name_field is not None
    name_field: dict[str, Any] = {"label": spec.name_field.label, "type": str(spec.name_field.type),
                                  "trackHistory": False}
    if spec.name_field.type is NameFieldKind.AUTO_NUMBER:
        name_field["displayFormat"] = spec.name_field.display_format
    sharing = spec.sharing_model or SharingModel.READ_WRITE
    return {
        "allowInChatterGroups": False,
        "compactLayoutAssignment": "SYSTEM",
        "deploymentStatus": "Deployed",
        "description": spec.description,
        "enableActivities": spec.enable_activities,
        "enableBulkApi": True,
        "enableFeeds": False,
        "enableHistory": spec.enable_history,
        "enableLicensing": False,
        "enableReports": spec.enable_reports,
        "enableSearch": spec.enable_search,
        "enableSharing": True,
        "enableStreamingApi": True,
        "externalSharingModel": "ControlledByParent" if sharing is SharingModel.CONTROLLED_BY_PARENT else "Private",
        "label": spec.label,
        "nameField": name_field,
        "pluralLabel": spec.plural_label,
        "searchLayouts": {},
        "sharingModel": str(sharing),
        "visibility": "Public",
    }


def _record_type_data(rt: PlannedRecordType) -> dict[str, Any]:
    return {
        "fullName": rt.name,
        "active": True,
        "businessProcess": rt.spec.business_process,
        "description": rt.spec.description,
        "label": rt.spec.label,
        "picklistValues": [
            {"picklist": field, "values": [{"fullName": v, "default": False} for v in values]}
            for field, values in rt.picklists if values
        ],
    }


def _business_process_data(bp: PlannedBusinessProcess) -> dict[str, Any]:
    default = bp.spec.default or bp.spec.values[0]
    return {
        "fullName": bp.name,
        "description": bp.spec.description,
        "isActive": True,
        "values": [{"fullName": v, "default": v == default} for v in bp.spec.values],
    }


def _layout_data(layout: PlannedLayout) -> dict[str, Any]:
    sections = []
    for section in layout.sections:
        columns: list[list[dict[str, Any]]] = [[] for _ in range(section.columns)]
        for i, item in enumerate(section.items):
            columns[i % section.columns].append({"behavior": item.behavior, "field": item.field})
        sections.append({
            "customLabel": True,
            "detailHeading": True,
            "editHeading": True,
            "label": section.label,
            "layoutColumns": [{"layoutItems": col} if col else {} for col in columns],
            "style": "TwoColumnsLeftToRight" if section.columns == 2 else "OneColumn",
        })
    return {"layoutSections": sections, "showEmailCheckbox": False, "showHighlightsPanel": False,
            "showInteractionLogPanel": False, "showRunAssignmentRulesCheckbox": False,
            "showSubmitAndAttachButton": False}


def render_schema(plan: SchemaPlan, writer: XmlWriter) -> list[Component]:
    """Objects, fields, record types, business processes and layouts."""
    out: list[Component] = []
    for obj in plan.objects:
        base = f"objects/{obj.name}"
        if obj.spec is not None:
            out.append(Component("CustomObject", obj.name, f"{base}/{obj.name}.object-meta.xml",
                                 writer.element("CustomObject", _object_data(obj))))
        for field in obj.fields:
            out.append(Component("CustomField", field.full_name, f"{base}/fields/{field.name}.field-meta.xml",
                                 writer.element("CustomField", _field_data(field))))
        for bp in obj.business_processes:
            out.append(Component("BusinessProcess", f"{obj.name}.{bp.name}",
                                 f"{base}/businessProcesses/{bp.name}.businessProcess-meta.xml",
                                 writer.element("BusinessProcess", _business_process_data(bp))))
        for rt in obj.record_types:
            out.append(Component("RecordType", rt.full_name, f"{base}/recordTypes/{rt.name}.recordType-meta.xml",
                                 writer.element("RecordType", _record_type_data(rt))))
    for layout in plan.layouts:
        out.append(Component("Layout", layout.full_name, f"layouts/{layout.full_name}.layout-meta.xml",
                             writer.element("Layout", _layout_data(layout))))
    return out


def render_tabs(plan: SchemaPlan, writer: XmlWriter) -> list[Component]:
    """A tab per custom object, so users can reach its records."""
    return [Component("CustomTab", obj.name, f"tabs/{obj.name}.tab-meta.xml",
                      writer.element("CustomTab", {"customObject": True, "motif": _TAB_MOTIF}))
            for obj in plan.custom_objects()]


def _object_permissions(plan: SchemaPlan, *, migration: bool) -> list[dict[str, Any]]:
    """The migration user gets everything on every object st2sf touches (view/modify all, to upsert and roll
    back records others own); everyday users get read, create and edit on the new custom objects only —
    their access to standard objects stays with their profiles."""
    names = {o.name for o in plan.custom_objects()}
    if migration:
        names |= {o.name for o in plan.objects if o.name in _PERMISSIONABLE_STANDARD}
    return [{"allowCreate": True, "allowDelete": migration, "allowEdit": True, "allowRead": True,
             "modifyAllRecords": migration, "object": name, "viewAllRecords": migration} for name in sorted(names)]


def render_permissions(plan: SchemaPlan, settings: MapSettings, writer: XmlWriter) -> list[Component]:
    """The bypass custom permission and the two permission sets (migration user; data access)."""
    bypass = settings.bypass_permission
    fields = sorted((f for f in plan.fields() if f.permissionable), key=lambda f: f.full_name)
    field_permissions = [{"editable": True, "field": f.full_name, "readable": True} for f in fields]
    record_types = [{"recordType": rt.full_name, "visible": True}
                    for rt in sorted(plan.record_types(), key=lambda r: r.full_name)]
    tabs = [{"tab": o.name, "visibility": "Visible"} for o in sorted(plan.custom_objects(), key=lambda o: o.name)
            if settings.create_tabs]
    migration = {
        "customPermissions": [{"enabled": True, "name": bypass}],
        "description": "For the user who runs the ServiceTracker migration: full access to every object and field "
                       "st2sf generated, permission to set audit fields (original created dates and authors) on "
                       f"insert, and {bypass}, so the migrated Flows do not fire on loaded records. Do not assign "
                       "it to everyday users.",
        "fieldPermissions": field_permissions,
        "hasActivationRequired": False,
        "label": "ServiceTracker Migration",
        "objectPermissions": _object_permissions(plan, migration=True),
        "recordTypeVisibilities": record_types,
        "tabSettings": tabs,
        "userPermissions": [{"enabled": True, "name": "CreateAuditFields"}],
    }
    access = {
        "description": "Read and edit access to the objects, fields and record types st2sf generated for the "
                       "ServiceTracker migration, for everyday users.",
        "fieldPermissions": field_permissions,
        "hasActivationRequired": False,
        "label": "ServiceTracker Data Access",
        "objectPermissions": _object_permissions(plan, migration=False),
        "recordTypeVisibilities": record_types,
        "tabSettings": tabs,
    }
    custom_permission = {
        "description": "Holders bypass the Flows st2sf rebuilt from ServiceTracker workflows: assigned to the "
                       "migration user so loading records does not send e-mails, create tasks or change records.",
        "isLicensed": False,
        "label": "Bypass ServiceTracker Automation",
    }
    return [
        Component("CustomPermission", bypass, f"customPermissions/{bypass}.customPermission-meta.xml",
                  writer.element("CustomPermission", custom_permission)),
        Component("PermissionSet", settings.permission_set,
                  f"permissionsets/{settings.permission_set}.permissionset-meta.xml",
                  writer.element("PermissionSet", migration)),
        Component("PermissionSet", settings.access_permission_set,
                  f"permissionsets/{settings.access_permission_set}.permissionset-meta.xml",
                  writer.element("PermissionSet", access)),
    ]
