"""docs/cli.md is generated from the app; every command has help text and is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from control.cli.app import app
from control.cli.docgen import iter_commands, render_markdown

ROOT = Path(__file__).resolve().parents[3]


def test_every_command_and_option_has_help() -> None:
    missing = []
    for path, command in iter_commands(typer.main.get_command(app)):
        name = " ".join(("st2sf", *path))
        if not (command.help or "").strip():
            missing.append(name)
        for param in command.params:
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{name} {param.human_readable_name}")
    assert missing == [], f"commands/parameters without help text: {missing}"


def test_every_command_is_in_docs_cli_md() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, _ in iter_commands(typer.main.get_command(app)):
        assert f"`{' '.join(('st2sf', *path))}`" in text, f"st2sf {' '.join(path)} is not in docs/cli.md"


def test_docs_cli_md_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render_markdown(app), "docs/cli.md is stale: run `make docs`"
