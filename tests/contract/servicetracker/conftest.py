"""Shared sandboxes: one generated tenant, served once without a rate limit for the whole session."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.contract.servicetracker.sandbox import Sandbox, run_cli, start_sandbox, stop_sandbox

TENANT_RECORDS = 2500
TENANT_SEED = 11


@pytest.fixture(scope="session")
def st_tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("st-tenant") / "tenant"
    run_cli("generate", "--state-dir", str(out.parent / "state"), "--out", str(out),
            "--records", str(TENANT_RECORDS), "--seed", str(TENANT_SEED))
    return out


@pytest.fixture(scope="session")
def st_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("st-state")


@pytest.fixture(scope="session")
def sandbox(st_tenant: Path, st_state: Path) -> Iterator[Sandbox]:
    box = start_sandbox(st_state, "shared", "--fixture", str(st_tenant), "--rate-limit", "0")
    yield box
    stop_sandbox(box)
