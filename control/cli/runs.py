"""``st2sf runs``: the run ledger — list runs, show one, verify the audit log's hash chain."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.cli.context import settings_from
from control.cli.output import JsonOption, emit
from control.ledger import commands

__all__ = ["app", "register"]

app = typer.Typer(help="The run ledger: list runs, show a run's steps and counts, verify the audit log.")


@app.callback(invoke_without_command=True)
def runs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many runs to list, newest first.")] = 50,
    command: Annotated[Optional[str], typer.Option(help="Only runs of this command (e.g. migrate).")] = None,
    as_json: JsonOption = False,
) -> None:
    """List runs, newest first (``st2sf runs``), or run a sub-command."""
    if ctx.invoked_subcommand is not None:
        return
    result = commands.list_runs(settings_from(ctx), limit=limit, command=command)

    def human(console: Console) -> None:
        if not result["runs"]:
            console.print("No runs yet.")
            return
        table = Table("run", "command", "status", "started", "ended")
        for r in result["runs"]:
            table.add_row(r["id"], r["command"], r["status"], r["started_at"], r["ended_at"] or "")
        console.print(table)

    emit(result, as_json=as_json, human=human)


@app.command("show")
def show(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="The run id (from `st2sf runs`).")],
    as_json: JsonOption = False,
) -> None:
    """Show one run: options, steps with their states and counts, Ids recorded per object."""
    result = commands.show_run(settings_from(ctx), run_id)

    def human(console: Console) -> None:
        console.print(f"[bold]{result['id']}[/bold]  {result['command']}  {result['status']}", highlight=False)
        table = Table("#", "step", "status", "counts")
        for s in result["steps"]:
            counts = ", ".join(f"{k}={v}" for k, v in s["counts"].items())
            table.add_row(str(s["seq"]), s["name"], s["status"], counts)
        console.print(table)
        for sobject, actions in result["ids"].items():
            console.print(f"{sobject}: " + ", ".join(f"{a} {n}" for a, n in actions.items()), highlight=False)

    emit(result, as_json=as_json, human=human)


@app.command("verify-log")
def verify_log(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Recompute the audit log's hash chain; name the first tampered entry (exit 1) if any."""
    result = commands.verify_log(settings_from(ctx))
    emit(result, as_json=as_json,
         human=lambda c: c.print(f"Audit log intact: {result['entries']} entries verified.", highlight=False))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="runs")
