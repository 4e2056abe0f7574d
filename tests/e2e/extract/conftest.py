"""Extraction against the real ServiceTracker sandbox, over real sockets.

``st_fixture`` is one generated tenant (a fixture folder) for the session. Each test starts its own
sandbox on it (its own state folder, so churn never leaks between tests) through :func:`sandbox` and the
sandbox is stopped when the test ends. ``make_project`` writes an st2sf project pointing at a sandbox.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.contract.servicetracker.sandbox import Sandbox, run_cli, start_sandbox, stop_sandbox

TENANT_RECORDS = 2500
TENANT_SEED = 23
KEY_ENV = "ST2SF_SERVICETRACKER_API_KEY"


@pytest.fixture(scope="session")
def st_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("extract-tenant") / "tenant"
    run_cli("generate", "--state-dir", str(out.parent / "state"), "--out", str(out), "--records", str(TENANT_RECORDS),
            "--seed", str(TENANT_SEED))
    return out


@pytest.fixture
def sandbox(tmp_path: Path, st_fixture: Path) -> Iterator[Callable[..., Sandbox]]:
    """``sandbox(*options)`` starts a sandbox serving ``st_fixture`` with extra start options."""
    started: list[Sandbox] = []

    def start(*options: str, fixture: Path | None = None, name: str | None = None) -> Sandbox:
        box = start_sandbox(tmp_path / "sandbox-state", name or f"box{len(started)}", "--fixture",
                            str(fixture or st_fixture), *options)
        started.append(box)
        return box

    yield start
    for box in started:
        stop_sandbox(box)


@pytest.fixture
def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """``make_project(name, box, page_size=…, staging_url=…)``: a project folder; sets the key variable."""

    def make(name: str, box: Sandbox | None = None, *, page_size: int = 1000, staging_url: str | None = None,
             concurrency: int = 4) -> Path:
        root = tmp_path / name
        root.mkdir()
        lines = ["[project]", f'name = "{name}"', "[source]", f"page_size = {page_size}",
                 f"max_concurrency = {concurrency}"]
        if box is not None:
            lines.append(f'base_url = "{box.base_url}"')
            monkeypatch.setenv(KEY_ENV, box.api_key)
        if staging_url:
            lines += ["[staging]", f'url = "{staging_url}"']
        (root / "st2sf.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return root

    return make


def cli_env(project: Path, key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
    env["ST2SF_PROJECT"] = str(project)
    if key is not None:
        env[KEY_ENV] = key
    return env


@pytest.fixture(scope="session")
def fixture_digest(st_fixture: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The staging digest of the fixture folder read as an export: what every API extraction must reach."""
    from control.servicetracker.extract import extract
    from control.settings import load_settings

    root = tmp_path_factory.mktemp("export-project")
    (root / "st2sf.toml").write_text('[project]\nname = "export"\n', encoding="utf-8")
    result = extract(load_settings(root, env={}), export_dir=st_fixture, digest=True)
    assert result.digest is not None
    return result.digest.digest
