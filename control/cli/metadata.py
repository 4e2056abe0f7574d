"""``st2sf metadata``: generate the Salesforce schema from the map, validate it, deploy it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from control.cli.context import MapDirOption, settings_from
from control.cli.output import JsonOption, emit
from control.metadata.deploy import deploy_metadata
from control.metadata.generate import generate_metadata
from control.metadata.validate_tree import validate_metadata

__all__ = ["app", "register"]

app = typer.Typer(help="The Salesforce schema generated from the map: generate force-app/, validate it against the "
                       "Metadata API schema, deploy it with CumulusCI.", no_args_is_help=True)


@app.command("generate")
def generate(
    ctx: typer.Context,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; fail (exit 1) when force-app/ differs from "
                                                        "what the map generates.")] = False,
    map_dir: MapDirOption = None,
    inventory: Annotated[Optional[Path], typer.Option(
        "--inventory", help="Source inventory to expand auto custom fields and tables from "
                            "(default: mapping/source-inventory.json).")] = None,
    workflows: Annotated[Optional[Path], typer.Option(
        "--workflows", help="ServiceTracker workflows to rebuild as Flows (default: mapping/workflows.jsonl).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write SFDX source for the map in force-app/main/default (objects, fields, record types, layouts,
    permission sets, Flows) and manifest/package.xml; every file is validated against the Metadata API schema."""
    settings = settings_from(ctx)
    result = generate_metadata(settings.root, map_dir=map_dir, inventory=inventory, workflows=workflows, check=check)
    payload = result.as_dict()

    def human(console: Console) -> None:
        counts = ", ".join(f"{n} {kind}" for kind, n in result.components.items())
        flows = result.flows
        if check:
            console.print(f"force-app/ is current: {result.files} files match the map ({counts}).", highlight=False)
        else:
            console.print(f"Generated {result.files} files ({counts}) in {result.seconds:.2f} s: "
                          f"{len(result.written)} written, {len(result.removed)} removed, {result.unchanged} unchanged.",
                          highlight=False)
        console.print(f"Workflows: {flows['translated']} translated, {flows['partial']} partly, "
                      f"{flows['not_translated']} to rebuild by hand (see manifest/flow-translation.md).",
                      highlight=False)

    emit(payload, as_json=as_json, human=human)


@app.command("validate")
def validate(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Validate every metadata file in force-app/ and manifest/package.xml against the Metadata API schema
    (the one embedded in simple-salesforce's metadata.wsdl); problems exit 1 with file:line:column."""
    settings = settings_from(ctx)
    report = validate_metadata(settings.root)
    emit(report.as_dict(), as_json=as_json,
         human=lambda c: c.print(f"{report.files} metadata files are valid against the Metadata API schema.",
                                 highlight=False))


@app.command("deploy")
def deploy(
    ctx: typer.Context,
    org: Annotated[Optional[str], typer.Option("--org", help="The org to deploy to (default: [defaults] org).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Deploy force-app/ with CumulusCI (`cci flow run deploy_migration_schema`) and assign the migration
    permission set; refuses metadata that is stale or invalid. Deploying again changes nothing."""
    settings = settings_from(ctx)
    result = deploy_metadata(settings, org)
    emit(result.as_dict(), as_json=as_json,
         human=lambda c: c.print(f"Deployed {result.files} metadata files to '{result.org}' and assigned "
                                 f"{result.permission_set} ({result.seconds:.1f} s, run {result.run_id}).",
                                 highlight=False))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="metadata")
