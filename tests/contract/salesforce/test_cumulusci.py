"""CumulusCI against the emulated org: in-process LoadData/ExtractData, and the ``cci`` command line.

The dataset (``datasets/clients.*``) has Accounts keyed by the custom external Id
``ST_Client_Id__c`` (created from the seed through the catalog's ``custom_field``) and Contacts that
look them up, loaded with the REST API.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.salesforce_org import EmulatedOrg, environ_for

DATASETS = Path(__file__).with_name("datasets")
MAPPING = DATASETS / "clients.mapping.yml"
DATASET = DATASETS / "clients.dataset.sql"
EXPECTED_CONTACTS = [
    ("Ann Lee", "Acme Plumbing", "CL-0001"),
    ("Bo Ng", "Bolt Electric", "CL-0002"),
    ("Cy Ode", "Acme Plumbing", "CL-0001"),
    ("Di Ray", "Cedar HVAC", "CL-0003"),
]


def _contacts(sf) -> list[tuple[str, str, str]]:
    rows = sf.query("SELECT Name, Account.Name, Account.ST_Client_Id__c FROM Contact WHERE Email LIKE '%.example.com'")
    return sorted((r["Name"], r["Account"]["Name"], r["Account"]["ST_Client_Id__c"]) for r in rows["records"])


def _extracted(sql_path: Path) -> tuple[list[tuple], list[tuple]]:
    db = sqlite3.connect(":memory:")
    db.executescript(sql_path.read_text())
    accounts = db.execute('SELECT id, "Name", "ST_Client_Id__c" FROM "Account" ORDER BY "Name"').fetchall()
    contacts = db.execute(
        'SELECT c."LastName", a."ST_Client_Id__c" FROM "Contact" c JOIN "Account" a ON a.id = c."AccountId" ORDER BY c."LastName"'
    ).fetchall()
    return accounts, contacts


@pytest.fixture(scope="module")
def cci_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with a cumulusci.yml, as CumulusCI wants its project."""
    root = tmp_path_factory.mktemp("cci-project")
    (root / "cumulusci.yml").write_text(
        "project:\n  name: EmulatorContract\n  package:\n    name: EmulatorContract\n    api_version: '62.0'\n"
        "  source_format: sfdx\n"
    )
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "project"], cwd=root, check=True, env=env)
    return root


def test_load_and_extract_in_process(org_factory, cci_project: Path, tmp_path: Path, monkeypatch):
    org: EmulatedOrg = org_factory("cci-inproc")
    import cumulusci.core.config.org_config as org_config_module
    from cumulusci.core.config import BaseProjectConfig, OrgConfig, TaskConfig, UniversalConfig
    from cumulusci.core.keychain import BaseProjectKeychain
    from cumulusci.tasks.bulkdata import ExtractData, LoadData

    monkeypatch.setattr(org_config_module, "SKIP_REFRESH", True)  # the access token is the credential
    project = BaseProjectConfig(
        UniversalConfig(),
        repo_info={"root": str(cci_project), "name": "EmulatorContract", "owner": "st2sf", "branch": "main",
                   "commit": "0" * 40, "url": "https://example.com/st2sf/EmulatorContract"},
    )
    keychain = BaseProjectKeychain(project, None)
    project.keychain = keychain
    org_config = OrgConfig(
        {
            "instance_url": org.instance_url,
            "access_token": org.access_token,
            "id": f"{org.instance_url}/id/{org.org_id}/{org.user_id}",
            "username": org.username,
        },
        "emulated",
        keychain=keychain,
    )
    load = LoadData(project, TaskConfig({"options": {"mapping": str(MAPPING), "sql_path": str(DATASET)}}), org_config)
    load()
    steps = load.return_values["step_results"]
    assert {name: (r["records_processed"], r["total_row_errors"]) for name, r in steps.items()} == {
        "Insert Account": (3, 0),
        "Insert Contact": (4, 0),
    }
    assert _contacts(org.simple_salesforce()) == sorted(EXPECTED_CONTACTS)
    assert org_config.org_type == "Enterprise Edition" and org_config.is_sandbox is False

    out = tmp_path / "extracted.sql"
    ExtractData(project, TaskConfig({"options": {"mapping": str(MAPPING), "sql_path": str(out)}}), org_config)()
    accounts, contacts = _extracted(out)
    assert [(name, key) for _, name, key in accounts] == [
        ("Acme Plumbing", "CL-0001"),
        ("Bolt Electric", "CL-0002"),
        ("Cedar HVAC", "CL-0003"),
    ]
    assert contacts == [("Lee", "CL-0001"), ("Ng", "CL-0002"), ("Ode", "CL-0001"), ("Ray", "CL-0003")]


def _cci(args: list[str], org: EmulatedOrg, project: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**environ_for(org), **org.cumulusci_env, "CUMULUSCI_DISABLE_REFRESH": "1", "HOME": str(home)}
    cci = Path(sys.executable).with_name("cci")
    return subprocess.run([str(cci), *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cci_org_info_load_and_extract(org_factory, cci_project: Path, tmp_path: Path):
    org: EmulatedOrg = org_factory("cci-cli", sandbox=True)
    env_name = next(iter(org.cumulusci_env)).removeprefix("CUMULUSCI_ORG_").lower()
    home = tmp_path / "home"
    home.mkdir()

    info = _cci(["org", "info", env_name, "--json"], org, cci_project, home)
    assert info.returncode == 0, info.stderr + info.stdout
    data = json.loads(info.stdout[info.stdout.index("{"):])
    assert data["instance_url"] == org.instance_url
    assert data["is_sandbox"] is True and data["org_type"] == "Enterprise Edition"
    assert data["instance_name"].startswith("CS") and data["username"].endswith(".ccicli")

    load = _cci(["task", "run", "load_dataset", "--org", env_name, "-o", "mapping", str(MAPPING),
                 "-o", "sql_path", str(DATASET)], org, cci_project, home)
    assert load.returncode == 0, load.stdout[-2000:] + load.stderr[-2000:]
    assert _contacts(org.simple_salesforce()) == sorted(EXPECTED_CONTACTS)

    out = tmp_path / "cli-extract.sql"
    extract = _cci(["task", "run", "extract_dataset", "--org", env_name, "-o", "mapping", str(MAPPING),
                    "-o", "sql_path", str(out)], org, cci_project, home)
    assert extract.returncode == 0, extract.stdout[-2000:] + extract.stderr[-2000:]
    accounts, contacts = _extracted(out)
    assert len(accounts) == 3 and len(contacts) == 4
