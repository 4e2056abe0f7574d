"""A Metadata API deploy, start to finish: read the zip, check every file, apply, report.

::

    zip ─► package.xml (schema-checked) ─► each file: parse, right root element, schema order,
        XSD ─► apply in dependency order, each component in its own savepoint:
             custom objects → fields → standard value sets → business processes → record types
             → custom permissions → custom tabs → permission sets → layouts → flows
        ─► all-or-none: any failure (or checkOnly) rolls the whole deploy back
        ─► DeployResult {status Succeeded | SucceededPartial | Failed, details{componentSuccesses,
                         componentFailures}, numberComponents…}

The deploy is **all-or-none** unless ``rollbackOnError`` is false *and* the org is a sandbox or a
Developer Edition org (production always rolls back, as Salesforce enforces); then the components
that succeeded stay and the status is ``SucceededPartial``. ``checkOnly`` validates everything and
changes nothing. A deploy runs to completion inside the request that starts it, so the first
``checkDeployStatus`` already reports ``done``.
"""

from __future__ import annotations

from typing import Any, Callable

from lxml import etree

from emulators.salesforce.dml.coerce import format_datetime
from emulators.salesforce.metadata.context import ComponentRecord, DeployContext, DeployOptions, DeployProblem
from emulators.salesforce.metadata.objects import ObjectFile, deploy_fields, deploy_objects
from emulators.salesforce.metadata.others import (
    deploy_custom_permission,
    deploy_flow,
    deploy_layout,
    deploy_permission_set,
    deploy_value_set,
)
from emulators.salesforce.metadata.package import CHILD_TYPES, ComponentFile, DeployZip
from emulators.salesforce.metadata.processes import deploy_business_processes, deploy_record_types
from emulators.salesforce.metadata.store import MetadataStore
from emulators.salesforce.metadata.tabs import deploy_tab
from emulators.salesforce.metadata.xmlread import children, local, text
from emulators.salesforce.metadata.xsd import MD_NS, MetadataSchema
from emulators.salesforce.org.runtime import Org

