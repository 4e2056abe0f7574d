"""``st2sf demo``: the whole migration against the local emulators (what ``make demo`` runs). No logic: see
:func:`control.demo.run_demo`; docs/demo.md says what each stage does."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Mapping, Optional

import typer
from rich.console import Console

from control.cli.context import settings_from
from control.cli.output import JsonOption, emit, stderr, stdout
from control.demo import DEFAULT_RECORDS, DEFAULT_SEED, DemoResult, run_demo
from control.settings import load_settings

__all__ = ["demo", "register"]


def _printer(console: Console):
    def progress(event: str, info: Mapping[str, Any]) -> None:
        if event == "stage":
            head = f"[{info['index']:>2}/{info['of']}] {info['stage']}"
            if info.get("status") == "started":
                console.print(f"{head} …", highlight=False, markup=False)
            else:
                summary = f" — {info['summary']}" if info.get("summary") else ""
                console.print(f"{head} done in {info['seconds']:.1f} s{summary}", highlight=False, markup=False)
        elif event == "step" and info.get("name"):
            console.print(f"        {info['name']} …", highlight=False, markup=False)
        elif event == "step_done" and info.get("name"):
            counts = ", ".join(f"{info.get(k, 0):,} {k}" for k in ("created", "updated", "unchanged", "failed")
                               if info.get(k))
            console.print(f"        {info['name']}: {info.get('rows', 0):,} rows{', ' + counts if counts else ''} "
                          f"({float(info.get('seconds') or 0):.1f} s)", highlight=False, markup=False)

    return progress


_COLUMNS = ("source", "loaded", "quarantined", "skipped", "failed")


def _accounting_lines(result: DemoResult) -> list[str]:
    """The per-object table as plain lines (full resource names at any terminal width, readable in CI logs)."""
    objects = result.accounting.get("objects", {})
    width = max([len("source resource"), *(len(r) for r in objects)])
    lines = [f"accounting of run {result.run_id}",
             f"{'source resource':<{width}}  " + "  ".join(f"{c:>11}" for c in _COLUMNS) + "  balances"]
    rows = [*objects.items(), ("total", result.accounting.get("totals", {}))]
    for resource, counts in rows:
        lines.append(f"{resource:<{width}}  " + "  ".join(f"{counts.get(c, 0):>11,}" for c in _COLUMNS)
                     + ("  yes" if counts.get("balanced") else "  NO"))
    return lines


def _json(result: DemoResult) -> dict[str, Any]:
    return {"ok": result.ok, "balanced": result.balanced, "run_id": result.run_id, "org": result.org, "dataset": result.dataset,
            "records": result.records, "seed": result.seed,
            "objects": result.accounting.get("objects", {}), "totals": result.accounting.get("totals", {}),
            "files": result.accounting.get("files", {}),
            "report": str(result.report), "audit_report": str(result.audit_report), "spec": str(result.spec),
            "plan": str(result.plan), "dataset_folder": str(result.dataset_folder),
            "instance_url": result.instance_url, "username": result.username, "stages": result.stages,
            "seconds": result.seconds}


def demo(
    ctx: typer.Context,
    records: Annotated[int, typer.Option(
        "--records", min=400, help="Records of the generated ServiceTracker tenant (scales the whole demo).")]
    = DEFAULT_RECORDS,
    seed: Annotated[int, typer.Option("--seed", help="Generator seed (same seed, same tenant).")] = DEFAULT_SEED,
    project: Annotated[Optional[Path], typer.Option(
        "--project", help="The project to run it in (default: as for every command — the nearest st2sf.toml; "
                          "the repository itself is the demo project).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the whole migration against the local emulators: generate a ServiceTracker tenant, start the sandbox and
    the emulated org `demo`, extract, audit, approve the default map as `demo`, deploy the schema, build the
    dataset, plan and migrate; print the per-object accounting and where the reports are.

    The org `demo` stays up afterwards to browse (`st2sf emulate salesforce stop demo` ends it); the sandbox is
    stopped. Running it again changes nothing in the org. With --json: the per-object accounting and the paths."""
    settings = load_settings(project) if project is not None else settings_from(ctx)
    result = run_demo(settings, records=records, seed=seed, progress=_printer(stderr if as_json else stdout))

    def human(console: Console) -> None:
        for line in _accounting_lines(result):
            console.print(line, highlight=False, markup=False)
        state = "[green]OK[/green]" if result.ok else "[red]FAILED[/red]"
        console.print(f"\ndemo {state} in {result.seconds:.0f} s ({result.records:,} records, seed {result.seed})",
                      highlight=False)
        if not result.balanced:
            console.print("[red]The accounting does not add up for every object[/red] (see the run report).")
        for label, path in (("run report", result.report), ("audit report", result.audit_report),
                            ("specification", result.spec), ("plan", result.plan),
                            ("dataset", result.dataset_folder)):
            console.print(f"{label + ':':15} {path}", highlight=False, markup=False)
        console.print(f"\nThe org '{result.org}' is still running: {result.instance_url} (user {result.username}).",
                      highlight=False, markup=False)
        console.print(f"  connect:  st2sf emulate salesforce start {result.org}   (prints its URL and access token; "
                      "starts nothing when it runs)", highlight=False, markup=False)
        console.print(f"  export:   st2sf emulate salesforce export {result.org} > org.json", highlight=False,
                      markup=False)
        console.print(f"  stop it:  st2sf emulate salesforce stop {result.org}", highlight=False, markup=False)

    emit(_json(result), as_json=as_json, human=human)
    if not result.ok:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
