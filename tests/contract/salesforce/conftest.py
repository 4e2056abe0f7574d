"""Fixtures that run emulated Salesforce orgs for contract tests (real processes, real sockets).

* ``sf_org`` — one org per test module, created from ``seed.yml`` beside this file (users, record
  types, custom fields such as ``Account.ST_Client_Id__c``, a ``Site__c`` master-detail object) in a
  temporary state folder, stopped after the module. Tests share it: create your own records and
  assert on them, not on totals.
* ``org_factory`` — start more orgs (``org_factory("uat", sandbox=True)``); all stopped at the end.
* ``sf`` — a simple-salesforce client for ``sf_org``.
* ``deployed_org`` — start an org and deploy Metadata API files into it through simple-salesforce's SOAP
  deploy (``deployed_org("tabs", files, members)``, as :func:`~tests.contract.salesforce.sfdx_source.mdapi_zip`
  takes them); the deploy must succeed.
* ``retrieve`` — retrieve components from an org with CumulusCI's ``RetrieveUnpackaged`` in a fresh project
  (``retrieve(org, "CustomTab", "Gadget__c")``); returns the folder it wrote.

While an org fixture is active, ``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE`` and ``NODE_EXTRA_CA_CERTS``
point at the emulator's CA bundle (overriding the machine's values) and are restored afterwards.
The helpers live in :mod:`tests.support.salesforce_org` for reuse outside pytest fixtures.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.contract.salesforce.sfdx_source import component_xml, deploy_zip, mdapi_zip
from tests.support.cumulusci_project import make_project, run_task
from tests.support.salesforce_org import EmulatedOrg, client_env, start_org, stop_org

SEED = Path(__file__).with_name("seed.yml")


class _EnvOverride:
    """Set variables, remembering the previous values so they can be put back."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def set(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def restore(self) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def org_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., EmulatedOrg]]:
    state_dir = tmp_path_factory.mktemp("sf-state")
    started: list[EmulatedOrg] = []
    env = _EnvOverride()

    def factory(name: str, *, seed: Path | None = SEED, sandbox: bool | None = None) -> EmulatedOrg:
        org = start_org(state_dir, name, seed=seed, sandbox=sandbox)
        started.append(org)
        env.set(client_env(org))
        return org

    try:
        yield factory
    finally:
        env.restore()
        for org in started:
            stop_org(org)


@pytest.fixture(scope="module")
def sf_org(org_factory: Callable[..., EmulatedOrg]) -> EmulatedOrg:
    return org_factory("contract")


@pytest.fixture(scope="module")
def sf(sf_org: EmulatedOrg):
    return sf_org.simple_salesforce()


@pytest.fixture(scope="module")
def deployed_org(org_factory: Callable[..., EmulatedOrg]) -> Callable[..., EmulatedOrg]:
    def start(name: str, files: dict[str, bytes], members: dict[str, list[str]]) -> EmulatedOrg:
        org = org_factory(name)
        status = deploy_zip(org.simple_salesforce(), mdapi_zip(files, members))
        assert status["state"] == "Succeeded", status
        return org

    return start


@pytest.fixture
def retrieve(tmp_path: Path) -> Callable[[EmulatedOrg, str, str], Path]:
    def run(org: EmulatedOrg, kind: str, member: str) -> Path:
        from cumulusci.tasks.salesforce import RetrieveUnpackaged

        project = make_project(tmp_path / "retrieve")
        package_xml = tmp_path / "package.xml"
        package_xml.write_bytes(component_xml("Package", {"types": [{"members": member, "name": kind}],
                                                          "version": "59.0"}))
        out = tmp_path / "out"
        run_task(RetrieveUnpackaged, project, org, {"package_xml": str(package_xml), "path": str(out)})
        return out

    return run
