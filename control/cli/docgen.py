"""Generate ``docs/cli.md`` from the app itself, so the reference can never drift from the code.

``python -m control.cli.docgen > docs/cli.md`` (or ``make docs``). A test fails when the file differs
from what this prints, or when any command lacks help text.
"""

from __future__ import annotations

import sys
from typing import Iterator

import click
import typer

__all__ = ["iter_commands", "render_markdown"]


def iter_commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and group below ``command``, depth first, in name order."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from iter_commands(command.commands[name], (*path, name))


def _usage(path: tuple[str, ...], command: click.Command) -> str:
    with click.Context(command, info_name=" ".join(("st2sf", *path))) as ctx:
        return command.get_usage(ctx).strip()


def _params(command: click.Command) -> list[str]:
    lines = []
    for param in command.params:
        if isinstance(param, click.Argument):
            help_text = getattr(param, "help", None) or ""
            lines.append(f"- `{param.human_readable_name}` — {help_text}".rstrip(" —"))
        elif isinstance(param, click.Option) and not param.hidden:
            flags = ", ".join(f"`{o}`" for o in (*param.opts, *param.secondary_opts))
            default = ""
            if param.show_default and param.default not in (None, False, ()):
                default = f" (default: `{param.default}`)"
            lines.append(f"- {flags} — {param.help or ''}{default}")
    return lines


def render_markdown(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    out = ["# st2sf command reference", "",
           "Generated from the application by `python -m control.cli.docgen`; do not edit by hand.", ""]
    for path, command in iter_commands(root):
        title = " ".join(("st2sf", *path))
        out += [f"{'#' * min(2 + len(path), 4)} `{title}`", "", (command.help or "").strip(), "",
                "```", _usage(path, command), "```", ""]
        params = _params(command)
        if params:
            out += params + [""]
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    from control.cli.app import app

    sys.stdout.write(render_markdown(app))


if __name__ == "__main__":
    main()
