"""``st2sf dataset``: build the CumulusCI dataset from staging and the approved map. No logic: see
:func:`control.transform.build_dataset`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.cli.context import MapDirOption, settings_from
from control.cli.output import JsonOption, emit, print_warnings, stderr
from control.cli.progress import progress_for
from control.transform import build_dataset
from control.transform.build import DEFAULT_SQL_LIMIT

__all__ = ["app", "register"]

app = typer.Typer(help="CumulusCI datasets: staged ServiceTracker records, transformed by the approved map and checked "
                       "against the org, ready to load.", no_args_is_help=True)


@app.command("build")
def build(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="Dataset name: datasets/<name>/ (default: [defaults] dataset in st2sf.toml).")] = None,
    org: Annotated[Optional[str], typer.Option(
        "--org", help="The target org whose describe, users and record types the values are checked against "
                      "(default: [defaults] org).")] = None,
    map_dir: MapDirOption = None,
    batch: Annotated[int, typer.Option("--batch", min=50, max=20000, help="Records read and written per batch.")] = 1000,
    sql_limit: Annotated[int, typer.Option(
        "--sql-limit", min=0, help="Also write <name>.dataset.sql when the dataset has at most this many rows "
                                   "(larger ones are loaded from the SQLite database).")] = DEFAULT_SQL_LIMIT,
    as_json: JsonOption = False,
) -> None:
    """Transform the staged records with the approved map into datasets/<name>/: the CumulusCI mapping (upsert on
    ServiceTracker_Id__c, load order, deferred lookups), the data, quarantine.jsonl (every record held back, with
    what to change), files.jsonl (attachments to upload) and owners.json (the technician → user gap report).

    Refuses a map that is not approved. Every source record ends in the dataset, quarantined or skipped; the
    counts per object add up to the staged count. dataset.json records the org's Organization Id: plan and migrate
    refuse the dataset once the org is another one (a sandbox refreshed since)."""
    settings = settings_from(ctx)
    with progress_for(stderr, verb="transform") as progress:
        started: list[str] = []

        def advance(resource: str, records: int) -> None:
            if resource not in started:
                if started:
                    progress.feed_finished(started[-1], "done")
                started.append(resource)
                progress.feed_started(resource, None, 0)
            progress.feed_advanced(resource, records)

        result = build_dataset(settings, name=name, map_dir=map_dir, org=org, batch=batch, sql_limit=sql_limit,
                               progress=advance)
        if started:
            progress.feed_finished(started[-1], "done")

    def human(console: Console) -> None:
        table = Table("object", "source", "dataset", "quarantined", "skipped", title=f"dataset {result.name}")
        for resource, row in result.accounting.items():
            table.add_row(resource, f"{row['source']:,}", f"{row['dataset']:,}", f"{row['quarantined']:,}",
                          f"{row['skipped']:,}")
        table.add_row("total", f"{result.records:,}", f"{result.dataset:,}", f"{result.quarantined:,}",
                      f"{result.skipped:,}")
        console.print(table)
        print_warnings(console, result.warnings)
        console.print(f"{result.rows:,} rows in {result.database} ({result.seconds:.1f} s); mapping {result.mapping}",
                      highlight=False, markup=False)

    emit(result.as_dict(), as_json=as_json, human=human)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="dataset")
