"""Resolving named orgs to credentials and connecting, against a real emulated org."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.errors import ConfigError, UsageError
from control.salesforce.connection import connect, cumulusci_env, resolve_org
from control.settings import load_settings
from tests.support.salesforce_org import start_org, stop_org


@pytest.fixture
def project_with_orgs(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "st2sf.toml").write_text(
        '[project]\nname = "conn-test"\n'
        '[orgs.dev]\nkind = "emulator"\n'
        '[orgs.uat]\nkind = "cumulusci"\ncci_org = "uat"\n'
        '[orgs.broken]\nkind = "cumulusci"\n', encoding="utf-8")
    return root


def test_emulated_org_resolves_and_connects(project_with_orgs: Path) -> None:
    settings = load_settings(project_with_orgs, env={})
    org = start_org(settings.state_dir, "dev")
    try:
        creds = resolve_org(settings, "dev")
        assert (creds.kind, creds.instance_url, creds.org_id, creds.username) == (
            "emulator", org.instance_url, org.org_id, org.username)
        assert creds.access_token.reveal() == org.access_token
        assert org.access_token not in repr(creds)
        sf = connect(creds)
        result = sf.query("SELECT Id, IsSandbox FROM Organization")
        assert result["totalSize"] == 1
        assert result["records"][0]["Id"][:15] == org.org_id[:15]
        env = cumulusci_env(creds)
        assert set(env) == {"CUMULUSCI_ORG_DEV", "CUMULUSCI_DISABLE_REFRESH", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE",
                            "NODE_EXTRA_CA_CERTS"}
    finally:
        stop_org(org)


def test_stopped_emulated_org_says_how_to_start_it(project_with_orgs: Path) -> None:
    settings = load_settings(project_with_orgs, env={})
    stop_org(start_org(settings.state_dir, "dev"))
    with pytest.raises(UsageError, match="The emulated org 'dev' is not running") as info:
        resolve_org(settings, "dev")
    assert info.value.hint == "Start it with `st2sf emulate salesforce start dev`."


def test_cumulusci_orgs_need_a_name_and_a_connection(project_with_orgs: Path) -> None:
    settings = load_settings(project_with_orgs, env={})
    with pytest.raises(ConfigError, match=r"\[orgs.broken\] has kind = \"cumulusci\" but no cci_org"):
        resolve_org(settings, "broken")
    with pytest.raises(UsageError, match="CumulusCI cannot give the details of org 'uat'") as info:
        resolve_org(settings, "uat")
    assert "cci org connect uat" in info.value.hint