__all__ = ["run_deploy", "deploy_result"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_APPLY: dict[str, Callable[[DeployContext, ComponentFile, etree._Element], None]] = {
    "StandardValueSet": deploy_value_set,
    "CustomPermission": deploy_custom_permission,
    "CustomTab": deploy_tab,
    "PermissionSet": deploy_permission_set,
    "Layout": deploy_layout,
    "Flow": deploy_flow,
}
_ORDER = ("StandardValueSet", "CustomPermission", "CustomTab", "PermissionSet", "Layout", "Flow")


def _parse(ctx: DeployContext, file: ComponentFile) -> etree._Element | None:
    try:
        root = etree.fromstring(file.data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        ctx.fail(file.kind, file.full_name, file.path, f"Error parsing file: {exc.msg}", line, column)
        return None
    if etree.QName(root).namespace != MD_NS or local(root) != file.kind:
        ctx.fail(file.kind, file.full_name, file.path,
                 f"Error parsing file: the root element must be {{{MD_NS}}}{file.kind}, not {root.tag}",
                 root.sourceline, 1)
        return None
    ctx.schema.canonicalise(root)
    problems = ctx.schema.validate(root)
    if problems:
        first = problems[0]
        ctx.fail(file.kind, file.full_name, file.path, f"Error parsing file: {first.message}", first.line, first.column)
        return None
    return root


def _check_members(ctx: DeployContext, package: DeployZip, parsed: dict[str, list[tuple[ComponentFile, Any]]]) -> None:
    """Members named in package.xml whose file (or child element) is missing."""
    present: dict[str, set[str]] = {}
    for kind, items in parsed.items():
        for file, root in items:
            present.setdefault(kind, set()).add(file.full_name.lower())
            if kind == "CustomObject" and root is not None:
                for tag, child_kind in CHILD_TYPES.items():
                    for el in children(root, tag):
                        present.setdefault(child_kind, set()).add(f"{file.full_name}.{text(el, 'fullName')}".lower())
    for kind, names in package.members.items():
        for name in sorted(names):
            if name == "*" or name in present.get(kind, set()):
                continue
            if ctx.options.allow_missing_files:
                continue
            written = package.member_names.get(kind, {}).get(name, name)
            ctx.fail(kind, written, package.package_path,
                     f"An object '{written}' of type {kind} was named in package.xml, but was not found in zipped directory")


def run_deploy(org: Org, store: MetadataStore, schema: MetadataSchema, *, user_id: str, zip_bytes: bytes,
               options: DeployOptions) -> DeployContext:
    """Deploy ``zip_bytes`` to ``org`` (in the caller's transaction); the context holds the messages."""
    ctx = DeployContext(org=org, store=store, schema=schema, user_id=user_id, now=org.now_wire(), options=options)
    db = org.db
    db.savepoint("md_deploy")
    try:
        _deploy(ctx, zip_bytes)
    except DeployProblem as exc:
        ctx.fail("", "package.xml", "package.xml", exc.problem, exc.line, exc.column)
    all_or_none = options.rollback_on_error or not (org.identity.sandbox or org.identity.edition == "Developer")
    if options.check_only or (ctx.failures and all_or_none):
        db.rollback_to("md_deploy")
        org.reload_schemas()
    else:
        db.release("md_deploy")
    return ctx


def _deploy(ctx: DeployContext, zip_bytes: bytes) -> None:
    package = DeployZip.read(zip_bytes)
    try:
        manifest = etree.fromstring(package.package_xml, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DeployProblem(f"Error parsing file: {exc.msg}", *(exc.position or (None, None))) from None
    ctx.schema.canonicalise(manifest, "Package")
    problems = ctx.schema.validate(manifest) if local(manifest) == "Package" else []
    if local(manifest) != "Package" or problems:
        detail = problems[0].message if problems else f"the root element must be Package, not {local(manifest)}"
        raise DeployProblem(f"Error parsing file: {detail}", problems[0].line if problems else 1, 1)
    package.read_members(manifest)
    ctx.succeed("", "package.xml", package.package_path, _package_record())
    for path in package.unsupported:
        ctx.fail("", path.rsplit("/", 1)[-1], path,
                 "The org emulator cannot deploy this file: it deploys objects, fields, record types, business "
                 "processes, standard value sets, custom tabs, layouts, permission sets, custom permissions and "
                 "flows")
    parsed: dict[str, list[tuple[ComponentFile, Any]]] = {}
    for file in package.files:
        if file.kind != "CustomObject" and not package.selected(file.kind, file.full_name):
            continue
        parsed.setdefault(file.kind, []).append((file, _parse(ctx, file)))
    _check_members(ctx, package, parsed)
    objects = [ObjectFile(f, root) for f, root in parsed.get("CustomObject", []) if root is not None]
    created = deploy_objects(ctx, package, objects)
    deploy_fields(ctx, package, objects, created)
    _apply_kind(ctx, parsed, "StandardValueSet")  # picklist values that business processes may name
    deploy_business_processes(ctx, package, objects)
    deploy_record_types(ctx, package, objects)
    for kind in _ORDER[1:]:
        _apply_kind(ctx, parsed, kind)


def _apply_kind(ctx: DeployContext, parsed: dict[str, list[tuple[ComponentFile, Any]]], kind: str) -> None:
    for file, root in parsed.get(kind, []):
        if root is not None:
            _APPLY[kind](ctx, file, root)


def _package_record() -> ComponentRecord:
    return ComponentRecord(created=False, changed=True, id=None)


def deploy_result(ctx: DeployContext, deploy_id: str, *, user_name: str, started: str) -> dict[str, Any]:
    """The DeployResult (as a plain mapping in WSDL order) of a finished deploy."""
    failed = bool(ctx.failures)
    all_or_none = ctx.options.rollback_on_error or not (ctx.org.identity.sandbox or ctx.org.identity.edition == "Developer")
    if not failed:
        status = "Succeeded"
    elif all_or_none or ctx.options.check_only:
        status = "Failed"
    else:
        status = "SucceededPartial"
    components = [m for m in ctx.successes if m["fileName"] and m["fullName"] != "package.xml"]
    total = len(components) + len([f for f in ctx.failures if f["fullName"] != "package.xml"])
    deployed = len(components) if status != "Failed" else 0
    finished = format_datetime(ctx.org.now())
    return {
        "checkOnly": ctx.options.check_only,
        "completedDate": finished,
        "createdBy": ctx.user_id[:15],
        "createdByName": user_name,
        "createdDate": started,
        "details": {"componentFailures": ctx.failures, "componentSuccesses": ctx.successes},
        "done": True,
        "id": deploy_id,
        "ignoreWarnings": ctx.options.ignore_warnings,
        "lastModifiedDate": finished,
        "numberComponentErrors": len(ctx.failures),
        "numberComponentsDeployed": deployed,
        "numberComponentsTotal": total,
        "numberTestErrors": 0,
        "numberTestsCompleted": 0,
        "numberTestsTotal": 0,
        "rollbackOnError": all_or_none,
        "runTestsEnabled": False,
        "startDate": started,
        "status": status,
        "success": status != "Failed",
    }
