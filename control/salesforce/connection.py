"""Resolving a named org (st2sf.toml ``[orgs.NAME]``) to credentials, and connecting to it.

Two kinds of org:

* ``emulator`` — a local org run by ``st2sf emulate salesforce``; its details come from the emulator
  process (``python -m emulators.salesforce start NAME --json`` prints them and starts nothing when it runs);
* ``cumulusci`` — an org CumulusCI knows (``cci org connect NAME``); its details come from
  ``cci org info NAME --json``, which refreshes the access token when needed.

This module is the only place that constructs :class:`simple_salesforce.Salesforce`. Access tokens are
held as :class:`~control.secrets.Secret` and never printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Literal, NamedTuple

import requests
from simple_salesforce import Salesforce

from control.emulation import run_emulator
from control.errors import ConfigError, UsageError
from control.secrets import Secret
from control.settings import Settings

__all__ = ["API_VERSION", "OrgCredentials", "resolve_org", "connect", "cumulusci_env"]

API_VERSION = "63.0"


class OrgCredentials(NamedTuple):
    name: str
    kind: Literal["emulator", "cumulusci"]
    instance_url: str
    access_token: Secret
    org_id: str
    user_id: str
    username: str
    ca_bundle: str | None  # a CA bundle to trust (the emulator's), else the system's
    sandbox: bool | None

    def cumulusci_org_config(self) -> dict[str, Any]:
        """What CumulusCI needs for an org it has no keychain entry for (``CUMULUSCI_ORG_<NAME>``)."""
        return {"instance_url": self.instance_url, "access_token": self.access_token.reveal(),
                "id": f"{self.instance_url}/id/{self.org_id}/{self.user_id}", "username": self.username}


def _emulator_credentials(settings: Settings, name: str) -> OrgCredentials:
    state = ["--state-dir", str(settings.state_dir)]
    status = run_emulator("salesforce", ["status", name, *state], cwd=settings.root)
    org = (status.get("orgs") or [{}])[0]
    if not org.get("running"):
        raise UsageError(f"The emulated org '{name}' is not running.",
                         hint=f"Start it with `st2sf emulate salesforce start {name}`.")
    details = run_emulator("salesforce", ["start", name, *state], cwd=settings.root)
    return OrgCredentials(name, "emulator", details["instance_url"], Secret(details["access_token"]),
                          details["org_id"], details["user_id"], details["username"], details.get("ca_bundle"),
                          details.get("sandbox"))


def _cumulusci_credentials(settings: Settings, name: str, cci_org: str) -> OrgCredentials:
    cci = os.path.join(os.path.dirname(sys.executable), "cci")
    command = [cci if os.path.exists(cci) else "cci", "org", "info", cci_org, "--json"]
    try:
        proc = subprocess.run(command, cwd=settings.root, capture_output=True, text=True, timeout=300, check=False)
    except FileNotFoundError:
        raise ConfigError("CumulusCI's `cci` command is not installed.", hint="Install st2sf with its dependencies.") from None
    if proc.returncode != 0:
        said = next((line.strip() for line in reversed(proc.stdout.splitlines() + proc.stderr.splitlines())
                     if line.strip().startswith("Error:")), "")
        raise UsageError(f"CumulusCI cannot give the details of org '{cci_org}'. {said}".strip(),
                         hint=f"Connect it first: `cci org connect {cci_org}` (add --sandbox for a sandbox).")
    info = json.loads(proc.stdout)
    parts = str(info.get("id") or "").rstrip("/").split("/")
    org_id = info.get("org_id") or (parts[-2] if len(parts) >= 2 else "")
    user_id = info.get("user_id") or (parts[-1] if parts else "")
    return OrgCredentials(name, "cumulusci", info["instance_url"], Secret(info["access_token"]), org_id, user_id,
                          info.get("username") or "", None, info.get("sandbox"))


def resolve_org(settings: Settings, name: str | None = None) -> OrgCredentials:
    """Credentials for the named org (or the default one)."""
    chosen, org = settings.org(name)
    if org.kind == "emulator":
        return _emulator_credentials(settings, chosen)
    if not org.cci_org:
        raise ConfigError(f"[orgs.{chosen}] has kind = \"cumulusci\" but no cci_org.",
                          hint=f"Add cci_org = \"NAME\" (the org's name in CumulusCI) to [orgs.{chosen}].")
    return _cumulusci_credentials(settings, chosen, org.cci_org)


def connect(creds: OrgCredentials, *, api_version: str = API_VERSION) -> Salesforce:
    """A simple-salesforce client for the org (trusting the emulator's CA when it is one)."""
    session = requests.Session()
    if creds.ca_bundle:
        session.verify = creds.ca_bundle
        session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides session.verify
    return Salesforce(instance_url=creds.instance_url, session_id=creds.access_token.reveal(),
                      version=api_version, session=session)


def cumulusci_env(creds: OrgCredentials) -> dict[str, str]:
    """Environment for a ``cci`` process that must reach ``creds``'s org without a keychain entry."""
    env = {f"CUMULUSCI_ORG_{''.join(c if c.isalnum() else '_' for c in creds.name).upper()}":
           json.dumps(creds.cumulusci_org_config()), "CUMULUSCI_DISABLE_REFRESH": "1"}
    if creds.ca_bundle:
        env.update(REQUESTS_CA_BUNDLE=creds.ca_bundle, SSL_CERT_FILE=creds.ca_bundle, NODE_EXTRA_CA_CERTS=creds.ca_bundle)
    return env
