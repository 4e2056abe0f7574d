"""The ``st2sf`` application: global options, command groups, and the error → exit-code boundary.

Exit codes: 0 ok, 1 failure, 2 usage error (wrong input; the message says what to change).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated, Optional

import click
import typer

from control import __version__
from control.errors import St2sfError
from control.secrets import redact_text

__all__ = ["app", "main"]

app = typer.Typer(
    name="st2sf",
    help="Migrate a field-service business from ServiceTracker to Salesforce Sales Cloud.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"st2sf {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    project: Annotated[
        Optional[Path],
        typer.Option("--project", "-C", help="Project folder (default: nearest st2sf.toml upwards, or ST2SF_PROJECT)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Migrate a field-service business from ServiceTracker to Salesforce Sales Cloud."""
    ctx.obj = {"project": project}


def _register() -> None:
    # one module per command group; each exposes `register(app)`
    from control.cli import audit as audit_cli
    from control.cli import dataset as dataset_cli
    from control.cli import demo as demo_cli
    from control.cli import emulate
    from control.cli import extract as extract_cli
    from control.cli import init as init_cli
    from control.cli import map as map_cli
    from control.cli import metadata as metadata_cli
    from control.cli import migrate as migrate_cli
    from control.cli import plan as plan_cli
    from control.cli import runs as runs_cli

    # in pipeline order: that is the order `st2sf --help` lists them
    modules: tuple = (init_cli, emulate, extract_cli, audit_cli, map_cli, metadata_cli, dataset_cli, plan_cli, migrate_cli,
                      runs_cli, demo_cli)
    for module in modules:
        module.register(app)


_register()


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the app, map errors to exit codes, never print a secret."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="st2sf", standalone_mode=False)
    except St2sfError as exc:
        if _wants_json(argv):
            import json

            sys.stdout.write(json.dumps({"ok": False, "error": exc.fields()}, default=str) + "\n")
        typer.echo(f"error: {exc.one_line()}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        typer.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:  # click's usage errors: wrong option, missing argument
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        return 130
    except Exception:  # an unexpected bug: show where, but never a secret
        typer.echo(redact_text(traceback.format_exc()), err=True)
        return 1
    # without standalone mode click returns (not raises) the code of a `typer.Exit(code)` a command raised
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
