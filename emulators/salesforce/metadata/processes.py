"""Business processes and record types (children of a CustomObject file).

* ``<businessProcesses>`` become BusinessProcess rows (``Name`` = fullName, ``TableEnumOrId`` = the
  object) — the support processes of Case, sales processes of Opportunity, lead processes of Lead.
* ``<recordTypes>`` become RecordType rows (``DeveloperName`` = fullName, ``Name`` = label,
  ``IsActive``, ``Description``, ``BusinessProcessId``). As in Salesforce, a record type of Case,
  Opportunity, Lead or Solution must name one of the object's business processes; objects without
  record types (User, CaseComment …) refuse them. The first active record type of an object
  becomes its default (what new records get when they name none). The object's first record type
  besides Master gives it its ``RecordTypeId`` field at once (the schema is rebuilt in the deploy).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from emulators.salesforce.catalog import supports_record_types
from emulators.salesforce.metadata.context import DeployContext, DeployProblem
from emulators.salesforce.metadata.objects import ObjectFile
from emulators.salesforce.metadata.package import DeployZip
from emulators.salesforce.metadata.xmlread import children, flag, text

__all__ = ["deploy_business_processes", "deploy_record_types", "PROCESS_OBJECTS"]

# objects whose record types need a business process, and what Salesforce calls that process
PROCESS_OBJECTS = {"Case": "support process", "Opportunity": "sales process", "Lead": "lead process",
                   "Solution": "solution process"}


def _audit(row: dict[str, Any], ctx: DeployContext) -> dict[str, Any]:
    row.update(CreatedDate=ctx.now, CreatedById=ctx.user_id, LastModifiedDate=ctx.now, LastModifiedById=ctx.user_id,
               SystemModstamp=ctx.now)
    return row


def _find(ctx: DeployContext, sobject: str, **match: str) -> dict[str, Any] | None:
    for row in ctx.org.store.scan(sobject):
        if all(str(row.get(k) or "").lower() == v.lower() for k, v in match.items()):
            return row
    return None


def _upsert(ctx: DeployContext, sobject: str, prefix: str, found: dict[str, Any] | None, values: dict[str, Any]) -> tuple[str, bool]:
    store = ctx.org.store
    if found is None:
        rid = store.allocate_id(prefix)
        store.insert(sobject, rid, _audit({"Id": rid, "IsDeleted": False, **values}, ctx))
        return rid, True
    current = store.get(found["Id"])
    assert current is not None
    data = {**current.data, **values, "LastModifiedDate": ctx.now, "LastModifiedById": ctx.user_id, "SystemModstamp": ctx.now}
    store.update(sobject, found["Id"], data)
    return found["Id"], False


def deploy_business_processes(ctx: DeployContext, package: DeployZip, objects: list[ObjectFile]) -> None:
    for obj in objects:
        for el in children(obj.root, "businessProcesses"):
            name = text(el, "fullName") or ""
            if not package.child_selected("BusinessProcess", obj.name, name):
                continue
            full = f"{obj.name}.{name}"
            with ctx.component("BusinessProcess", full, obj.file.path, el.sourceline) as record:
                plan = ctx.org.schemas.plan(obj.name)
                if plan is None:
                    raise DeployProblem(f"Cannot find the object {obj.name} of this business process")
                if plan.name not in PROCESS_OBJECTS:
                    raise DeployProblem(f"{plan.name} does not have business processes (only {', '.join(PROCESS_OBJECTS)})")
                found = _find(ctx, "BusinessProcess", Name=name, TableEnumOrId=plan.name)
                rid, created = _upsert(ctx, "BusinessProcess", "019", found, {
                    "Name": name, "TableEnumOrId": plan.name, "IsActive": flag(el, "isActive", True),
                    "Description": text(el, "description"),
                })
                record.created = created
                record.id = rid
                ctx.keep("BusinessProcess", full, obj.file.path, etree.tostring(el), "019")


def deploy_record_types(ctx: DeployContext, package: DeployZip, objects: list[ObjectFile]) -> None:
    for obj in objects:
        for el in children(obj.root, "recordTypes"):
            name = text(el, "fullName") or ""
            if not package.child_selected("RecordType", obj.name, name):
                continue
            full = f"{obj.name}.{name}"
            with ctx.component("RecordType", full, obj.file.path, el.sourceline) as record:
                plan = ctx.org.schemas.plan(obj.name)
                if plan is None:
                    raise DeployProblem(f"Cannot find the object {obj.name} of this record type")
                if not supports_record_types(plan.schema):
                    raise DeployProblem(f"Record types are not available for {plan.name}")
                process_id = None
                process_name = text(el, "businessProcess")
                kind = PROCESS_OBJECTS.get(plan.name)
                if kind is not None:
                    if not process_name:
                        raise DeployProblem(
                            f"{plan.name} record types need a {kind}: add <businessProcess> naming one of the "
                            f"{plan.name} business processes", el.sourceline)
                    process = _find(ctx, "BusinessProcess", Name=process_name, TableEnumOrId=plan.name)
                    if process is None:
                        raise DeployProblem(f"No {kind} named {process_name} exists for {plan.name}", el.sourceline)
                    process_id = process["Id"]
                found = _find(ctx, "RecordType", DeveloperName=name, SobjectType=plan.name)
                active = flag(el, "active", False)
                rid, created = _upsert(ctx, "RecordType", "012", found, {
                    "Name": text(el, "label") or name, "DeveloperName": name, "SobjectType": plan.name,
                    "IsActive": active, "Description": text(el, "description"), "NamespacePrefix": None,
                    "BusinessProcessId": process_id,
                })
                defaults = dict(ctx.org.db.get_meta("default_record_types", {}))
                if active and plan.name not in defaults:
                    defaults[plan.name] = rid
                    ctx.org.db.set_meta("default_record_types", defaults)
                if plan.field("RecordTypeId") is None:  # its first record type besides Master: describe shows it now
                    ctx.org.reload_schemas(touched=plan.name)
                record.created = created
                record.id = rid
                ctx.keep("RecordType", full, obj.file.path, etree.tostring(el), "012")
