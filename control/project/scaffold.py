"""``st2sf init DIR``: scaffold a migration project a team can run outside this repository.

Writes ``st2sf.toml``, ``cumulusci.yml``, ``sfdx-project.json``, ``orgs/dev.json``, ``mapping/``,
``force-app/``, ``datasets/`` and a ``.gitignore``. ``mapping/`` starts as the **default map** (every
``*.yml`` file of this project's ``mapping/``, shipped with the package as ``default_map``): the
starting point every project reviews, edits and approves. The default map's audit snapshots
(``source-inventory.json``, ``workflows.jsonl``) describe the demo tenant and are not copied: a
project's own audit writes them.

It never overwrites: if any of those files exists already, nothing is written and the error lists them.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

from control.errors import UsageError

__all__ = ["InitResult", "init_project", "default_map_files", "PROJECT_FILES"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,79}$")

# target path → template file name
PROJECT_FILES: dict[str, str] = {
    "st2sf.toml": "st2sf.toml",
    "cumulusci.yml": "cumulusci.yml",
    "sfdx-project.json": "sfdx-project.json",
    "orgs/dev.json": "dev.json",
    "mapping/README.md": "mapping-README.md",
    ".gitignore": "gitignore",
}
_FOLDERS = ("force-app/main/default", "datasets", "mapping", "orgs")


class InitResult(NamedTuple):
    directory: Path
    name: str
    files: tuple[str, ...]


def default_map_files() -> dict[str, str]:
    """``{"mapping/<file>.yml": text}`` of the default map, in name order."""
    folder = files("control.project").joinpath("default_map")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".yml"))
    return {f"mapping/{name}": folder.joinpath(name).read_text(encoding="utf-8") for name in names}


def _render(template: str, name: str) -> str:
    text = files("control.project").joinpath("templates", template).read_text(encoding="utf-8")
    return text.replace("{name}", name)


def init_project(directory: Path, *, name: str | None = None) -> InitResult:
    """Create a new st2sf project in ``directory`` (created if missing). Refuses to overwrite anything."""
    directory = directory.resolve()
    name = name or directory.name
    if not _NAME.match(name):
        raise UsageError(
            f"'{name}' cannot be a project name.",
            hint="Use letters, digits, '.', '_' or '-', starting with a letter (pass --name NAME).",
        )
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder.", hint="Choose another DIR.")
    default_map = default_map_files()
    existing = sorted(rel for rel in [*PROJECT_FILES, *default_map] if (directory / rel).exists())
    if existing:
        raise UsageError(
            f"{directory} already has {', '.join(existing)}; st2sf init never overwrites.",
            hint="Choose an empty folder, or remove those files first.",
        )
    for folder in _FOLDERS:
        (directory / folder).mkdir(parents=True, exist_ok=True)
    (directory / "force-app/main/default/.gitkeep").touch()
    (directory / "datasets/.gitkeep").touch()
    for rel, template in PROJECT_FILES.items():
        (directory / rel).write_text(_render(template, name), encoding="utf-8")
    for rel, text in default_map.items():
        (directory / rel).write_text(text, encoding="utf-8")
    return InitResult(directory, name, (*PROJECT_FILES, *default_map))
