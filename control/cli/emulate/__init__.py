"""``st2sf emulate``: the local Salesforce org and ServiceTracker sandbox (one sub-module per emulator).

Each sub-module (``salesforce.py``, ``servicetracker.py``) defines its own ``app`` (a typer group) and is
added below; the commands only call :mod:`control.emulation`, which runs the emulator as a process.
"""

from __future__ import annotations

import typer

__all__ = ["app", "register"]

app = typer.Typer(
    help="Run the local emulators: a Salesforce org (HTTPS) and a ServiceTracker sandbox.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    """Attach ``emulate`` and its emulator sub-groups to the root app."""
    from control.cli.emulate import salesforce

    sub_groups: tuple[tuple[str, typer.Typer], ...] = (("salesforce", salesforce.app),)
    for name, group in sub_groups:
        app.add_typer(group, name=name)
    root.add_typer(app, name="emulate")
