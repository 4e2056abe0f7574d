"""Starting, stopping, restarting and resetting orgs: state survives restarts, reset rebuilds from the seed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.salesforce_org import PROJECT_ROOT, start_org, stop_org


def _emulator(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "emulators.salesforce", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_restart_keeps_records_ids_schema_token_and_port(tmp_path: Path, monkeypatch):
    state = tmp_path / "state"
    org = start_org(state, "keep", seed=Path(__file__).with_name("seed.yml"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org.ca_bundle)
    try:
        again = start_org(state, "keep")
        assert again.details["started"] is False and again.pid == org.pid
        assert {k: v for k, v in again.details.items() if k != "started"} == {
            k: v for k, v in org.details.items() if k != "started"
        }
        first = org.simple_salesforce().Account.create({"Name": "Survivor", "ST_Client_Id__c": "KEEP-1"})["id"]
    finally:
        stop_org(org)
    assert _emulator("status", "keep", "--state-dir", str(state), "--json").stdout.count('"running": false') == 1

    restarted = start_org(state, "keep")
    try:
        assert restarted.details["started"] is True and restarted.pid != org.pid
        assert (restarted.instance_url, restarted.access_token) == (org.instance_url, org.access_token)
        sf = restarted.simple_salesforce()
        assert sf.Account.get_by_custom_id("ST_Client_Id__c", "KEEP-1")["Id"] == first
        second = sf.Account.create({"Name": "After restart"})["id"]
        assert second[:15] > first[:15] and second[:5] == first[:5]
    finally:
        stop_org(restarted)


def test_reset_rebuilds_from_the_seed_on_the_same_port(tmp_path: Path, monkeypatch):
    state = tmp_path / "state"
    org = start_org(state, "resettable")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org.ca_bundle)
    try:
        org.simple_salesforce().Account.create({"Name": "Wiped"})
        reset = _emulator("reset", "resettable", "--state-dir", str(state), "--json")
        assert reset.returncode == 0, reset.stderr
        details = json.loads(reset.stdout)
        assert details["port"] == org.details["port"] and details["started"] is True
        assert details["org_id"] != org.org_id
        from simple_salesforce import Salesforce

        sf = Salesforce(instance_url=details["instance_url"], session_id=details["access_token"], version="59.0")
        assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 0
        emails = {r["Email"] for r in sf.query("SELECT Email FROM User")["records"]}
        assert "dana.reyes@st2sf-fieldservices.example.com" in emails
    finally:
        _emulator("stop", "resettable", "--state-dir", str(state), "--json")


def _organization_ids(org) -> tuple[str, str, str]:
    """The org's Organization Id as the Organization query, userinfo and the identity URL give it."""
    sf = org.simple_salesforce()
    queried = sf.query("SELECT Id FROM Organization")["records"][0]["Id"]
    info = sf.session.get(f"{org.instance_url}/services/oauth2/userinfo",
                          headers={"Authorization": f"Bearer {org.access_token}"}).json()
    return queried, info["organization_id"], info["sub"].rsplit("/", 2)[1]


