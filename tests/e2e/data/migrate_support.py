"""A fresh org started from the data-path org's seed, with a dataset built and planned for it — what
`st2sf migrate` tests load into (each test that changes an org gets its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from control.plan import make_plan
from control.settings import Settings, load_settings
from control.transform import build_dataset
from tests.support.salesforce_org import EmulatedOrg, start_org, stop_org


class Target(NamedTuple):
    org: EmulatedOrg
    settings: Settings
    dataset: str
    folder: Path


def settings_for(data_path: Any, org: EmulatedOrg) -> Settings:
    settings = load_settings(data_path.root, env={})
    return settings.model_copy(update={"defaults": settings.defaults.model_copy(
        update={"fallback_owner": org.username})})


def fresh_dataset(data_path: Any, name: str) -> tuple[EmulatedOrg, Settings, Any]:
    """Start org ``name`` from the data-path seed, register it in the project and build dataset ``name`` for it
    (a dataset is built for one org: owner Ids are that org's users). Returns the org, the settings (the org's
    admin as fallback owner) and the build result; the caller stops the org."""
    org = start_org(data_path.settings.state_dir, name, seed=data_path.seed_file)
    toml = data_path.root / "st2sf.toml"
    if f"[orgs.{name}]" not in toml.read_text():
        toml.write_text(toml.read_text() + f'\n[orgs.{name}]\nkind = "emulator"\nsandbox = true\n')
    try:
        settings = settings_for(data_path, org)
        return org, settings, build_dataset(settings, org=name, name=name)
    except BaseException:
        stop_org(org)
        raise


def fresh_target(data_path: Any, name: str) -> Target:
    """:func:`fresh_dataset`, then plan it."""
    org, settings, result = fresh_dataset(data_path, name)
    make_plan(settings, name=name, org=name)
    return Target(org, settings, name, result.folder)
