"""Shared test fixtures: an isolated project folder, a clean environment, PostgreSQL databases."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.postgres import postgres_database  # noqa: F401 (fixture re-export)
from tests.support.toolchain import SF, TOOLS_PATH

_ST2SF_ENV = ("ST2SF_PROJECT", "ST2SF_STATE_DIR", "ST2SF_STAGING_URL", "ST2SF_LEDGER_URL", "ST2SF_SOURCE_URL",
              "ST2SF_SOURCE_EXPORT_DIR", "ST2SF_DEFAULT_ORG", "ST2SF_SERVICETRACKER_API_KEY")


@pytest.fixture(autouse=True, scope="session")
def _node_tools_on_path() -> Iterator[None]:
    """The sf CLI and Node 22 from node_modules come first on PATH, whoever runs pytest."""
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{TOOLS_PATH}:{os.path.dirname(sys.executable)}:{saved}"
    yield
    os.environ["PATH"] = saved


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("sfcli") and not SF.exists():
        pytest.fail(f"the sf CLI is missing ({SF}); run `make bootstrap` (make test does it)", pytrace=False)


@pytest.fixture(autouse=True)
def _clean_st2sf_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own ST2SF_* settings."""
    for name in _ST2SF_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """An empty st2sf project folder with a minimal st2sf.toml."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "st2sf.toml").write_text('[project]\nname = "test-project"\n', encoding="utf-8")
    yield root


@pytest.fixture
def st2sf_cli():
    """Run the real ``st2sf`` CLI in a subprocess: ``st2sf_cli(args, cwd=…, env=…) -> CompletedProcess``."""
    import subprocess

    def run(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if k not in _ST2SF_ENV}
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "control.cli.app", *args], cwd=cwd, env=full_env,
                              capture_output=True, text=True, timeout=timeout)

    return run
