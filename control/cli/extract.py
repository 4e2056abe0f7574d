"""``st2sf extract``: ServiceTracker (API or export folder) → staging store. No logic: see
:func:`control.servicetracker.extract.extract`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.cli.context import settings_from
from control.cli.output import JsonOption, emit, stderr
from control.cli.progress import progress_for
from control.errors import UsageError
from control.servicetracker.extract import extract as run_extract
from control.servicetracker.results import ExtractMode

__all__ = ["extract", "register"]


def extract(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Read every record again (a full pass), not only changes.")] = False,
    incremental: Annotated[bool, typer.Option(
        "--incremental", help="Only changes since the last completed pass (its watermark minus the 60 s commit lag); "
                              "fails for a resource never extracted completely.")] = False,
    since: Annotated[Optional[str], typer.Option(
        "--since", metavar="DATETIME", help="Only records changed at or after this instant (ISO-8601 with offset).")] = None,
    resource: Annotated[Optional[list[str]], typer.Option(
        "--resource", metavar="NAME", help="Extract only this resource (repeatable; default: all).")] = None,
    skip: Annotated[Optional[list[str]], typer.Option(
        "--skip", metavar="NAME", help="Leave this resource out (repeatable), e.g. workflows without admin:read.")] = None,
    no_files: Annotated[bool, typer.Option("--no-files", help="Do not download attachment bodies.")] = False,
    export: Annotated[Optional[Path], typer.Option(
        "--export", metavar="DIR", help="Read a tenant's export folder instead of the API (see docs/extract-and-audit.md).")] = None,
    page_size: Annotated[Optional[int], typer.Option(
        "--page-size", min=1, max=1000, help="Records per request (default: the source.page_size setting).")] = None,
    digest: Annotated[bool, typer.Option("--digest", help="Also compute the staging content digest (reads everything).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Extract ServiceTracker into the staging store: paced, checkpointed, resumable, incremental.

    Without a mode option, a resource extracted before continues from its watermark; a new one is read in full.

    An interrupted run is resumed from the last committed page of every resource.
    """
    if sum((full, incremental, since is not None)) > 1:
        raise UsageError("--full, --incremental and --since exclude each other.", hint="Choose one.")
    mode = ExtractMode.FULL if full else ExtractMode.INCREMENTAL if incremental else ExtractMode.AUTO
    settings = settings_from(ctx)
    with progress_for(stderr) as progress:
        result = run_extract(settings, mode=mode, since=since, only=tuple(resource or ()), skip=tuple(skip or ()),
                             files=not no_files, export_dir=export, page_size=page_size, digest=digest,
                             progress=progress)
    payload = result.as_dict()

    def human(console: Console) -> None:
        table = Table("feed", "pass", "read", "new", "updated", "unchanged", "deleted", title=f"extract {result.run_id}")
        for f in result.feeds:
            table.add_row(f.feed, str(f.kind), f"{f.fetched:,}", f"{f.inserted:,}", f"{f.updated:,}",
                          f"{f.unchanged:,}", f"{f.deleted:,}")
        console.print(table)
        fl = result.files
        console.print(f"files: {fl.downloaded:,} downloaded ({fl.bytes:,} bytes), {fl.present:,} already stored, "
                      f"{fl.missing:,} missing at the source, {fl.mismatched:,} with a wrong sha256", highlight=False)
        console.print(f"{result.requests.get('requests', 0):,} requests ({result.requests.get('rate_limited', 0):,} "
                      f"answered 429) in {result.elapsed_seconds:.1f} s — {result.records_per_second:,.0f} records/s",
                      highlight=False)
        if result.resumed_run:
            console.print(f"resumed interrupted run {result.resumed_run}", highlight=False)
        if result.digest:
            console.print(f"staging digest: {result.digest.digest} ({result.digest.records:,} records)", highlight=False)

    emit(payload, as_json=as_json, human=human)


def register(root: typer.Typer) -> None:
    root.command("extract")(extract)
