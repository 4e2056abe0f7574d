"""Resolving named orgs to access details and connecting, against a real emulated org."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.errors import UsageError
from control.salesforce.access import connect, org_access
from control.settings import load_settings
from tests.support.salesforce_org import start_org, stop_org


@pytest.fixture
def project_with_orgs(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "st2sf.toml").write_text(
        '[project]\nname = "conn-test"\n'
        '[orgs.dev]\nkind = "emulator"\n'
        '[orgs.uat]\nkind = "cumulusci"\ncci_org = "uat"\n', encoding="utf-8")
    return root


def test_emulated_org_resolves_and_connects(project_with_orgs: Path) -> None:
    settings = load_settings(project_with_orgs, env={})
    org = start_org(settings.state_dir, "dev")
    try:
        access = org_access(settings, "dev")
        assert (access.kind, access.instance_url, access.username) == ("emulator", org.instance_url, org.username)
        assert access.access_token.reveal() == org.access_token
        assert org.access_token not in repr(access)
        sf = connect(access)
        result = sf.query("SELECT Id, IsSandbox FROM Organization")
        assert result["totalSize"] == 1
        assert result["records"][0]["Id"][:15] == org.org_id[:15]
        env = access.client_env()
        assert set(env) == {"CUMULUSCI_ORG_DEV", "CUMULUSCI_DISABLE_REFRESH", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE",
                            "NODE_EXTRA_CA_CERTS"}
    finally:
        stop_org(org)


def test_stopped_emulated_org_says_how_to_start_it(project_with_orgs: Path) -> None:
    settings = load_settings(project_with_orgs, env={})
    stop_org(start_org(settings.state_dir, "dev"))
    with pytest.raises(UsageError, match="The emulated org 'dev' is not running") as info:
        org_access(settings, "dev")
    assert info.value.hint == "Start it with `st2sf emulate salesforce start dev`."


def test_unconnected_cumulusci_org_says_how_to_connect_it(project_with_orgs: Path) -> None:
    settings = load_settings(project_with_orgs, env={})
    with pytest.raises(UsageError, match="CumulusCI cannot open org 'uat'") as info:
        org_access(settings, "uat")
    assert "cci org connect uat" in info.value.hint
