"""How commands print: one JSON object with ``--json``, readable text otherwise.

With ``--json`` a command prints exactly one JSON object on stdout and nothing else there;
progress and warnings go to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, Callable, Iterable

import typer
from rich.console import Console

from control.secrets import redact

__all__ = ["JsonOption", "emit", "print_warnings", "stdout", "stderr"]

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object (the result) on stdout and nothing else there.")
]

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def emit(
    result: dict[str, Any],
    *,
    as_json: bool,
    human: Callable[[Console], None] | None = None,
    reveal: frozenset[str] = frozenset(),
) -> None:
    """Print ``result``: as one JSON object, or through ``human`` (default: key: value lines).

    Everything is redacted except the top-level keys named in ``reveal`` — only for credentials of
    local emulators, which a user needs to see to connect other tools.
    """
    safe = {k: (v if k in reveal else redact(v)) for k, v in result.items()}
    if as_json:
        sys.stdout.write(json.dumps(safe, default=_default, sort_keys=False) + "\n")
        sys.stdout.flush()
        return
    if human is not None:
        human(stdout)
        return
    for key, value in safe.items():
        stdout.print(f"[bold]{key}[/bold]: {value}", highlight=False)


def print_warnings(console: Console, warnings: Iterable[str]) -> None:
    """One ``warning: …`` line per warning, printed as written (no rich markup or highlighting)."""
    for warning in warnings:
        console.print(f"warning: {warning}", highlight=False, markup=False)
