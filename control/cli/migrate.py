"""``st2sf migrate``: load a planned dataset into an org. No logic: see :func:`control.load.migrate`."""

from __future__ import annotations

from typing import Annotated, Any, Mapping, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.cli.context import settings_from
from control.cli.output import JsonOption, emit, print_warnings
from control.load import migrate as run_migrate

__all__ = ["migrate", "register", "accounting_table"]


def accounting_table(accounting: Mapping[str, Any]) -> Table:
    """The per-object accounting of a run: source = loaded + quarantined + skipped + failed."""
    table = Table("object", "source", "loaded", "quarantined", "skipped", "failed", "balanced",
                  title=f"run {accounting.get('run_id')}: {accounting.get('dataset')} → {accounting.get('org')}")
    for name, row in sorted(accounting.get("objects", {}).items()):
        table.add_row(name, *(f"{int(row[k]):,}" for k in ("source", "loaded", "quarantined", "skipped", "failed")),
                      "yes" if row["balanced"] else "NO")
    total = accounting.get("totals") or {}
    if total:
        table.add_row("total", *(f"{int(total[k]):,}" for k in ("source", "loaded", "quarantined", "skipped", "failed")),
                      "yes" if total.get("balanced") else "NO", style="bold")
    return table


def migrate(
    ctx: typer.Context,
    org: Annotated[Optional[str], typer.Option(
        "--org", help="The org to load into (default: the org the dataset was built for).")] = None,
    dataset: Annotated[Optional[str], typer.Option(
        "--dataset", help="Dataset name (default: [defaults] dataset in st2sf.toml).")] = None,
    error_budget: Annotated[float, typer.Option(
        "--error-budget", min=0.0, max=100.0,
        help="Percent of a step's rows that may fail before the run stops after that step (default 0: any "
             "failed row fails the run).")] = 0.0,
    as_json: JsonOption = False,
) -> None:
    """Load the dataset into the org as its plan says, through CumulusCI's LoadData: parents first, deferred
    lookups after, Bulk or REST per step, files last. Idempotent (a re-run writes only rows missing from the org
    or changed since) and resumable (after an interruption, run it again). Refuses to start (exit 2) unless the
    dataset is complete, planned to fit, built from the approved map for this org — and, with its plan, for this
    org's Organization Id (a refreshed sandbox is another org) — and every field it writes is writable by the
    running user. Prints the per-object accounting; the run folder holds accounting.json,
    errors.jsonl and report.html."""
    settings = settings_from(ctx)
    name = dataset or settings.defaults.dataset
    console = Console(stderr=True)

    def progress(event: str, info: Mapping[str, Any]) -> None:
        if event == "step_done" and not as_json:
            console.print(f"{info['name']}: {info['rows']:,} rows, {info['created']:,} created, "
                          f"{info['updated']:,} updated, {info['unchanged']:,} unchanged, {info['failed']:,} failed "
                          f"({info['seconds']:.1f} s)", highlight=False, markup=False)

    result = run_migrate(settings, dataset=name, org=org, error_budget=error_budget, progress=progress)

    def human(out: Console) -> None:
        out.print(accounting_table(result.accounting))
        print_warnings(out, result.accounting.get("warnings", ()))
        out.print(f"run folder: {result.run_folder}\nreport: {result.report}", highlight=False, markup=False)

    emit({"run_id": result.run_id, "dataset": result.dataset, "org": result.org, "ok": result.ok,
          "run_folder": str(result.run_folder), "report": str(result.report), "accounting": result.accounting},
         as_json=as_json, human=human)
    if not result.ok:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    root.command("migrate")(migrate)
