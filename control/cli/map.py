"""``st2sf map``: check the migration map against the source inventory and the target org."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from control.cli.context import settings_from
from control.cli.output import JsonOption, emit
from control.mapping.approval import approve_map, latest_approval, map_changes
from control.mapping.digest import map_digest
from control.mapping.inventory_adapters import read_inventory
from control.mapping.loader import load_map
from control.mapping.target_schema import TargetSchema, read_describes
from control.mapping.validate import target_schema_for, validate_map
from control.metadata.generate import INVENTORY_FILE
from control.salesforce.access import connect, describe_objects, org_access
from control.settings import Settings

__all__ = ["app", "register"]

app = typer.Typer(help="The migration map: validate it against the ServiceTracker inventory and the Salesforce org.",
                  no_args_is_help=True)


def _org_schema(settings: Settings, org: str, map_dir: Path) -> TargetSchema:
    loaded = load_map(map_dir, root=settings.root)
    names = {"User"}
    if loaded.map is not None:
        names |= {r.target for rule in loaded.map.objects for r in rule.all_routes()}
        names |= {record.target for record in loaded.map.records.values()}
    client = connect(org_access(settings, org), loaded.map.settings.api_version if loaded.map else "63.0")
    return TargetSchema.from_describes(describe_objects(client, sorted(names)))


@app.command("validate")
def validate(
    ctx: typer.Context,
    map_dir: Annotated[Optional[Path], typer.Option("--map", help="The map folder (default: mapping/ in the project).")] = None,
    inventory: Annotated[Optional[Path], typer.Option(
        "--inventory", help="Source inventory: the audit's st2sf inventory, the contract's JSON Schema, or a "
                            "GET /schema reply (default: mapping/source-inventory.json).")] = None,
    describe: Annotated[Optional[list[Path]], typer.Option(
        "--describe", help="Describe JSON of target objects (a file or a folder of them; repeatable).")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="Describe the target objects in this configured org.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the map: every unknown object, field, picklist value, type mismatch or unmappable rule, with its
    file:line:column. Errors exit 2, all listed at once; warnings are printed and do not fail."""
    settings = settings_from(ctx)
    folder = map_dir or settings.root / "mapping"
    source = inventory or (folder / INVENTORY_FILE if (folder / INVENTORY_FILE).is_file() else None)
    target: TargetSchema | None = None
    if describe:
        target = read_describes(describe)
    if org:
        from_org = _org_schema(settings, org, folder)
        target = from_org if target is None else TargetSchema([*target.objects.values(), *from_org.objects.values()])
    report = validate_map(folder, inventory=read_inventory(source) if source else None, target=target,
                          root=settings.root)
    result = report.as_dict()
    if report.map is not None:
        result["target_objects"] = len(target_schema_for(report.map, target).objects)

    def human(console: Console) -> None:
        for issue in report.issues:
            console.print(issue.one_line(), highlight=False, markup=False)
        checked = [name for name, done in (("source inventory", report.source_checked),
                                           ("target org", report.target_checked)) if done]
        missing = [name for name, done in (("source inventory", report.source_checked),
                                           ("target org", report.target_checked)) if not done]
        console.print(f"Map OK: {result['objects']} object rules, {result['routes']} routes, "
                      f"{len(report.warnings)} warning(s); checked against {', '.join(checked) or 'itself only'}"
                      + (f" (not checked: {', '.join(missing)} — pass --inventory / --org or --describe)" if missing
                         else "") + ".", highlight=False)

    emit(result, as_json=as_json, human=human)


MapDirOption = Annotated[Optional[Path], typer.Option("--map", help="The map folder (default: mapping/ in the project).")]


@app.command("approve")
def approve(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="Who approves (recorded in the ledger's audit log).")],
    map_dir: MapDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve the map as it is now: its content hash, the approver and the time go into the ledger.
    Nothing loads from a map whose hash is not the latest approved one."""
    settings = settings_from(ctx)
    approval = approve_map(settings, map_dir or settings.root / "mapping", by=by)
    emit(approval._asdict(), as_json=as_json, human=lambda c: c.print(
        f"Approved {approval.digest} by {approval.by} at {approval.at} (audit entry {approval.audit_seq}).",
        highlight=False))


@app.command("status")
def status(ctx: typer.Context, map_dir: MapDirOption = None, as_json: JsonOption = False) -> None:
    """Whether the map is approved as it is now; if not, what changed since the last approval."""
    settings = settings_from(ctx)
    folder = map_dir or settings.root / "mapping"
    current = map_digest(folder)
    approval = latest_approval(settings)
    changes = map_changes(settings, approval, folder) if approval and approval.digest != current else []
    result = {"digest": current, "approved": bool(approval and approval.digest == current),
              "approval": approval._asdict() if approval else None, "changes": changes}

    def human(console: Console) -> None:
        if approval is None:
            console.print(f"Not approved: {current} has never been approved (st2sf map approve --by NAME).",
                          highlight=False)
        elif result["approved"]:
            console.print(f"Approved: {current} by {approval.by} at {approval.at}.", highlight=False)
        else:
            console.print(f"Not approved: changed since {approval.by} approved {approval.digest} at {approval.at}:",
                          highlight=False)
            for change in changes:
                console.print(f"  {change}", highlight=False, markup=False)

    emit(result, as_json=as_json, human=human)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="map")
