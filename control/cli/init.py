"""``st2sf init DIR``: scaffold a new migration project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from control.cli.output import JsonOption, emit
from control.project.scaffold import init_project

__all__ = ["register"]


def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the new project (created if missing).")],
    name: Annotated[Optional[str], typer.Option(help="Project name (default: the folder's name).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Scaffold a migration project: st2sf.toml, cumulusci.yml, sfdx-project.json, orgs/, and mapping/ holding
    the default map to review."""
    result = init_project(directory, name=name)
    payload = {"directory": str(result.directory), "name": result.name, "files": list(result.files)}
    emit(payload, as_json=as_json, human=lambda c: c.print(
        f"Created project '{result.name}' in {result.directory}:\n  " + "\n  ".join(result.files)
        + "\nNext: edit st2sf.toml (source URL, orgs), set ST2SF_SERVICETRACKER_API_KEY, then review mapping/ "
        "(the default map).", highlight=False))


def register(root: typer.Typer) -> None:
    root.command("init")(init)
