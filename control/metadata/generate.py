"""``st2sf metadata generate``: the map → SFDX source in ``force-app/main/default`` (+ ``manifest/``).

Inputs are the map folder only, so the output is reproducible from what is committed and approved:

* ``mapping/*.yml`` — the map;
* ``mapping/source-inventory.json`` — the audit's inventory (discovered custom fields and tables), if present;
* ``mapping/workflows.jsonl`` — the tenant's workflows to rebuild as Flows, if present.

The map is checked first (structure and source checks); a map with errors generates nothing. The tree is
rendered in memory, every document is validated against the official Metadata API schema, and only
then written. st2sf owns the folders it writes under ``force-app/main/default`` (objects, layouts,
permissionsets, customPermissions, flows, tabs): files there that the map no longer produces are
removed. ``--check`` writes nothing and fails (exit 1) when the committed tree differs from what the map
generates — CI uses it to catch hand edits and forgotten regenerations.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from control.errors import Failure
from control.mapping.inventory import SourceInventory
from control.mapping.inventory_adapters import read_inventory
from control.mapping.issues import MapInvalidError
from control.mapping.loader import load_map
from control.mapping.validate import check_map
from control.metadata.components import Component, render_permissions, render_schema, render_tabs
from control.metadata.flows.render import flow_element, report_bytes, report_markdown
from control.metadata.flows.translate import translate_workflows
from control.metadata.flows.workflows import Workflow, read_workflows
from control.metadata.package_xml import package_xml
from control.metadata.plan import plan_schema
from control.metadata.xml_writer import XmlWriter, to_bytes
from control.metadata.xsd import MetadataSchema

__all__ = [
    "SOURCE_ROOT",
    "MANIFEST",
    "OWNED_FOLDERS",
    "INVENTORY_FILE",
    "WORKFLOWS_FILE",
    "RenderedTree",
    "GenerateResult",
    "MetadataDriftError",
    "render_tree",
    "generate_metadata",
]

SOURCE_ROOT = "force-app/main/default"
MANIFEST = "manifest"
OWNED_FOLDERS = ("objects", "layouts", "permissionsets", "customPermissions", "flows", "tabs")
INVENTORY_FILE = "source-inventory.json"
WORKFLOWS_FILE = "workflows.jsonl"


class MetadataDriftError(Failure):
    """The committed metadata differs from what the map generates."""

    code = "METADATA_DRIFT"


class RenderedTree(NamedTuple):
    files: dict[str, bytes]  # project-relative path → content
    components: tuple[Component, ...]
    flow_reports: tuple[Any, ...]
    expansions: int


class GenerateResult(NamedTuple):
    project: Path
    files: int
    components: dict[str, int]
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    flows: dict[str, Any]
    drift: tuple[str, ...]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"project": str(self.project), "files": self.files, "components": self.components,
                "written": list(self.written), "removed": list(self.removed), "unchanged": self.unchanged,
                "flows": self.flows, "drift": list(self.drift), "seconds": round(self.seconds, 3)}


def render_tree(map_dir: Path, *, root: Path | None = None, inventory: SourceInventory | None = None,
                workflows: tuple[Workflow, ...] | None = None, schema: MetadataSchema | None = None) -> RenderedTree:
    """Everything the map generates, in memory, each document schema-valid (else :class:`Failure`)."""
    if inventory is None and (map_dir / INVENTORY_FILE).is_file():
        inventory = read_inventory(map_dir / INVENTORY_FILE)
    if workflows is None:
        workflows = read_workflows(map_dir / WORKFLOWS_FILE) if (map_dir / WORKFLOWS_FILE).is_file() else ()
    report = check_map(load_map(map_dir, root=root), inventory=inventory)
    if report.errors or report.map is None:
        raise MapInvalidError(report.issues)
    map_ = report.map
    schema = schema or MetadataSchema.load()
    writer = XmlWriter(schema)
    plan = plan_schema(map_)
    components = render_schema(plan, writer) + (render_tabs(plan, writer) if map_.settings.create_tabs else []) + \
        render_permissions(plan, map_.settings, writer)
    flow_plans, flow_reports = translate_workflows(workflows, map_)
    for flow in flow_plans:
        components.append(Component("Flow", flow.api_name, f"flows/{flow.api_name}.flow-meta.xml",
                             flow_element(flow, map_.settings.api_version, writer)))
    files: dict[str, bytes] = {}
    problems: list[str] = []
    for component in components:
        for problem in schema.validate(component.element):
            problems.append(f"{component.path}: {problem.message}")
        files[f"{SOURCE_ROOT}/{component.path}"] = to_bytes(component.element)
    manifest = package_xml(components, map_.settings.api_version, writer)
    problems += [f"{MANIFEST}/package.xml: {p.message}" for p in schema.validate(manifest)]
    if problems:
        raise Failure("Generated metadata does not validate against the Metadata API schema: "
                      + "; ".join(problems[:20]), hint="This is a bug in st2sf's generator; report it with the map.")
    files[f"{MANIFEST}/package.xml"] = to_bytes(manifest)
    files[f"{MANIFEST}/flow-translation.md"] = report_markdown(flow_reports,
                                                               map_.settings.bypass_permission).encode("utf-8")
    files[f"{MANIFEST}/flow-translation.json"] = report_bytes(flow_reports)
    return RenderedTree(files, tuple(components), tuple(flow_reports), len(report.expansions))


def _owned_on_disk(project: Path) -> set[str]:
    out: set[str] = set()
    base = project / SOURCE_ROOT
    for folder in OWNED_FOLDERS:
        for path in (base / folder).rglob("*") if (base / folder).is_dir() else ():
            if path.is_file():
                out.add(path.relative_to(project).as_posix())
    for name in ("package.xml", "flow-translation.md", "flow-translation.json"):
        if (project / MANIFEST / name).is_file():
            out.add(f"{MANIFEST}/{name}")
    return out


def generate_metadata(project: Path, *, map_dir: Path | None = None, inventory: Path | None = None,
                      workflows: Path | None = None, check: bool = False) -> GenerateResult:
    """Generate (or with ``check`` verify) the project's metadata from its map."""
    started = time.perf_counter()
    map_dir = map_dir or project / "mapping"
    tree = render_tree(map_dir, root=project, inventory=read_inventory(inventory) if inventory else None,
                       workflows=read_workflows(workflows) if workflows else None)
    on_disk = _owned_on_disk(project)
    changed = [path for path, content in sorted(tree.files.items())
               if not (project / path).is_file() or (project / path).read_bytes() != content]
    stale = sorted(on_disk - set(tree.files))
    reports = tree.flow_reports
    flows = {"flows": sum(1 for c in tree.components if c.type == "Flow"),
             "translated": sum(1 for r in reports if r.status == "translated"),
             "partial": sum(1 for r in reports if r.status == "partial"),
             "not_translated": sum(1 for r in reports if r.status == "not_translated")}
    counts = dict(sorted(Counter(c.type for c in tree.components).items()))
    if check:
        drift = tuple([f"differs or missing: {p}" for p in changed] + [f"not generated by the map: {p}" for p in stale])
        if drift:
            raise MetadataDriftError(
                f"The committed metadata differs from what the map generates ({len(drift)} file(s)): "
                + "; ".join(drift[:10]) + ("; …" if len(drift) > 10 else ""),
                hint="Run `st2sf metadata generate` and commit the result (never edit generated files by hand).",
                drift=list(drift))
        return GenerateResult(project, len(tree.files), counts, (), (), len(tree.files), flows, (),
                              time.perf_counter() - started)
    for path in changed:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(tree.files[path])
    for path in stale:
        (project / path).unlink()
    for folder in OWNED_FOLDERS:  # drop folders left empty by removals
        base = project / SOURCE_ROOT / folder
        for directory in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True) if base.is_dir() else ():
            if not any(directory.iterdir()):
                directory.rmdir()
    return GenerateResult(project, len(tree.files), counts, tuple(changed), tuple(stale),
                          len(tree.files) - len(changed), flows, (), time.perf_counter() - started)
