"""The org's state for people and tests: the deterministic JSON export (endpoint and CLIs) and the read-only page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.salesforce_admin import EmulatorAdmin
from tests.support.salesforce_org import PROJECT_ROOT


@pytest.fixture(scope="module")
def export_org(org_factory):
    return org_factory("export")


def _cli_export(org, *extra: str) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "emulators.salesforce", "export", org.name, "--state-dir",
                           str(org.state_dir), *extra], cwd=PROJECT_ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_export_holds_schema_records_and_recycle_bin_and_is_deterministic(export_org):
    sf = export_org.simple_salesforce()
    kept = sf.Account.create({"Name": "Exported Co", "ST_Client_Id__c": "EX-1", "Tier__c": "Gold"})["id"]
    gone = sf.Account.create({"Name": "Binned Co"})["id"]
    sf.Account.delete(gone)
    first = _cli_export(export_org)
    assert _cli_export(export_org) == first  # byte for byte
    data = json.loads(first)
    assert data == EmulatorAdmin(export_org).export()  # the endpoint serves the same snapshot
    assert (data["format"], data["version"], data["org"]["org_id"]) == ("st2sf-salesforce-org-export", 1, export_org.org_id)
    assert data["schema"]["Account"]["fields"]["ST_Client_Id__c"] == {
        "type": "string", "label": "ServiceTracker Client Id", "nillable": True, "custom": True, "length": 40,
        "external_id": True, "unique": True}
    record = next(r for r in data["records"]["Account"] if r["Id"] == kept)
    assert (record["Name"], record["ST_Client_Id__c"], record["Tier__c"], record["OwnerId"]) == (
        "Exported Co", "EX-1", "Gold", export_org.user_id)
    assert gone in data["recycle_bin"]["Account"] and all(r["Id"] != gone for r in data["records"]["Account"])
    assert list(data["records"]) == sorted(data["records"])


def test_without_system_fields_an_undone_change_compares_equal(export_org):
    sf = export_org.simple_salesforce()
    target = sf.Account.create({"Name": "Round Trip", "Phone": "111"})["id"]
    before = json.loads(_cli_export(export_org, "--no-system-fields"))
    sf.Account.update(target, {"Phone": "999"})
    changed = json.loads(_cli_export(export_org, "--no-system-fields"))
    assert changed != before
    sf.Account.update(target, {"Phone": "111"})
    assert json.loads(_cli_export(export_org, "--no-system-fields")) == before
    assert json.loads(_cli_export(export_org)) != json.loads(_cli_export(export_org, "--no-system-fields"))


def test_the_org_page_lists_objects_counts_and_records(export_org):
    sf = export_org.simple_salesforce()
    sf.Account.create({"Name": "<script>alert(1)</script>"})
    overview = requests.get(f"{export_org.instance_url}/", verify=export_org.ca_bundle, timeout=30)
    assert overview.status_code == 200 and overview.headers["content-type"].startswith("text/html")
    live = sf.query("SELECT COUNT() FROM Account")["totalSize"]
    assert f'<a href="?object=Account">Account</a></td><td class="num">{live}</td>' in overview.text
    listing = requests.get(f"{export_org.instance_url}/?object=Account", verify=export_org.ca_bundle, timeout=30).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and "<script>alert" not in listing
    assert f"Records 1–{live} of {live}" in listing
    missing = requests.get(f"{export_org.instance_url}/?object=Nope__c", verify=export_org.ca_bundle, timeout=30)
    assert missing.status_code == 404


@pytest.mark.slow
def test_st2sf_emulate_salesforce_export(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "st2sf.toml").write_text('[orgs.exp]\nkind = "emulator"\n')
    st2sf = [str(Path(sys.executable).with_name("st2sf")), "--project", str(project), "emulate", "salesforce"]
    env = {**os.environ}
    start = subprocess.run([*st2sf, "start", "exp", "--json"], capture_output=True, text=True, env=env, timeout=120)
    try:
        assert start.returncode == 0, start.stderr
        details = json.loads(start.stdout)
        out = subprocess.run([*st2sf, "export", "exp", "--no-system-fields"], capture_output=True, text=True, env=env,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert data["org"]["org_id"] == details["org_id"]
        assert {r["Username"] for r in data["records"]["User"]} >= {details["username"]}
        assert all("CreatedDate" not in r for r in data["records"]["User"])
    finally:
        subprocess.run([*st2sf, "stop", "exp", "--json"], capture_output=True, text=True, env=env, timeout=60)
