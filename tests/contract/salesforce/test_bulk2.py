"""Bulk API 2.0 through simple-salesforce's ``sf.bulk2`` and over the wire: ingest, results, query paging, limits."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from simple_salesforce.exceptions import SalesforceOperationError

from tests.support.salesforce_admin import EmulatorAdmin

WAIT = 0.05  # simple-salesforce sleeps this long before its first poll (the job is already done)


@pytest.fixture(scope="module")
def bulk2_org(org_factory):
    return org_factory("bulk2")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_insert_with_failed_rows_and_their_results(bulk2_org):
    sf = bulk2_org.simple_salesforce()
    (summary,) = sf.bulk2.Account.insert(records=[
        {"Name": "Two One", "ST_Client_Id__c": "T-1"}, {"Name": "", "ST_Client_Id__c": "T-2"},
        {"Name": "Two Three", "Score__c": "12345"},
    ], wait=WAIT)
    assert (summary["numberRecordsProcessed"], summary["numberRecordsFailed"]) == (3, 2)
    job = summary["job_id"]
    ok = _rows(sf.bulk2.Account.get_successful_records(job))
    header = ok[0][2:]  # the columns as simple-salesforce uploaded them, after sf__Id and sf__Created
    assert ok[0][:2] == ["sf__Id", "sf__Created"] and sorted(header) == ["Name", "ST_Client_Id__c", "Score__c"]
    assert len(ok) == 2 and ok[1][0].startswith("001") and ok[1][1] == "true"
    assert dict(zip(header, ok[1][2:])) == {"Name": "Two One", "ST_Client_Id__c": "T-1", "Score__c": ""}
    failed = _rows(sf.bulk2.Account.get_failed_records(job))
    assert failed[0][:2] == ["sf__Id", "sf__Error"]
    errors = sorted(r[1] for r in failed[1:])
    assert errors == [
        "NUMBER_OUTSIDE_VALID_RANGE:Score: value outside of valid range on numeric field: 12345:Score__c --",
        "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --",
    ]
    assert _rows(sf.bulk2.Account.get_unprocessed_records(job)) == [header]  # every row was processed


def test_upsert_and_query_with_locator_pages(bulk2_org):
    sf = bulk2_org.simple_salesforce()
    sf.bulk2.Account.insert(records=[{"Name": f"Page {i:03d}", "ST_Client_Id__c": f"PG-{i}"} for i in range(250)], wait=WAIT)
    (summary,) = sf.bulk2.Account.upsert(records=[{"ST_Client_Id__c": "PG-7", "Phone": "777"},
                                                  {"ST_Client_Id__c": "PG-new", "Name": "Page new"}],
                                         external_id_field="ST_Client_Id__c", wait=WAIT)
    assert (summary["numberRecordsProcessed"], summary["numberRecordsFailed"]) == (2, 0)
    created = [r[1] for r in _rows(sf.bulk2.Account.get_successful_records(summary["job_id"]))[1:]]
    assert created == ["false", "true"]

    pages = list(sf.bulk2.Account.query("SELECT Name, Phone FROM Account WHERE Name LIKE 'Page %' ORDER BY Name",
                                        max_records=100, wait=WAIT))
    assert len(pages) == 3
    rows = [row for page in pages for row in _rows(page)[1:]]
    assert len(rows) == 251 and rows[7] == ["Page 007", "777"] and rows[-1] == ["Page new", ""]


def _wire(org) -> requests.Session:
    session = requests.Session()
    session.verify = org.ca_bundle
    session.headers["Authorization"] = f"Bearer {org.access_token}"
    return session


def test_locator_headers_and_line_ending_check(bulk2_org):
    http = _wire(bulk2_org)
    base = f"{bulk2_org.instance_url}/services/data/v59.0/jobs"
    job = http.post(f"{base}/query", json={"operation": "query", "query": "SELECT Name FROM Account WHERE Name LIKE 'Page 00%'"}).json()
    assert job["state"] == "UploadComplete" and job["id"].startswith("750")
    assert http.get(f"{base}/query/{job['id']}").json()["state"] == "JobComplete"
    first = http.get(f"{base}/query/{job['id']}/results", params={"maxRecords": 4})
    assert first.headers["Sforce-NumberOfRecords"] == "4" and first.headers["Sforce-Locator"] != "null"
    rest = http.get(f"{base}/query/{job['id']}/results", params={"locator": first.headers["Sforce-Locator"]})
    assert rest.headers["Sforce-Locator"] == "null" and rest.headers["Sforce-NumberOfRecords"] == "6"

    bad = http.post(f"{base}/query", json={"operation": "query", "query": "SELECT Nope FROM Account"})
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_FIELD"

    ingest = http.post(f"{base}/ingest", json={"object": "Account", "operation": "insert", "lineEnding": "LF"}).json()
    assert http.put(f"{base}/ingest/{ingest['id']}/batches", data=b"Name\r\nCRLF Co\r\n",
                    headers={"Content-Type": "text/csv"}).status_code == 201
    http.patch(f"{base}/ingest/{ingest['id']}", json={"state": "UploadComplete"})
    info = http.get(f"{base}/ingest/{ingest['id']}").json()
    assert (info["state"], info["errorMessage"]) == (
        "Failed", "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF")
    assert http.get(f"{base}/ingest/{ingest['id']}/unprocessedrecords").text == "Name\nCRLF Co\n"


def test_batch_allocation_runs_out_mid_job(org_factory):
    org = org_factory("bulk2-quota")
    admin = EmulatorAdmin(org)
    admin.set_limits(bulk_batches=admin.limits()["bulk_batches"]["used"] + 1)
    sf = org.simple_salesforce()
    records = [{"Name": f"Quota {i:05d}"} for i in range(10_500)]
    with pytest.raises(SalesforceOperationError) as failure:
        sf.bulk2.Account.insert(records=records, wait=WAIT)
    assert "ExceededQuota : the rolling 24-hour allocation of" in str(failure.value)
    job = _wire(org).get(f"{org.instance_url}/services/data/v59.0/jobs/ingest").json()["records"][-1]
    info = _wire(org).get(f"{org.instance_url}/services/data/v59.0/jobs/ingest/{job['id']}").json()
    assert (info["state"], info["numberRecordsProcessed"]) == ("Failed", 10_000)
    unprocessed = _rows(sf.bulk2.Account.get_unprocessed_records(job["id"]))
    assert len(unprocessed) == 501 and unprocessed[1] == ["Quota 10000"]
    assert sf.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Quota %'")["totalSize"] == 10_000


@pytest.mark.slow
def test_uploads_over_150_mb_are_refused(bulk2_org):
    http = _wire(bulk2_org)
    base = f"{bulk2_org.instance_url}/services/data/v59.0/jobs/ingest"
    job = http.post(base, json={"object": "Account", "operation": "insert"}).json()

    def body():
        yield b"Name,Description\n"
        for _ in range(150 * 1024 + 1):
            yield b"x," + b"d" * 1021 + b"\n"

    response = http.put(f"{base}/{job['id']}/batches", data=body(), headers={"Content-Type": "text/csv"})
    assert response.status_code == 400
    assert response.json() == [{"errorCode": "CLIENTINPUTERROR", "message": (
        "ClientInputError : The job's data exceeds the maximum of 157,286,400 bytes (150 MB); split it across several jobs")}]
    small = http.put(f"{base}/{job['id']}/batches", data=b"Name\nAfter Refusal\n", headers={"Content-Type": "text/csv"})
    assert small.status_code == 201  # nothing of the refused upload was kept
    http.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"})
    assert http.get(f"{base}/{job['id']}").json()["numberRecordsProcessed"] == 1
