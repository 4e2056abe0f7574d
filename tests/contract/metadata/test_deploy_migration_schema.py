"""The committed schema (``force-app/``, generated from the unchanged default map) deploys to the org
emulator — through ``st2sf metadata deploy`` (CumulusCI's ``deploy_migration_schema`` flow), through
``cci flow run`` directly, and through ``sf project deploy start`` — and the org's describe afterwards
shows every generated object, field, picklist value and record type: Activity custom fields on both
Task and Event, tabs listed by the Metadata API. ``st2sf map validate --org`` then finds nothing wrong.
Real processes, real sockets, real CumulusCI and sf CLI.

The test project is a copy of this repository's map, CumulusCI and SFDX files; ``metadata generate
--check`` proves its ``force-app/`` is exactly what the default map generates.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from lxml import etree

from control.mapping.target_schema import DESCRIBE_TYPE
from control.mapping.targets import FieldKind
from control.metadata.xsd import MD_NS
from tests.contract.salesforce.test_sf_cli import NODE_BIN, _sf
from tests.support.salesforce_org import EmulatedOrg, client_env, start_org, stop_org

ROOT = Path(__file__).resolve().parents[3]
SOURCE = Path("force-app") / "main" / "default"
PROJECT_FILES = ("cumulusci.yml", "sfdx-project.json", "mapping", "force-app", "manifest")
ACTIVITY_HOSTS = ("Task", "Event")  # Activity custom fields are fields of both

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sfcli,
]


def _env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ST2SF_", "CUMULUSCI_ORG_"))}
    env.update(HOME=str(home), SF_DISABLE_TELEMETRY="true", SF_AUTOUPDATE_DISABLE="true",
               PATH=os.pathsep.join([*(str(p) for p in NODE_BIN), str(Path(sys.executable).parent), env["PATH"]]))
    env.update(extra or {})
    return env


def _st2sf(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "control.cli.app", "-C", str(project), *args],
                          cwd=ROOT, env=_env(home), capture_output=True, text=True, timeout=600)


class Deployed:
    def __init__(self, project: Path, org: EmulatedOrg, home: Path, first: dict[str, Any]) -> None:
        self.project, self.org, self.home, self.first = project, org, home, first


def _copy_project(folder: Path, *, state_dir: Path, org: str) -> Path:
    """This repository's map and committed schema, unchanged, in a project of its own (with its own state)."""
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy2(source, folder / name)
    (folder / "st2sf.toml").write_text(
        f'[project]\nname = "deploy-test"\nstate_dir = "{state_dir}"\n\n[orgs.{org}]\nkind = "emulator"\n'
        f'sandbox = true\n\n[defaults]\norg = "{org}"\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    base = tmp_path_factory.mktemp("migration-schema")
    state, home = base / "state", base / "home"
    home.mkdir()
    project = _copy_project(base / "project", state_dir=state, org="demo")
    check = _st2sf(project, home, "metadata", "generate", "--check", "--json")
    assert check.returncode == 0, check.stdout + check.stderr  # force-app is the default map's schema, unchanged
    org = start_org(state, "demo")
    try:
        deploy = _st2sf(project, home, "metadata", "deploy", "--org", "demo", "--json")
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        yield Deployed(project, org, home, json.loads(deploy.stdout))
    finally:
        stop_org(org)


def _client(org: EmulatedOrg) -> Any:
    os.environ.update(client_env(org))
    return org.simple_salesforce("63.0")


def _generated(project: Path) -> tuple[dict[str, dict[str, etree._Element]], dict[str, set[str]], set[str]]:
    """Generated fields by object, record types by object, custom objects — read back from force-app."""
    fields: dict[str, dict[str, etree._Element]] = {}
    record_types: dict[str, set[str]] = {}
    objects: set[str] = set()
    for path in (project / SOURCE / "objects").rglob("*-meta.xml"):
        sobject = path.relative_to(project / SOURCE / "objects").parts[0]
        if path.name.endswith(".field-meta.xml"):
            fields.setdefault(sobject, {})[path.name.removesuffix(".field-meta.xml")] = etree.parse(str(path)).getroot()
        elif path.name.endswith(".recordType-meta.xml"):
            record_types.setdefault(sobject, set()).add(path.name.removesuffix(".recordType-meta.xml"))
        elif path.name.endswith(".object-meta.xml"):
            objects.add(sobject)
    return fields, record_types, objects


def _text(element: etree._Element, name: str) -> str | None:
    found = element.find(f"{{{MD_NS}}}{name}")
    return found.text if found is not None else None


def _assert_describe_shows_everything(sf: Any, project: Path) -> int:
    fields, record_types, objects = _generated(project)
    assert set(fields["Activity"]) >= {"ServiceTracker_Id__c", "Participants__c", "Sequence__c"}
    for host in ACTIVITY_HOSTS:  # objects/Activity/fields are Task's and Event's fields
        fields[host] = {**fields.get(host, {}), **fields["Activity"]}
    del fields["Activity"]
    checked = 0
    for sobject in sorted(set(fields) | set(record_types) | objects):
        describe = getattr(sf, sobject).describe()
        if sobject in objects:
            assert describe["custom"] is True, sobject
        described = {f["name"]: f for f in describe["fields"]}
        if record_types.get(sobject):
            assert described["RecordTypeId"]["referenceTo"] == ["RecordType"], sobject
        for name, element in fields.get(sobject, {}).items():
            assert name in described, f"{sobject}.{name} is not in the org's describe"
            field = described[name]
            assert field["type"] == DESCRIBE_TYPE[FieldKind(_text(element, "type"))], f"{sobject}.{name}"
            assert field["label"] == _text(element, "label"), f"{sobject}.{name}"
            values = [v.text for v in element.iter(f"{{{MD_NS}}}fullName") if v.getparent().tag.endswith("value")]
            if values:
                assert [v["value"] for v in field["picklistValues"]] == values, f"{sobject}.{name}"
            if _text(element, "externalId") == "true":
                assert field["externalId"] is True and field["unique"] is True, f"{sobject}.{name}"
            if _text(element, "referenceTo"):
                assert field["referenceTo"] == [_text(element, "referenceTo")], f"{sobject}.{name}"
            checked += 1
        developer_names = {rt["developerName"] for rt in describe["recordTypeInfos"]}
        assert record_types.get(sobject, set()) <= developer_names, sobject
    return checked


def test_st2sf_deploy_then_describe_shows_every_generated_component(deployed: Deployed) -> None:
    assert deployed.first["flow"] == "deploy_migration_schema"
    assert deployed.first["permission_set"] == "ServiceTracker_Migration"
    sf = _client(deployed.org)
    assert _assert_describe_shows_everything(sf, deployed.project) > 200
    assigned = sf.query("SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = "
                        f"'{deployed.org.user_id}'")["records"]
    assert "ServiceTracker_Migration" in {r["PermissionSet"]["Name"] for r in assigned}
    flows = {path.name.removesuffix(".flow-meta.xml") for path in (deployed.project / SOURCE / "flows").iterdir()}
    listed = {p["fullName"] for p in sf.mdapi.list_metadata(sf.mdapi.ListMetadataQuery(type="Flow"))}
    assert flows and flows <= listed
    tabs = {path.name.removesuffix(".tab-meta.xml") for path in (deployed.project / SOURCE / "tabs").iterdir()}
    listed_tabs = {p["fullName"] for p in sf.mdapi.list_metadata(sf.mdapi.ListMetadataQuery(type="CustomTab"))}
    assert len(tabs) == 12 and listed_tabs == tabs
    with_tabs = {r["SobjectName"] for r in sf.query("SELECT SobjectName FROM TabDefinition WHERE IsCustom = true")["records"]}
    assert with_tabs == tabs  # every generated tab shows a custom object of the same name
    for name in flows:
        flow = sf.mdapi.Flow.read(name)
        assert flow["start"]["filterFormula"].startswith("AND(NOT({!$Permission.ServiceTracker_Bypass_Automation})")


def _generated_state(sf: Any, objects: tuple[str, ...]) -> dict[str, Any]:
    """What the deploy controls: the custom fields (every describe property) and record types."""
    state: dict[str, Any] = {}
    for name in objects:
        describe = sf.restful(f"sobjects/{name}/describe")
        state[name] = ({f["name"]: f for f in describe["fields"] if f["name"].endswith("__c")},
                       sorted(rt["developerName"] for rt in describe["recordTypeInfos"]))
    return state


def test_deploying_again_changes_nothing(deployed: Deployed) -> None:
    sf = _client(deployed.org)
    objects = ("Work_Order__c", "Case", "Site__c", "Account", "Asset_Work_History__c", "Task", "Event", "Contract")
    before = _generated_state(sf, objects)
    again = _st2sf(deployed.project, deployed.home, "metadata", "deploy", "--org", "demo", "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    assert _generated_state(sf, objects) == before
    assignments = sf.query("SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.Name = "
                           f"'ServiceTracker_Migration' AND AssigneeId = '{deployed.org.user_id}'")["totalSize"]
    assert assignments == 1
    runs = _st2sf(deployed.project, deployed.home, "runs", "--json")
    statuses = [r["status"] for r in json.loads(runs.stdout)["runs"] if r["command"] == "metadata deploy"]
    assert statuses == ["completed", "completed"]


def test_release_engineers_run_the_same_flow_with_cci(deployed: Deployed) -> None:
    env = _env(deployed.home / "cci", {**client_env(deployed.org), **deployed.org.cumulusci_env,
                                       "CUMULUSCI_DISABLE_REFRESH": "1"})
    (deployed.home / "cci").mkdir(exist_ok=True)
    proc = subprocess.run([str(Path(sys.executable).with_name("cci")), "flow", "run", "deploy_migration_schema",
                           "--org", "demo"], cwd=deployed.project, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    sf = _client(deployed.org)
    assert _assert_describe_shows_everything(sf, deployed.project) > 200
    assignments = sf.query("SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.Name = "
                           f"'ServiceTracker_Migration' AND AssigneeId = '{deployed.org.user_id}'")["totalSize"]
    assert assignments == 1  # assigned once, by the first deploy; the flow skips a set already held


def test_sf_project_deploy_start_deploys_the_same_source(deployed: Deployed, tmp_path: Path) -> None:
    org = start_org(deployed.org.state_dir, "sfcli")
    try:
        home = tmp_path / "sf-home"
        home.mkdir()
        _sf(["org", "login", "access-token", "--instance-url", org.instance_url, "--no-prompt", "--alias", "target"],
            org, home)
        result = _sf(["project", "deploy", "start", "--source-dir", str(deployed.project / "force-app"),
                      "--target-org", "target", "--wait", "10"], org, home, cwd=str(deployed.project))
        assert result["status"] == "Succeeded" and result["success"] is True
        assert _assert_describe_shows_everything(_client(org), deployed.project) > 200
    finally:
        stop_org(org)
        os.environ.update(client_env(deployed.org))


def test_map_validate_against_the_deployed_org(deployed: Deployed) -> None:
    proc = _st2sf(deployed.project, deployed.home, "map", "validate", "--org", "demo", "--json")
    payload = json.loads(proc.stdout)
    issues = payload["issues"] if proc.returncode == 0 else payload["error"]["issues"]
    # every object, field, picklist value and record type the map writes is in the org now
    assert [i for i in issues if i["severity"] == "error"] == []
    assert proc.returncode == 0
