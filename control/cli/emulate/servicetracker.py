"""``st2sf emulate servicetracker``: the local ServiceTracker sandbox (docs/servicetracker-api.md).

Each command runs ``python -m emulators.servicetracker <command> --state-dir <project state> …`` through
:mod:`control.emulation` — control never imports the emulator. State lives in
``<state_dir>/servicetracker/<name>/``. ``start`` prints the ``base_url`` and ``api_key`` to give the
extractor (the key of a local sandbox is shown on purpose; nothing else here prints secrets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from control.cli.output import JsonOption, emit
from control.emulation import exec_emulator, run_emulator
from control.settings import load_settings

__all__ = ["app"]

app = typer.Typer(help="The local ServiceTracker sandbox: generate a tenant, serve it, churn it.",
                  no_args_is_help=True)

NameOption = Annotated[str, typer.Option("--name", help="Sandbox name (state folder servicetracker/NAME).")]
RecordsOption = Annotated[int, typer.Option("--records", min=400, help="Records of a generated tenant.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Generator seed (same seed, same tenant).")]
FixtureOption = Annotated[Optional[Path], typer.Option("--fixture", help="Serve this fixture folder instead.")]
PortOption = Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port on 127.0.0.1 (0: any free).")]
RateOption = Annotated[Optional[float], typer.Option("--rate-limit", min=0, help="Requests/s per key (0: unlimited).")]
BurstOption = Annotated[Optional[int], typer.Option("--burst", min=1, help="Bucket size per key.")]
StormOption = Annotated[float, typer.Option("--storm-rate", min=0, max=1, help="Share of requests answered 429 (seeded).")]
StormSeedOption = Annotated[int, typer.Option("--storm-seed", help="Seed of the 429 storm.")]


def _state(ctx: typer.Context, name: str) -> list[str]:
    root = ctx.find_root().obj or {}
    settings = load_settings(root=root.get("project"))
    return ["--state-dir", str(settings.state_dir), "--name", name]


def _serve_args(fixture: Path | None, records: int, seed: int, port: int, rate_limit: float | None,
                burst: int | None, storm_rate: float, storm_seed: int) -> list[str]:
    args = ["--records", str(records), "--seed", str(seed), "--port", str(port), "--storm-rate", str(storm_rate),
            "--storm-seed", str(storm_seed)]
    if fixture is not None:
        args += ["--fixture", str(fixture.resolve())]
    if rate_limit is not None:
        args += ["--rate-limit", str(rate_limit)]
    if burst is not None:
        args += ["--burst", str(burst)]
    return args


def _show(result: dict[str, Any], as_json: bool) -> None:
    emit(result, as_json=as_json, reveal=frozenset({"api_key"}))


@app.command()
def generate(
    ctx: typer.Context,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder to write (default: the sandbox's tenant/).")] = None,
    records: RecordsOption = 5000,
    seed: SeedOption = 1,
    defect_rate: Annotated[Optional[list[str]], typer.Option("--defect-rate", help="KIND=RATE (repeatable).")] = None,
    no_defects: Annotated[bool, typer.Option("--no-defects", help="Plant no defects (except --defect-rate ones).")] = False,
    large_attachments: Annotated[int, typer.Option("--large-attachments", min=0, help="Over-25 MB attachments.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing generated tenant.")] = False,
    name: NameOption = "demo",
    as_json: JsonOption = False,
) -> None:
    """Write a realistic tenant (fixture folder) with planted defects and a defects.json manifest."""
    args = ["generate", *_state(ctx, name), "--records", str(records), "--seed", str(seed),
            "--large-attachments", str(large_attachments)]
    if out is not None:
        args += ["--out", str(out.resolve())]
    for pair in defect_rate or []:
        args += ["--defect-rate", pair]
    if no_defects:
        args.append("--no-defects")
    if force:
        args.append("--force")
    _show(run_emulator("servicetracker", args, timeout=3600), as_json)


@app.command()
def start(
    ctx: typer.Context,
    fixture: FixtureOption = None,
    records: RecordsOption = 5000,
    seed: SeedOption = 1,
    port: PortOption = 0,
    rate_limit: RateOption = None,
    burst: BurstOption = None,
    storm_rate: StormOption = 0.0,
    storm_seed: StormSeedOption = 0,
    name: NameOption = "demo",
    as_json: JsonOption = False,
) -> None:
    """Run the sandbox in the background (generating a tenant first if it has none); print base_url and api_key."""
    args = ["start", *_state(ctx, name), *_serve_args(fixture, records, seed, port, rate_limit, burst, storm_rate,
                                                       storm_seed)]
    _show(run_emulator("servicetracker", args, timeout=3600), as_json)


@app.command()
def serve(
    ctx: typer.Context,
    fixture: FixtureOption = None,
    records: RecordsOption = 5000,
    seed: SeedOption = 1,
    port: PortOption = 0,
    rate_limit: RateOption = None,
    burst: BurstOption = None,
    storm_rate: StormOption = 0.0,
    storm_seed: StormSeedOption = 0,
    name: NameOption = "demo",
) -> None:
    """Run the sandbox in the foreground until interrupted."""
    args = ["serve", *_state(ctx, name), *_serve_args(fixture, records, seed, port, rate_limit, burst, storm_rate,
                                                       storm_seed)]
    code = exec_emulator("servicetracker", args)
    if code:
        raise typer.Exit(code)


@app.command()
def stop(ctx: typer.Context, name: NameOption = "demo", as_json: JsonOption = False) -> None:
    """Stop the background sandbox."""
    _show(run_emulator("servicetracker", ["stop", *_state(ctx, name)]), as_json)


@app.command()
def status(ctx: typer.Context, name: NameOption = "demo", as_json: JsonOption = False) -> None:
    """Whether the sandbox runs, and where (base_url, pid, tenant folder)."""
    _show(run_emulator("servicetracker", ["status", *_state(ctx, name)]), as_json)


@app.command()
def churn(
    ctx: typer.Context,
    creates: Annotated[int, typer.Option("--creates", min=0)] = 0,
    updates: Annotated[int, typer.Option("--updates", min=0)] = 0,
    deletes: Annotated[int, typer.Option("--deletes", min=0)] = 0,
    seed: SeedOption = 1,
    name: NameOption = "demo",
    as_json: JsonOption = False,
) -> None:
    """Play the field team during cutover: create, update and delete records in the served tenant."""
    args = ["churn", *_state(ctx, name), "--creates", str(creates), "--updates", str(updates),
            "--deletes", str(deletes), "--seed", str(seed)]
    _show(run_emulator("servicetracker", args), as_json)