def test_an_org_deleted_and_created_again_under_the_same_name_is_another_org(tmp_path: Path, monkeypatch):
    """As a sandbox refresh or a new scratch org: a new Organization Id and none of the old records; a restart
    keeps the Id."""
    state = tmp_path / "state"
    org = start_org(state, "again", seed=Path(__file__).with_name("seed.yml"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org.ca_bundle)
    try:
        assert _organization_ids(org) == (org.org_id,) * 3
        org.simple_salesforce().Account.create({"Name": "Gone with the org"})
    finally:
        stop_org(org)
    restarted = start_org(state, "again")
    try:
        assert restarted.org_id == org.org_id and _organization_ids(restarted) == (org.org_id,) * 3
    finally:
        stop_org(restarted)
    shutil.rmtree(org.db_path.parent)   # the org deleted
    created = start_org(state, "again", seed=Path(__file__).with_name("seed.yml"))
    try:
        assert created.org_id != org.org_id and created.org_id.startswith("00D") and len(created.org_id) == 18
        assert _organization_ids(created) == (created.org_id,) * 3
        assert created.simple_salesforce().query("SELECT COUNT() FROM Account")["totalSize"] == 0
    finally:
        stop_org(created)


def test_bad_seed_is_a_usage_error_and_leaves_no_org(tmp_path: Path):
    seed = tmp_path / "bad.yml"
    seed.write_text("organization: {edition: Platinum}\nusers:\n  - {first_name: NoEmail}\n")
    proc = _emulator("start", "broken", "--state-dir", str(tmp_path / "state"), "--seed", str(seed), "--json")
    assert proc.returncode == 2
    message = json.loads(proc.stdout)["error"]["message"]
    assert "organization.edition: 'Platinum' is not one of Enterprise, Developer, Unlimited" in message
    assert "users[0].email: is required" in message
    assert not (tmp_path / "state" / "orgs" / "broken" / "org.db").exists()


def test_bad_name_and_sandbox_mismatch_are_usage_errors(tmp_path: Path):
    state = tmp_path / "state"
    assert _emulator("start", "../evil", "--state-dir", str(state), "--json").returncode == 2
    org = start_org(state, "prod", sandbox=False)
    try:
        proc = _emulator("start", "prod", "--state-dir", str(state), "--sandbox", "--json")
        assert proc.returncode == 0  # running: reported, not restarted
        stop_org(org)
        proc = _emulator("start", "prod", "--state-dir", str(state), "--sandbox", "--json")
        assert proc.returncode == 2 and "already exists as a production org" in proc.stdout
    finally:
        _emulator("stop", "prod", "--state-dir", str(state))


def test_st2sf_emulate_salesforce_commands(tmp_path: Path):
    project = tmp_path / "project"
    (project / "orgs" / "emulator").mkdir(parents=True)
    (project / "st2sf.toml").write_text('[orgs.dev]\nkind = "emulator"\nsandbox = true\n')
    (project / "orgs" / "emulator" / "dev.yml").write_text(
        "organization: {name: Seeded From Project}\nadmin: {email: boss@project.example.com, last_name: Boss}\n"
    )
    st2sf = [str(Path(sys.executable).with_name("st2sf")), "--project", str(project), "emulate", "salesforce"]
    env = {**os.environ}
    start = subprocess.run([*st2sf, "start", "dev", "--json"], capture_output=True, text=True, env=env, timeout=120)
    try:
        assert start.returncode == 0, start.stderr
        details = json.loads(start.stdout)
        assert details["username"] == "boss@dev.project.example.com.dev" and details["sandbox"] is True
        assert details["access_token"].startswith(details["org_id"][:15] + "!")  # revealed: the emulator's own
        assert details["ca_bundle"] == str(project / ".st2sf" / "certs" / "ca-bundle.pem")
        assert json.loads(details["cumulusci_env"]["CUMULUSCI_ORG_DEV"])["access_token"] == details["access_token"]
        status = subprocess.run([*st2sf, "status", "--json"], capture_output=True, text=True, env=env, timeout=60)
        assert [o["org"] for o in json.loads(status.stdout)["orgs"] if o["running"]] == ["dev"]
    finally:
        stop = subprocess.run([*st2sf, "stop", "dev", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert json.loads(stop.stdout)["stopped"] is True


@pytest.mark.parametrize("command", ["start", "stop", "status", "reset", "serve"])
def test_st2sf_commands_have_help(command):
    st2sf = Path(sys.executable).with_name("st2sf")
    out = subprocess.run([str(st2sf), "emulate", "salesforce", command, "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Usage:" in out.stdout and len(out.stdout.splitlines()) > 5


def test_a_port_in_use_is_a_usage_error_and_is_not_kept(tmp_path: Path):
    import socket

    state = str(tmp_path / "state")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = _emulator("start", "portless", "--state-dir", state, "--port", str(port), "--json")
        assert busy.returncode == 2
        assert json.loads(busy.stdout)["error"]["message"] == (
            f"port {port} on 127.0.0.1 is in use; pass --port with a free port."
        )
        started = _emulator("start", "portless", "--state-dir", state, "--json")
    try:
        assert started.returncode == 0 and json.loads(started.stdout)["port"] != port
    finally:
        _emulator("stop", "portless", "--state-dir", state)
