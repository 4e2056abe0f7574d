"""The repository's cumulusci.yml and the one `st2sf init` writes stay in step."""

from __future__ import annotations

import yaml

from control.project.scaffold import _render
from tests.unit.metadata.conftest import ROOT


def test_template_matches_the_repository_file() -> None:
    repo = (ROOT / "cumulusci.yml").read_text(encoding="utf-8")
    name = yaml.safe_load(repo)["project"]["name"]
    assert _render("cumulusci.yml", name) == repo


def test_deploy_flow_deploys_force_app_and_assigns_the_migration_permission_set() -> None:
    flow = yaml.safe_load((ROOT / "cumulusci.yml").read_text())["flows"]["deploy_migration_schema"]
    assert flow["steps"][1] == {"task": "deploy", "options": {"path": "force-app"}}
    assert flow["steps"][2] == {"task": "assign_permission_sets", "options": {"api_names": "ServiceTracker_Migration"}}
