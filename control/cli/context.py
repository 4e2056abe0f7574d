"""Getting the project's settings from the command context (the root ``--project`` option)."""

from __future__ import annotations

import typer

from control.settings import Settings, load_settings

__all__ = ["settings_from"]


def settings_from(ctx: typer.Context) -> Settings:
    root_ctx = ctx.find_root()
    project = (root_ctx.obj or {}).get("project") if isinstance(root_ctx.obj, dict) else None
    return load_settings(project)
