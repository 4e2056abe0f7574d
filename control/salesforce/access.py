"""Reaching a configured org: its URL and session, a simple-salesforce client, describes.

This package is the only place that constructs :class:`simple_salesforce.Salesforce`. An org named in
``st2sf.toml`` is either

* ``kind = "emulator"`` — a local org emulator of this project. It must be running
  (``st2sf emulate salesforce start NAME``); its session and CA bundle come from the emulator itself
  (``python -m emulators.salesforce start NAME --json`` reports a running org without restarting it), or
* ``kind = "cumulusci"`` — an org CumulusCI knows (``cci_org``); ``cci org info --json`` gives the session.

Access tokens are :class:`~control.secrets.Secret` values: they never print, and the CumulusCI
environment (``CUMULUSCI_ORG_<NAME>``) built from them is only ever handed to a child process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from control.emulation import run_emulator
from control.errors import ConfigError, Failure, SalesforceError
from control.secrets import Secret, redact_text
from control.settings import Settings

__all__ = ["OrgAccess", "org_access", "connect", "describe_objects", "custom_object_names", "cci_executable",
           "temporary_environ"]


class OrgAccess(NamedTuple):
    name: str
    kind: str  # emulator | cumulusci
    instance_url: str
    access_token: Secret
    username: str | None
    ca_bundle: str | None  # a CA bundle the client must trust (emulators), else None
    cci_org: str  # the org name CumulusCI uses
    cumulusci_env: Secret | None  # JSON of the CUMULUSCI_ORG_<NAME> value (emulators)

    def client_env(self) -> dict[str, str]:
        """Environment for a child process (cci, sf) that talks to this org: trust its certificate and, for
        an emulator, find it through CumulusCI's environment keychain. Holds a secret: never print it."""
        env: dict[str, str] = {}
        if self.ca_bundle:
            env.update(REQUESTS_CA_BUNDLE=self.ca_bundle, SSL_CERT_FILE=self.ca_bundle,
                       NODE_EXTRA_CA_CERTS=self.ca_bundle)
        if self.cumulusci_env is not None:
            env[_env_var(self.cci_org)] = self.cumulusci_env.reveal()
            env["CUMULUSCI_DISABLE_REFRESH"] = "1"
        return env


@contextmanager
def temporary_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set the environment variables ``values`` in this process for the ``with`` block, then put back what was
    there before: each variable's previous value, or no variable where there was none; also when the block
    raises.

    For in-process clients that read their trust from the environment (requests and CumulusCI honour
    ``REQUESTS_CA_BUNDLE`` and ``SSL_CERT_FILE``): pass :meth:`OrgAccess.client_env` or the part of it the
    client needs. ``os.environ`` is process-wide, so nothing else should change these variables meanwhile."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _env_var(name: str) -> str:
    return "CUMULUSCI_ORG_" + "".join(c if c.isalnum() else "_" for c in name).upper()


def cci_executable() -> list[str]:
    """How to run CumulusCI's ``cci`` (the one installed beside this interpreter, else on PATH)."""
    beside = Path(sys.executable).with_name("cci")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("cci")
    if found:
        return [found]
    raise Failure("CumulusCI's `cci` command is not installed.", hint="Run `make bootstrap`.")


def _emulator_access(settings: Settings, name: str) -> OrgAccess:
    state = ["--state-dir", str(settings.state_dir)]
    status = run_emulator("salesforce", ["status", name, *state])
    orgs = status.get("orgs") or []
    if not orgs or not orgs[0].get("running"):
        raise ConfigError(f"The emulated org '{name}' is not running.",
                          hint=f"Start it with `st2sf emulate salesforce start {name}`.")
    details = run_emulator("salesforce", ["start", name, *state])
    cci_env = details.get("cumulusci_env") or {}
    return OrgAccess(name, "emulator", str(details["instance_url"]), Secret(str(details["access_token"])),
                     details.get("username"), details.get("ca_bundle"), name,
                     Secret(next(iter(cci_env.values()))) if cci_env else None)


def _cumulusci_access(settings: Settings, name: str, cci_org: str) -> OrgAccess:
    proc = subprocess.run([*cci_executable(), "org", "info", cci_org, "--json"], cwd=settings.root,
                          capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0:
        tail = redact_text((proc.stderr or proc.stdout).strip().splitlines()[-1:][0] if (proc.stderr or proc.stdout)
                           else "no output")
        raise ConfigError(f"CumulusCI cannot open org '{cci_org}': {tail}",
                          hint=f"Connect it first: `cci org connect {cci_org}` (or `cci org import`).")
    info = json.loads(proc.stdout[proc.stdout.index("{"):])
    return OrgAccess(name, "cumulusci", str(info["instance_url"]), Secret(str(info["access_token"])),
                     info.get("username"), None, cci_org, None)


def org_access(settings: Settings, name: str | None) -> OrgAccess:
    """How to reach the org ``name`` (or the project's default org)."""
    chosen, org = settings.org(name)
    if org.kind == "emulator":
        return _emulator_access(settings, chosen)
    return _cumulusci_access(settings, chosen, org.cci_org or chosen)


def connect(access: OrgAccess, api_version: str = "63.0") -> Any:
    """A simple-salesforce client for the org (trusting the emulator's certificate when there is one)."""
    import requests
    from simple_salesforce import Salesforce

    session = requests.Session()
    if access.ca_bundle:
        # requests lets REQUESTS_CA_BUNDLE from the environment override a session's own verify; the
        # emulator's bundle must win (and no proxy stands between us and 127.0.0.1)
        session.trust_env = False
        session.verify = access.ca_bundle
    return Salesforce(instance_url=access.instance_url, session_id=access.access_token.reveal(),
                      version=api_version, session=session)


def describe_objects(client: Any, names: Iterable[str]) -> list[Mapping[str, Any]]:
    """Describes of the named sObjects that exist in the org (unknown names are left out)."""
    from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError
    from simple_salesforce.exceptions import SalesforceResourceNotFound

    out = []
    for name in sorted(set(names)):
        try:
            out.append(client.restful(f"sobjects/{name}/describe"))
        except SalesforceResourceNotFound:
            continue
        except SimpleSalesforceError as exc:
            content = exc.content[0] if isinstance(exc.content, list) and exc.content else {}
            code = content.get("errorCode") if isinstance(content, dict) else None
            if code in ("NOT_FOUND", "INVALID_TYPE"):
                continue
            raise SalesforceError(f"Describe of {name} failed: {redact_text(str(content.get('message', exc)))}",
                                  status=exc.status, code=code) from None
    return out


def custom_object_names(client: Any) -> list[str]:
    """The org's custom objects that take records (``GET /sobjects``: custom and createable)."""
    from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError

    try:
        listing = client.restful("sobjects")
    except SimpleSalesforceError as exc:
        raise SalesforceError(f"Listing the org's objects failed: {redact_text(str(exc))}", status=exc.status) from None
    return sorted(str(o["name"]) for o in listing.get("sobjects", ()) if o.get("custom") and o.get("createable"))
