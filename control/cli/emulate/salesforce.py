"""``st2sf emulate salesforce``: run local Salesforce orgs (no logic here; see control.emulation).

``start``/``reset`` pass ``--faults FILE`` and ``--limits FILE`` on to the emulator (fault injection
and limit overrides); ``export`` prints the org's full state as one deterministic JSON object.

Each command runs ``python -m emulators.salesforce <command> NAME --state-dir <state>/`` through
:func:`control.emulation.run_emulator` (``serve`` through :func:`control.emulation.exec_emulator`).
The state folder is the project's (``settings.state_dir``). A seed file ``orgs/emulator/NAME.yml``
in the project, or the ``seed`` of ``[orgs.NAME]`` in st2sf.toml, is handed to the emulator; without
one it uses its built-in seed. ``--sandbox``/``--production`` default to ``[orgs.NAME] sandbox``
when the org is configured there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from control.cli.output import JsonOption, emit
from control.emulation import configured_org_seed, exec_emulator, run_emulator
from control.cli.context import settings_from
from control.settings import Settings

__all__ = ["app"]

app = typer.Typer(
    help="A local Salesforce org over HTTPS: start, stop, status, reset, serve, export.",
    no_args_is_help=True,
)

# the emulator's own credentials: a user needs to see them to connect other tools
_REVEAL = frozenset({"access_token", "client_secret", "refresh_token", "cumulusci_env", "jwt_key_file", "admin_token"})

NameArg = Annotated[str, typer.Argument(help="Org name (letters, digits, - and _), e.g. dev or uat.")]
PortOption = Annotated[
    Optional[int], typer.Option("--port", help="TCP port on 127.0.0.1 (default: the org's kept port, else a free one).")
]
FaultsOption = Annotated[
    Optional[Path], typer.Option("--faults", help="Fault injection settings for the org (YAML/JSON mapping).")
]
LimitsOption = Annotated[
    Optional[Path], typer.Option("--limits", help="Limit overrides for the org (YAML/JSON mapping).")
]
SandboxOption = Annotated[
    Optional[bool],
    typer.Option(
        "--sandbox/--production",
        help="Make a new org a sandbox or a production org (default: [orgs.NAME] sandbox in st2sf.toml, else production).",
    ),
]


def _settings(ctx: typer.Context) -> Settings:
    return settings_from(ctx)


def _base(settings: Settings, command: str, name: str | None) -> list[str]:
    args = [command] + ([name] if name else [])
    return [*args, "--state-dir", str(settings.state_dir)]


def _settings_files(faults: Path | None, limits: Path | None) -> list[str]:
    args: list[str] = []
    if faults is not None:
        args += ["--faults", str(faults.resolve())]
    if limits is not None:
        args += ["--limits", str(limits.resolve())]
    return args


def _creation_args(settings: Settings, name: str, port: int | None, sandbox: bool | None) -> list[str]:
    args: list[str] = []
    configured = settings.orgs.get(name)
    seed = configured_org_seed(settings, name)
    if seed is not None:
        args += ["--seed", str(seed)]
    if port:
        args += ["--port", str(port)]
    if sandbox is None and configured is not None and configured.kind == "emulator":
        sandbox = configured.sandbox
    if sandbox is not None:
        args.append("--sandbox" if sandbox else "--production")
    return args


def _human_details(result: dict[str, Any]) -> Any:
    def show(console: Console) -> None:
        state = "started" if result.get("started") else "already running" if result.get("pid") else "stopped"
        console.print(f"[bold]{result['org']}[/bold] ({'sandbox' if result.get('sandbox') else 'production'}) {state}")
        for key in ("instance_url", "username", "org_id", "access_token", "ca_bundle", "pid"):
            console.print(f"  {key}: {result.get(key)}", highlight=False)
        for var, value in (result.get("cumulusci_env") or {}).items():
            console.print(f"  export {var}='{value}'", highlight=False, soft_wrap=True)

    return show


@app.command("start")
def start(
    ctx: typer.Context,
    name: NameArg,
    port: PortOption = None,
    sandbox: SandboxOption = None,
    faults: FaultsOption = None,
    limits: LimitsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Start an org in the background (created from its seed on first start) and print how to connect."""
    settings = _settings(ctx)
    args = _base(settings, "start", name) + _creation_args(settings, name, port, sandbox) + _settings_files(faults, limits)
    result = run_emulator("salesforce", args)
    emit(result, as_json=json_output, human=_human_details(result), reveal=_REVEAL)


@app.command("stop")
def stop(ctx: typer.Context, name: NameArg, json_output: JsonOption = False) -> None:
    """Stop a running org (its records stay)."""
    settings = _settings(ctx)
    result = run_emulator("salesforce", _base(settings, "stop", name))
    emit(result, as_json=json_output)


@app.command("status")
def status(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(help="Only this org (default: every org).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Show the emulated orgs of this project: running or not, URL, username."""
    settings = _settings(ctx)
    result = run_emulator("salesforce", _base(settings, "status", name))

    def show(console: Console) -> None:
        if not result["orgs"]:
            console.print("no emulated orgs yet (st2sf emulate salesforce start NAME)")
        for org in result["orgs"]:
            state = f"running (pid {org['pid']})" if org["running"] else "stopped"
            kind = "sandbox" if org["sandbox"] else "production"
            console.print(f"{org['org']}: {state}, {kind}, {org['instance_url']}, {org['username']}", highlight=False)

    emit(result, as_json=json_output, human=show)


@app.command("reset")
def reset(
    ctx: typer.Context,
    name: NameArg,
    port: PortOption = None,
    sandbox: SandboxOption = None,
    faults: FaultsOption = None,
    limits: LimitsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rebuild an org from its seed: every record is lost; a running org is restarted."""
    settings = _settings(ctx)
    args = _base(settings, "reset", name) + _creation_args(settings, name, port, sandbox) + _settings_files(faults, limits)
    result = run_emulator("salesforce", args)
    emit(result, as_json=json_output, human=_human_details(result), reveal=_REVEAL)


@app.command("serve")
def serve(ctx: typer.Context, name: NameArg, port: PortOption = None, sandbox: SandboxOption = None) -> None:
    """Run an org in the foreground until Ctrl-C."""
    settings = _settings(ctx)
    code = exec_emulator("salesforce", _base(settings, "serve", name) + _creation_args(settings, name, port, sandbox))
    raise typer.Exit(code)


@app.command("export")
def export(
    ctx: typer.Context,
    name: NameArg,
    no_system_fields: Annotated[
        bool, typer.Option("--no-system-fields", help="Leave out audit fields (CreatedDate, LastModifiedDate, …).")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Print the org's full state (schema, metadata, records) as one deterministic JSON object."""
    settings = _settings(ctx)
    args = _base(settings, "export", name) + (["--no-system-fields"] if no_system_fields else [])
    raise typer.Exit(exec_emulator("salesforce", args))
