"""The sf CLI's Bulk API 2.0 and deploy commands against the emulated org.

``sf data import bulk`` / ``sf data export bulk`` run Bulk API 2.0 ingest and query jobs;
``sf project deploy start`` converts SFDX source itself and deploys it over the Metadata SOAP API
(with an empty SOAPAction).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.contract.salesforce.sfdx_source import work_order_source
from tests.contract.salesforce.test_sf_cli import NODE_BIN, SF, _sf
from tests.support.cumulusci_project import make_project
from tests.support.salesforce_org import EmulatedOrg, environ_for

pytestmark = [
    pytest.mark.sfcli,
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def cli_org(org_factory, tmp_path_factory):
    org: EmulatedOrg = org_factory("sfcli-bulk")
    home = tmp_path_factory.mktemp("sf-home")
    _sf(["org", "login", "access-token", "--instance-url", org.instance_url, "--no-prompt", "--alias", "bulk"], org, home)
    return org, home


def test_data_import_bulk_then_export_bulk(cli_org, tmp_path):
    org, home = cli_org
    source = tmp_path / "accounts.csv"
    source.write_text("Name,Phone,NumberOfEmployees\n" + "".join(f"CLI Bulk {i:04d},555-{i:04d},{i}\n" for i in range(1, 1201)))
    imported = _sf(["data", "import", "bulk", "--sobject", "Account", "--file", str(source), "--target-org", "bulk",
                    "--wait", "5"], org, home)
    assert imported["processedRecords"] == 1200 and imported["failedRecords"] == 0
    assert imported["jobId"].startswith("750")

    out = tmp_path / "export.csv"
    exported = _sf(["data", "export", "bulk", "--query",
                    "SELECT Name, Phone, NumberOfEmployees FROM Account WHERE Name LIKE 'CLI Bulk %' ORDER BY Name",
                    "--output-file", str(out), "--target-org", "bulk", "--wait", "5"], org, home)
    assert exported["totalSize"] == 1200
    lines = out.read_text().splitlines()
    assert lines[0] == '"Name","Phone","NumberOfEmployees"'
    assert lines[1] == '"CLI Bulk 0001","555-0001","1"' and lines[-1] == '"CLI Bulk 1200","555-1200","1200"'


def test_data_import_bulk_reports_failed_rows(cli_org, tmp_path):
    org, home = cli_org
    source = tmp_path / "contacts.csv"
    source.write_text("LastName,Email\nGood,good@example.com\nBad,not-an-address\n")
    env = environ_for(org)
    env.update(HOME=str(home), SF_DISABLE_TELEMETRY="true", SF_AUTOUPDATE_DISABLE="true",
               PATH=":".join(str(p) for p in NODE_BIN) + ":" + env.get("PATH", ""))
    proc = subprocess.run([str(SF), "data", "import", "bulk", "--sobject", "Contact", "--file", str(source),
                           "--target-org", "bulk", "--wait", "5", "--json"], env=env, capture_output=True, text=True,
                          timeout=180)
    result = json.loads(proc.stdout)
    assert proc.returncode == 1 and result["name"] == "FailedRecordDetailsError"
    assert result["message"] == "Job finished being processed but failed to process 1 records."
    job_id = result["data"]["jobId"]
    sf = org.simple_salesforce()
    failed = sf.bulk2.Contact.get_failed_records(job_id)
    assert failed.splitlines()[1] == (
        '"","INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-address:Email --","Bad","not-an-address"'
    )


def test_project_deploy_start_of_sfdx_source(cli_org, tmp_path):
    org, home = cli_org
    project = make_project(tmp_path / "cli-project")
    work_order_source(project)
    result = _sf(["project", "deploy", "start", "--source-dir", str(project / "force-app"), "--target-org", "bulk",
                  "--wait", "5"], org, home, cwd=str(project))  # the sf CLI runs inside an SFDX project
    assert result["status"] == "Succeeded" and result["success"] is True
    deployed = {(f["type"], f["fullName"]) for f in result["files"] if f["state"] in ("Created", "Changed", "Unchanged")}
    assert ("CustomObject", "Work_Order__c") in deployed and ("CustomField", "Work_Order__c.Hours__c") in deployed
    fields = {f["name"]: f["type"] for f in org.simple_salesforce().Work_Order__c.describe()["fields"]}
    assert fields["Hours__c"] == "double" and fields["Kind__c"] == "picklist"
