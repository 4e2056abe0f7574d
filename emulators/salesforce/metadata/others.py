"""The remaining component types: standard value sets, custom permissions, permission sets, layouts, flows.

=================  =====================================================================================
type               what a deploy does
=================  =====================================================================================
StandardValueSet   replaces the values of the standard picklist fields that use the set (CaseStatus →
                   Case.Status, Industry → Account.Industry and Lead.Industry, …); unknown sets fail
CustomPermission   kept (listed, retrieved; permission sets may grant it)
PermissionSet      upserts the PermissionSet row (Name, Label, Description) and keeps its object and
                   field permissions; every object, field, custom permission and tab it names must exist,
                   and required fields cannot be granted (``You cannot deploy to a required field: …``);
                   a permission on ``Activity.X__c`` grants the field on Task and Event
Layout             kept; its object and every field it places must exist
Flow               a new version each time its XML changes; ``<status>Active</status>`` makes it the
                   active version (the previous active one becomes Obsolete)
=================  =====================================================================================
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from emulators.salesforce.catalog import field_hosts, is_activity
from emulators.salesforce.metadata.context import DeployContext, DeployProblem
from emulators.salesforce.metadata.objects import object_plan
from emulators.salesforce.metadata.package import ComponentFile
from emulators.salesforce.metadata.processes import _find, _upsert
from emulators.salesforce.metadata.tabs import tab_exists
from emulators.salesforce.metadata.xmlread import children, flag, text
from emulators.salesforce.org.schema_source import set_picklist_values

__all__ = [
    "STANDARD_VALUE_SETS",
    "deploy_value_set",
    "deploy_custom_permission",
    "deploy_permission_set",
    "deploy_layout",
    "deploy_flow",
]

STANDARD_VALUE_SETS: dict[str, tuple[tuple[str, str], ...]] = {
    "AccountType": (("Account", "Type"),),
    "AccountRating": (("Account", "Rating"),),
    "AccountOwnership": (("Account", "Ownership"),),
    "Industry": (("Account", "Industry"), ("Lead", "Industry")),
    "LeadSource": (("Lead", "LeadSource"), ("Contact", "LeadSource"), ("Opportunity", "LeadSource")),
    "LeadStatus": (("Lead", "Status"),),
    "Salutation": (("Contact", "Salutation"), ("Lead", "Salutation")),
    "CaseStatus": (("Case", "Status"),),
    "CasePriority": (("Case", "Priority"),),
    "CaseOrigin": (("Case", "Origin"),),
    "CaseReason": (("Case", "Reason"),),
    "CaseType": (("Case", "Type"),),
    "OpportunityStage": (("Opportunity", "StageName"),),
    "OpportunityType": (("Opportunity", "Type"),),
    "ContractStatus": (("Contract", "Status"),),
    "TaskStatus": (("Task", "Status"),),
    "TaskPriority": (("Task", "Priority"),),
    "AssetStatus": (("Asset", "Status"),),
}


def deploy_value_set(ctx: DeployContext, file: ComponentFile, root: etree._Element) -> None:
    with ctx.component("StandardValueSet", file.full_name, file.path, root.sourceline) as record:
        targets = STANDARD_VALUE_SETS.get(file.full_name)
        if targets is None:
            raise DeployProblem(
                f"The org emulator does not model the standard value set {file.full_name} "
                f"(it knows {', '.join(sorted(STANDARD_VALUE_SETS))})"
            )
        values: list[dict[str, Any]] = []
        for el in children(root, "standardValue"):
            name = text(el, "fullName") or ""
            values.append({"value": name, "label": text(el, "label") or name, "active": flag(el, "isActive", True),
                           "default": flag(el, "default")})
        if not values:
            raise DeployProblem("A standard value set needs at least one standardValue")
        for sobject, field in targets:
            plan = ctx.org.schemas.plan(sobject)
            if plan is not None and plan.field(field) is not None:
                set_picklist_values(ctx.org, sobject, field, values)
        record.id = ctx.keep("StandardValueSet", file.full_name, file.path, file.data, "0Ah")


def deploy_custom_permission(ctx: DeployContext, file: ComponentFile, root: etree._Element) -> None:
    with ctx.component("CustomPermission", file.full_name, file.path, root.sourceline) as record:
        if not text(root, "label"):
            raise DeployProblem("A custom permission needs a label", root.sourceline)
        record.created = ctx.store.get("CustomPermission", file.full_name) is None
        record.id = ctx.keep("CustomPermission", file.full_name, file.path, file.data, "0CP")


def _field_of(ctx: DeployContext, path: str, line: int | None) -> tuple[tuple[str, ...], Any]:
    """The objects a permission's field lives on (Activity.X: Task and Event) and the field."""
    sobject, _, name = path.partition(".")
    plan = object_plan(ctx.org, sobject)
    found = plan.field(name) if plan is not None and name else None
    if found is None:
        raise DeployProblem(f"In field: field - no CustomField named {path} found", line)
    return (field_hosts(sobject) if is_activity(sobject) else (plan.name,)), found


