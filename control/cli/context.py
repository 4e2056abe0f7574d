"""What commands resolve from their context: the project's settings (the root ``--project`` option) and the
``--map`` option most commands share, with its default folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from control.settings import Settings, load_settings

__all__ = ["settings_from", "MapDirOption", "map_folder_from"]

MapDirOption = Annotated[Optional[Path], typer.Option(
    "--map", help="The map folder (default: mapping/ in the project).")]


def settings_from(ctx: typer.Context) -> Settings:
    root_ctx = ctx.find_root()
    project = (root_ctx.obj or {}).get("project") if isinstance(root_ctx.obj, dict) else None
    return load_settings(project)


def map_folder_from(settings: Settings, map_dir: Path | None) -> Path:
    """The map folder an option (``--map``, ``--out``) names, else the project's ``mapping/``; as given, not made
    absolute."""
    return map_dir or settings.root / "mapping"
