"""The default map, adjusted for what the org emulator's Metadata API does not deploy yet.

The emulator (emulators/salesforce/metadata) deploys objects, fields, record types, business
processes, layouts, permission sets, custom permissions and flows. Two things the default map
generates are not among them:

* **custom fields of Task and Event**, which Salesforce keeps on the ``Activity`` object
  (``objects/Activity/fields``); the emulator has no ``Activity`` object;
* **CustomTab** components.

:func:`emulator_project` copies a project and edits its map so neither is generated: tabs off
(``settings.create_tabs: false``), the Task/Event custom fields removed with the rules writing them,
activities skipped and work-order tasks without custom fields skipped. Everything else is the default
map unchanged. When the emulator learns both, the deploy tests should use the default map as is.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

__all__ = ["emulator_project", "PROJECT_FILES"]

PROJECT_FILES = ("cumulusci.yml", "sfdx-project.json", "mapping")


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _settings(data: dict) -> None:
    data["settings"]["create_tabs"] = False


def _tasks(data: dict) -> None:
    data["targets"].pop("Task")
    rule = data["objects"][0]
    rule["routes"] = [r for r in rule["routes"] if r["target"] != "Task"]
    rule["unrouted"] = "skip"


def _activities(data: dict) -> None:
    data.pop("targets")
    data.pop("value_maps")
    data["objects"] = [{"source": "activities", "skip": "the org emulator cannot deploy Activity custom fields yet"}]


def emulator_project(root: Path, folder: Path, *, state_dir: Path, org: str) -> Path:
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy2(source, folder / name)
    _edit(folder / "mapping" / "00-settings.yml", _settings)
    _edit(folder / "mapping" / "32-work-order-tasks.yml", _tasks)
    _edit(folder / "mapping" / "51-activities.yml", _activities)
    (folder / "st2sf.toml").write_text(
        f'[project]\nname = "deploy-test"\nstate_dir = "{state_dir}"\n\n[orgs.{org}]\nkind = "emulator"\n'
        f"sandbox = true\n\n[defaults]\norg = \"{org}\"\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder
