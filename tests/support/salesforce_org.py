"""Start and stop emulated Salesforce orgs from tests — real processes on real ports.

Use the pytest fixtures in ``tests/contract/salesforce/conftest.py`` (``sf_org``, ``org_factory``), or
these functions directly::

    org = start_org(tmp_path / "state", "dev", seed=SEED_FILE)
    try:
        sf = org.simple_salesforce()
        ...
    finally:
        stop_org(org)

:func:`start_org` runs ``python -m emulators.salesforce start NAME --state-dir DIR --json`` (the same
entry point ``st2sf emulate salesforce start`` uses) and returns an :class:`EmulatedOrg` with what
clients need. :func:`client_env` gives the environment variables that make Python (requests,
ssl) and Node (the sf CLI) trust the emulator's certificate; fixtures **override** the machine's
values with them, never ``setdefault``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EmulatedOrg", "start_org", "stop_org", "client_env", "environ_for", "PROJECT_ROOT"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class EmulatedOrg:
    """A running emulated org, as ``start --json`` describes it."""

    name: str
    state_dir: Path
    details: dict[str, Any]

    @property
    def instance_url(self) -> str:
        return str(self.details["instance_url"])

    @property
    def access_token(self) -> str:
        return str(self.details["access_token"])

    @property
    def username(self) -> str:
        return str(self.details["username"])

    @property
    def org_id(self) -> str:
        return str(self.details["org_id"])

    @property
    def user_id(self) -> str:
        return str(self.details["user_id"])

    @property
    def ca_bundle(self) -> str:
        return str(self.details["ca_bundle"])

    @property
    def pid(self) -> int:
        return int(self.details["pid"])

    @property
    def db_path(self) -> Path:
        return self.state_dir / "orgs" / self.name / "org.db"

    @property
    def cumulusci_env(self) -> dict[str, str]:
        """``{"CUMULUSCI_ORG_<NAME>": "<org config JSON>"}``."""
        return dict(self.details["cumulusci_env"])

    def simple_salesforce(self, version: str = "59.0") -> Any:
        """A simple-salesforce client logged in with the org's access token."""
        from simple_salesforce import Salesforce

        return Salesforce(instance_url=self.instance_url, session_id=self.access_token, version=version)


def client_env(org: EmulatedOrg) -> dict[str, str]:
    """Variables that make requests/ssl/Node trust the emulator (set them, overriding the machine's)."""
    return {"REQUESTS_CA_BUNDLE": org.ca_bundle, "SSL_CERT_FILE": org.ca_bundle, "NODE_EXTRA_CA_CERTS": org.ca_bundle}


def _run(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "emulators.salesforce", *args, "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"emulator {args[0]} failed ({proc.returncode}): {proc.stdout.strip()} {proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def start_org(
    state_dir: Path,
    name: str,
    *,
    seed: Path | None = None,
    sandbox: bool | None = None,
    port: int | None = None,
) -> EmulatedOrg:
    """Start (creating when new) the org ``name`` under ``state_dir``; see the module docstring."""
    args = ["start", name, "--state-dir", str(state_dir)]
    if seed is not None:
        args += ["--seed", str(seed)]
    if sandbox is not None:
        args.append("--sandbox" if sandbox else "--production")
    if port is not None:
        args += ["--port", str(port)]
    return EmulatedOrg(name=name, state_dir=Path(state_dir), details=_run(args))


def stop_org(org: EmulatedOrg) -> dict[str, Any]:
    """Stop the org's server (records stay on disk)."""
    return _run(["stop", org.name, "--state-dir", str(org.state_dir)])


def environ_for(org: EmulatedOrg) -> dict[str, str]:
    """``os.environ`` plus :func:`client_env` (for subprocesses)."""
    return {**os.environ, **client_env(org)}
