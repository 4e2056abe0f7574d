"""Settings: defaults, st2sf.toml, environment overrides, secrets only from env/keyring."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.errors import ConfigError
from control.settings import find_project_root, load_settings


def test_defaults_without_a_project_file(tmp_path: Path) -> None:
    s = load_settings(tmp_path, env={})
    assert s.state_dir == tmp_path / ".st2sf"
    assert s.staging_url == f"sqlite:///{tmp_path}/.st2sf/staging.db"
    assert s.ledger_url == f"sqlite:///{tmp_path}/.st2sf/ledger.db"
    assert s.source.kind == "api" and s.source.page_size == 500


def test_file_then_environment(tmp_path: Path) -> None:
    (tmp_path / "st2sf.toml").write_text(
        '[project]\nname = "acme"\n[source]\nbase_url = "https://st.example/v1"\nexport_dir = "exports"\n'
        '[orgs.uat]\nkind = "cumulusci"\ncci_org = "uat"\n[defaults]\norg = "uat"\n', encoding="utf-8")
    s = load_settings(tmp_path, env={"ST2SF_STAGING_URL": "postgresql://u@h/db"})
    assert s.name == "acme"
    assert s.source.base_url == "https://st.example/v1"
    assert s.source.export_dir == str(tmp_path / "exports")
    assert s.staging_url == "postgresql://u@h/db"
    assert s.org(None) == ("uat", s.orgs["uat"])
    s2 = load_settings(tmp_path, env={"ST2SF_SOURCE_URL": "https://other/v1", "ST2SF_DEFAULT_ORG": "nope"})
    assert s2.source.base_url == "https://other/v1"
    with pytest.raises(ConfigError, match="Org 'nope' is not configured \\(configured: uat\\)"):
        s2.org(None)


def test_secret_in_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "st2sf.toml").write_text('[source]\napi_key = "stk_live_abcdefgh12345678"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env={})
    assert "'source.api_key' holds a secret" in str(info.value)
    assert "stk_live_abcdefgh12345678" not in str(info.value)
    assert info.value.exit_code == 2


def test_bad_toml_and_unknown_keys_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "st2sf.toml").write_text("[project\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(tmp_path, env={})
    (tmp_path / "st2sf.toml").write_text('[source]\nkind = "ftp"\npage_sise = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env={})
    assert "source.kind" in str(info.value) and "source.page_sise" in str(info.value)


def test_api_key_from_environment_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("control.settings._keyring_get", lambda user: None)
    s = load_settings(tmp_path, env={"ST2SF_SERVICETRACKER_API_KEY": "stk_test_0123456789abcdef"})
    key = s.servicetracker_api_key()
    assert key.reveal() == "stk_test_0123456789abcdef"
    assert "0123456789" not in repr(s)
    with pytest.raises(ConfigError, match="No ServiceTracker API key found"):
        load_settings(tmp_path, env={}).servicetracker_api_key()


def test_api_key_from_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr("control.settings._keyring_get", lambda user: seen.append(user) or "stk_live_fromkeyring1")
    s = load_settings(tmp_path, env={})
    assert s.servicetracker_api_key().reveal() == "stk_live_fromkeyring1"
    assert seen == ["st2sf-migration:servicetracker"]


def test_project_root_is_found_upwards(tmp_path: Path) -> None:
    (tmp_path / "st2sf.toml").write_text("", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_root(deep, env={}) == tmp_path
    assert find_project_root(deep, env={"ST2SF_PROJECT": str(deep)}) == deep
