"""``st2sf audit``: staging → migration specification (spec.json, report.html, findings.csv). No logic: see
:func:`control.audit.audit`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.audit import UserDirectory
from control.audit import audit as run_audit
from control.audit.findings import KIND_INFO, FindingKind
from control.audit.run import DEFAULT_DAILY_API_LIMIT
from control.cli.context import settings_from
from control.cli.output import JsonOption, emit

__all__ = ["audit", "register"]


def audit(
    ctx: typer.Context,
    out: Annotated[Optional[Path], typer.Option(
        "--out", metavar="DIR", help="Folder for spec.json, report.html and findings.csv (default: the state "
                                     "folder's audit/<run id>/).")] = None,
    users: Annotated[Optional[Path], typer.Option(
        "--users", metavar="FILE", help="The org's users (JSON {\"users\": [{\"email\", \"active\"}]} or CSV with "
                                        "email,active) to find technicians without an active user.")] = None,
    org: Annotated[Optional[str], typer.Option(
        "--org", help="Check against this configured org: its users (technicians without an active user) and the "
                      "real target field lengths of the map (mapping/) for over-long values.")] = None,
    map_dir: Annotated[Optional[Path], typer.Option(
        "--map", help="The map whose targets give the field lengths with --org (default: mapping/).")] = None,
    override_mobile_sync: Annotated[Optional[str], typer.Option(
        "--override-mobile-sync", metavar="REASON", help="Accept devices with unsynced offline changes; the reason "
                                                         "is kept in the specification and the ledger.")] = None,
    daily_api_limit: Annotated[int, typer.Option(
        "--daily-api-limit", min=1, help="The org's daily API request allowance, for the budget.")] = DEFAULT_DAILY_API_LIMIT,
    keep: Annotated[int, typer.Option(
        "--keep", min=1, help="Record references per finding kept in spec.json and the report (findings.csv has all).")] = 1000,
    as_json: JsonOption = False,
) -> None:
    """Audit the staging store: inventory, discovered custom fields, picklists, findings, preflight, budget, grade."""
    settings = settings_from(ctx)
    directory = UserDirectory.from_file(users) if users is not None else None
    limits = None
    if org is not None:
        from control.audit.from_map import limits_from_map, users_from_org
        from control.mapping.validate import target_schema_for
        from control.transform.inputs import load_expanded, map_folder, read_org_snapshot

        expanded, _ = load_expanded(settings, map_folder(settings, map_dir))
        snapshot = read_org_snapshot(settings, org, expanded)
        limits = limits_from_map(expanded, target_schema_for(expanded, snapshot.schema))
        directory = directory or users_from_org(snapshot.users)
    result = run_audit(settings, out_dir=out, users=directory, limits=limits,
                       override_mobile_sync=override_mobile_sync, daily_api_limit=daily_api_limit, keep=keep)

    def human(console: Console) -> None:
        console.print(f"[bold]Grade {result.grade}[/bold] ({result.label}) — {result.records:,} records", highlight=False)
        if result.cutover_blocked:
            console.print("[red]Cutover blocked:[/red] mobile devices hold unsynced offline changes (see the report).")
        table = Table("finding", "severity", "records")
        for kind, count in sorted(result.findings.items(), key=lambda kv: -kv[1]):
            info = KIND_INFO[FindingKind(kind)]
            table.add_row(kind, str(info.severity), f"{count:,}")
        console.print(table)
        console.print(f"specification: {result.spec_path}\nreport:        {result.report_path}\n"
                      f"findings:      {result.findings_path}", highlight=False)

    emit(result.as_dict(), as_json=as_json, human=human)


def register(root: typer.Typer) -> None:
    root.command("audit")(audit)
