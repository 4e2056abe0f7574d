"""``st2sf plan``: the load plan of a built dataset against the org's limits. No logic: see
:func:`control.plan.make_plan`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.cli.context import MapDirOption, settings_from
from control.cli.output import JsonOption, emit, print_warnings
from control.plan import make_plan

__all__ = ["plan", "register"]


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def plan(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="Dataset name (default: [defaults] dataset in st2sf.toml).")] = None,
    org: Annotated[Optional[str], typer.Option(
        "--org", help="The org to plan against (default: the org the dataset was built for).")] = None,
    map_dir: MapDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan the load: steps in dependency order (parents first), cycles and self-lookups broken by deferred
    updates, Bulk or REST per step, and the budget — API requests, Bulk batches, data and file storage — against
    what the org has left (its /limits), with an estimated duration. Writes datasets/<name>/plan.json, with the
    org's Organization Id.

    A plan that does not fit the org's limits is refused (exit 2) naming each limit, the need and what is left; so
    is a dataset built for another Organization Id (a sandbox refreshed since the build is another org)."""
    result = make_plan(settings_from(ctx), name=name, org=org, map_dir=map_dir)

    def human(console: Console) -> None:
        table = Table("#", "step", "object", "action", "api", "rows", "requests", "batches", title=f"plan {result.dataset}")
        for i, step in enumerate(result.steps, start=1):
            table.add_row(str(i), step.name, step.sobject, step.action, step.cost.api, f"{step.cost.rows:,}",
                          f"{step.cost.requests:,}", f"{step.cost.batches:,}")
        console.print(table)
        for cycle in result.cycles:
            console.print(f"cycle: {' ↔ '.join(cycle)} (broken by deferred updates)", highlight=False, markup=False)
        budget = Table("allocation", "need", "remaining", "max", "fits", title="budget")
        for need in result.budget.values():
            budget.add_row(need.limit, f"{need.need:,}", "?" if need.remaining is None else f"{need.remaining:,}",
                           "?" if need.max is None else f"{need.max:,}", "yes" if need.fits else "NO")
        console.print(budget)
        console.print(f"estimated duration: {_duration(result.seconds)}; plan written to {result.path}",
                      highlight=False, markup=False)
        print_warnings(console, result.warnings)

    emit(result.as_dict(), as_json=as_json, human=human)


def register(root: typer.Typer) -> None:
    root.command("plan")(plan)