def deploy_permission_set(ctx: DeployContext, file: ComponentFile, root: etree._Element) -> None:
    with ctx.component("PermissionSet", file.full_name, file.path, root.sourceline) as record:
        label = text(root, "label")
        if not label:
            raise DeployProblem("A permission set needs a label", root.sourceline)
        grants: list[tuple[str, str, bool, bool]] = []
        for el in children(root, "objectPermissions"):
            name = text(el, "object") or ""
            plan = ctx.org.schemas.plan(name)
            if plan is None:
                raise DeployProblem(f"In field: object - no CustomObject named {name} found", el.sourceline)
            grants.append(("object", plan.name, flag(el, "allowRead"), flag(el, "allowEdit")))
        for el in children(root, "fieldPermissions"):
            path = text(el, "field") or ""
            hosts, found = _field_of(ctx, path, el.sourceline)
            if found.is_required_on_create or (found.type == "reference" and found.cascade_delete and not found.nillable):
                raise DeployProblem(f"You cannot deploy to a required field: {path}", el.sourceline)
            readable, editable = flag(el, "readable"), flag(el, "editable")
            if editable and not readable:
                raise DeployProblem(f"Field {path} cannot be editable without being readable", el.sourceline)
            grants.extend(("field", f"{host}.{found.name}", readable, editable) for host in hosts)
        for el in children(root, "customPermissions"):
            name = text(el, "name") or ""
            if ctx.store.get("CustomPermission", name) is None:
                raise DeployProblem(f"In field: customPermissions - no CustomPermission named {name} found", el.sourceline)
        for el in children(root, "tabSettings"):
            name = text(el, "tab") or ""
            if not tab_exists(ctx, name):
                raise DeployProblem(f"In field: tab - no CustomTab named {name} found", el.sourceline)
        found_row = _find(ctx, "PermissionSet", Name=file.full_name)
        rid, created = _upsert(ctx, "PermissionSet", "0PS", found_row, {
            "Name": file.full_name, "Label": label, "Description": text(root, "description"),
            "IsOwnedByProfile": False, "IsCustom": True,
            "HasActivationRequired": flag(root, "hasActivationRequired"),
        })
        ctx.store.set_grants(file.full_name, grants)
        ctx.keep("PermissionSet", file.full_name, file.path, file.data, "0PS")
        record.created = created
        record.id = rid


def deploy_layout(ctx: DeployContext, file: ComponentFile, root: etree._Element) -> None:
    with ctx.component("Layout", file.full_name, file.path, root.sourceline) as record:
        sobject = file.full_name.split("-", 1)[0]
        plan = ctx.org.schemas.plan(sobject)
        if plan is None:
            raise DeployProblem(f"The layout's object {sobject} does not exist (layout names are '<Object>-<Layout Name>')")
        for item in root.iter("{*}layoutItems"):
            name = text(item, "field")
            if name and plan.field(name) is None:
                raise DeployProblem(f"Field {name} does not exist on {plan.name}; check its spelling", item.sourceline)
        record.created = ctx.store.get("Layout", file.full_name) is None
        record.id = ctx.keep("Layout", file.full_name, file.path, file.data, "00h")


def deploy_flow(ctx: DeployContext, file: ComponentFile, root: etree._Element) -> None:
    with ctx.component("Flow", file.full_name, file.path, root.sourceline) as record:
        if not text(root, "label"):
            raise DeployProblem("A flow needs a label", root.sourceline)
        status = text(root, "status") or "Draft"
        stored = ctx.store.get("Flow", file.full_name)
        record.created = stored is None
        if stored is None or stored.xml != file.data:
            ctx.store.add_flow_version(file.full_name, status, file.data, ctx.now)
        else:
            record.changed = False
        record.id = ctx.keep("Flow", file.full_name, file.path, file.data, "301")
