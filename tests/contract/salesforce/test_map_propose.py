"""``st2sf map propose --org NAME`` against an emulated org: the real CLI, real HTTPS, simple-salesforce.

The org is seeded with custom ``Work_Order__c`` and ``Site__c`` objects, so the
proposal must find the org's custom objects through the object listing (``GET /sobjects``), describe
them beside the standard ones, and use them: planned work orders go to the org's own ``Work_Order__c``
(not a new object), reactive ones to Case. The map it writes validates against those describes and keeps
them in ``target-describes.json`` for re-proposals; ``map review`` reads it back, and a reviewer's rejection
of the split and of a joined street line re-proposes the folder without them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import yaml

from tests.support.salesforce_org import EmulatedOrg

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow

SEED = {
    "organization": {"name": "Propose Test Services", "edition": "Enterprise", "licenses": 5},
    "admin": {"email": "admin@propose-tests.example.com", "first_name": "Ada", "last_name": "Admin",
              "password": "propose-admin-pass"},
    "custom_objects": [{
        "api_name": "Work_Order__c", "label": "Work Order", "plural_label": "Work Orders",
        "sharing_model": "ReadWrite",
        "fields": [
            {"api_name": "Status__c", "label": "Status", "type": "Picklist",
             "picklist_values": ["New", "Scheduled", "Dispatched", "In Progress", "On Hold", "Completed",
                                 "Cancelled", "Closed"]},
            {"api_name": "Scheduled_Start__c", "label": "Scheduled Start", "type": "DateTime"},
            {"api_name": "Account__c", "label": "Account", "type": "Lookup", "reference_to": "Account",
             "relationship_name": "Work_Orders"},
        ]}, {
        "api_name": "Site__c", "label": "Site", "plural_label": "Sites", "sharing_model": "ReadWrite",
        "fields": [{"api_name": "Street__c", "label": "Street", "type": "Text", "length": 255}]}],
}


@pytest.fixture(scope="module")
def org(org_factory: Callable[..., EmulatedOrg], tmp_path_factory: pytest.TempPathFactory) -> EmulatedOrg:
    seed = tmp_path_factory.mktemp("propose-seed") / "seed.yml"
    seed.write_text(yaml.safe_dump(SEED), encoding="utf-8")
    return org_factory("proposeorg", seed=seed, sandbox=True)


def _project(folder: Path, org: EmulatedOrg) -> Path:
    folder.mkdir()
    (folder / "st2sf.toml").write_text(
        f'[project]\nname = "propose-test"\nstate_dir = "{org.state_dir}"\n\n'
        f'[orgs.{org.name}]\nkind = "emulator"\nsandbox = true\n', encoding="utf-8")
    return folder


def _st2sf(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "control.cli.app", "-C", str(project), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_propose_against_the_org_uses_its_custom_objects(org: EmulatedOrg, tmp_path: Path) -> None:
    project = _project(tmp_path / "project", org)
    out = project / "proposed"
    proc = _st2sf(project, "map", "propose", "--org", org.name, "--out", str(out),
                  "--inventory", str(ROOT / "mapping" / "source-inventory.json"), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    assert result["errors"] == [] and result["scorers"] == ["lexical", "type", "values"]
    assert result["objects"] > 20 and result["fields"] > 300

    describes = {o["name"]: o for o in json.loads((out / "target-describes.json").read_text("utf-8"))["sobjects"]}
    assert {"Account", "Contact", "Case", "User", "Work_Order__c", "Site__c"} <= set(describes)
    assert "Scheduled_Start__c" in {f["name"] for f in describes["Work_Order__c"]["fields"]}

    work = yaml.safe_load(next(out.glob("*-work_orders.yml")).read_text("utf-8"))
    routes = work["objects"][0]["routes"]
    assert [(r["name"], r["target"]) for r in routes] == [("work_orders_case", "Case"),
                                                          ("work_orders_work_order", "Work_Order__c")]
    assert "Work_Order__c" not in work.get("targets", {}) or "label" not in work["targets"]["Work_Order__c"]
    planned = {f.get("source"): f["target"] for f in routes[1]["fields"]}
    assert planned["status"] == "Status__c" and planned["scheduled_start"] == "Scheduled_Start__c"
    assert planned["client_id"] == "Account__c"

    review = _st2sf(project, "map", "review", "--map", str(out), "--json")
    assert review.returncode == 0, review.stdout + review.stderr
    rows = {r["key"]: r for r in json.loads(review.stdout)["rows"]}
    assert rows["work_orders@work_orders_work_order"]["kind"] == "map"  # the org's object, not a new one
    assert rows["work_orders@work_orders_work_order:status"]["target"] == "Work_Order__c.Status__c"
    assert rows["clients:billing_address.line2"]["kind"] == "join"

    # a reviewer turns the split and the join down; the folder is re-proposed from its snapshots
    decided = _st2sf(project, "map", "review", "--map", str(out), "--reject", "work_orders@work_orders_case",
                     "--reject", "clients:billing_address.line2", "--by", "Dana Reyes", "--json")
    assert decided.returncode == 0, decided.stdout + decided.stderr
    rows = {r["key"]: r for r in json.loads(decided.stdout)["rows"]}
    assert rows["work_orders"]["target"] == "Work_Order__c" and "work_orders@work_orders_case" not in rows
    assert rows["work_orders:status"]["target"] == "Work_Order__c.Status__c"
    assert rows["clients:billing_address.line2"]["kind"] == "create"
    kept = json.loads((out / "decisions.json").read_text("utf-8"))["objects"]["work_orders@work_orders_case"]
    assert (kept["decision"], kept["by"]) == ("reject", "Dana Reyes")


def test_propose_names_an_unknown_org(org: EmulatedOrg, tmp_path: Path) -> None:
    project = _project(tmp_path / "project", org)
    proc = _st2sf(project, "map", "propose", "--org", "nosuchorg", "--out", str(project / "p"),
                  "--inventory", str(ROOT / "mapping" / "source-inventory.json"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "nosuchorg" in proc.stdout + proc.stderr
    assert not (project / "p").exists()
