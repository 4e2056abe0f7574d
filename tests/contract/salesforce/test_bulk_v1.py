"""Bulk API (v1): jobs, batches in CSV / JSON / XML, result documents, query results, batch limits.

simple-salesforce's ``sf.bulk`` (JSON jobs) checks the client view; a small wire-level client
(:mod:`bulk_client`) checks documents byte for byte.
"""

from __future__ import annotations

import csv
import io

import pytest
from lxml import etree

from tests.contract.salesforce.bulk_client import ASYNC_NS, BulkV1Client
from tests.support.salesforce_admin import EmulatorAdmin


@pytest.fixture(scope="module")
def bulk_org(org_factory):
    return org_factory("bulkv1")


@pytest.fixture(scope="module")
def client(bulk_org):
    return BulkV1Client(bulk_org)


def test_simple_salesforce_json_insert_upsert_update_delete_and_query(bulk_org):
    sf = bulk_org.simple_salesforce()
    inserted = sf.bulk.Account.insert(
        [{"Name": "JSON One", "ST_Client_Id__c": "J-1"}, {"Name": "JSON Two", "ST_Client_Id__c": "J-2"},
         {"Phone": "no name"}], batch_size=2)
    assert [r["success"] for r in inserted] == [True, True, False]
    assert inserted[2] == {"success": False, "created": False, "id": None, "errors": [
        {"fields": ["Name"], "message": "Required fields are missing: [Name]", "statusCode": "REQUIRED_FIELD_MISSING"}]}

    upserted = sf.bulk.Account.upsert(
        [{"ST_Client_Id__c": "J-1", "Phone": "111"}, {"ST_Client_Id__c": "J-3", "Name": "JSON Three"},
         {"ST_Client_Id__c": "J-4", "Tier__c": "Platinum", "Name": "Bad Tier"}], "ST_Client_Id__c")
    assert [(r["success"], r["created"]) for r in upserted] == [(True, False), (True, True), (False, False)]
    assert upserted[0]["id"] == inserted[0]["id"]
    assert upserted[2]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"

    updated = sf.bulk.Account.update([{"Id": inserted[1]["id"], "Phone": "222"}])
    assert updated == [{"success": True, "created": False, "id": inserted[1]["id"], "errors": []}]

    rows = sf.bulk.Account.query("SELECT Name, Phone, ST_Client_Id__c FROM Account WHERE Name LIKE 'JSON%' ORDER BY Name")
    assert [(r["Name"], r["Phone"], r["ST_Client_Id__c"]) for r in rows] == [
        ("JSON One", "111", "J-1"), ("JSON Three", None, "J-3"), ("JSON Two", "222", "J-2")]

    deleted = sf.bulk.Account.delete([{"Id": inserted[0]["id"]}])
    assert deleted[0]["success"] is True
    assert sf.query(f"SELECT COUNT() FROM Account WHERE Id = '{inserted[0]['id']}'")["totalSize"] == 0


def test_csv_results_are_written_as_salesforce_writes_them_in_request_order(client, bulk_org):
    body = b'"LastName","Email","FirstName"\n"Alpha","a@example.com","A"\n"","b@example.com","B"\n"Gamma","bad","C"\n'
    job_id, batch_id, info = client.run("insert", "Contact", body)
    assert (info["state"], info["numberRecordsProcessed"], info["numberRecordsFailed"]) == ("Completed", "3", "2")
    result = client.result(job_id, batch_id)
    assert result.headers["content-type"].startswith("text/csv")
    lines = result.text.splitlines()
    assert lines[0] == '"Id","Success","Created","Error"'
    first_id = lines[1].split(",")[0].strip('"')
    assert first_id.startswith("003") and lines[1] == f'"{first_id}","true","true",""'
    assert lines[2] == '"","false","false","REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"'
    assert lines[3] == '"","false","false","INVALID_EMAIL_ADDRESS:Email: invalid email address: bad:Email --"'
    request = client.get(f"/job/{job_id}/batch/{batch_id}/request")
    assert request.content == body


def test_job_and_batch_info_documents(client):
    job_id = client.create_job("insert", "Account")
    added = client.add_batch(job_id, b"Name\nInfo Co\n")
    assert added.status_code == 201
    queued = client.fields(added)
    assert (queued["jobId"], queued["state"], queued["numberRecordsProcessed"]) == (job_id, "Queued", "0")
    root = etree.fromstring(added.content)
    assert root.tag == f"{{{ASYNC_NS}}}batchInfo"
    assert [etree.QName(e).localname for e in root] == [
        "id", "jobId", "state", "createdDate", "systemModstamp", "numberRecordsProcessed", "numberRecordsFailed",
        "totalProcessingTime", "apiActiveProcessingTime", "apexProcessingTime"]
    closed = client.close_job(job_id)
    assert (closed["state"], closed["numberBatchesCompleted"], closed["numberBatchesTotal"],
            closed["numberRecordsProcessed"], closed["concurrencyMode"], closed["contentType"]) == (
        "Closed", "1", "1", "1", "Parallel", "CSV")
    listed = etree.fromstring(client.get(f"/job/{job_id}/batch").content)
    assert listed.tag == f"{{{ASYNC_NS}}}batchInfoList" and len(listed) == 1
    late = client.add_batch(job_id, b"Name\nToo Late\n")
    assert late.status_code == 400
    assert client.fields(late) == {"exceptionCode": "InvalidJobState",
                                   "exceptionMessage": f"Job {job_id} is Closed: batches can be added only to an Open job"}


def test_xml_batches_and_results(client):
    root = etree.Element(f"{{{ASYNC_NS}}}sObjects", nsmap={None: ASYNC_NS})
    for values in ({"Name": "XML Co", "Phone": "1"}, {"Phone": "2"}):
        record = etree.SubElement(root, f"{{{ASYNC_NS}}}sObject")
        for name, value in values.items():
            etree.SubElement(record, f"{{{ASYNC_NS}}}{name}").text = value
    body = etree.tostring(root)
    job_id, batch_id, info = client.run("insert", "Account", body, content_type="XML")
    assert info["numberRecordsFailed"] == "1"
    results = etree.fromstring(client.result(job_id, batch_id).content)
    ns = {"a": ASYNC_NS}
    assert results.xpath("a:result/a:success/text()", namespaces=ns) == ["true", "false"]
    assert results.xpath("a:result[2]/a:errors/a:statusCode/text()", namespaces=ns) == ["REQUIRED_FIELD_MISSING"]

    job_id, batch_id, info = client.run("query", "Account", b"SELECT Name, Phone, Owner.Name FROM Account "
                                                            b"WHERE Name = 'XML Co'", content_type="XML")
    (result_id,) = etree.fromstring(client.result(job_id, batch_id).content).xpath("a:result/text()", namespaces=ns)
    page = etree.fromstring(client.get(f"/job/{job_id}/batch/{batch_id}/result/{result_id}").content)
    assert page.tag == f"{{{ASYNC_NS}}}queryResult"
    assert page.xpath("a:records/a:type/text()", namespaces=ns) == ["Account"]
    assert page.xpath("a:records/a:Name/text()", namespaces=ns) == ["XML Co"]
    assert page.xpath("a:records/a:Owner/a:Name/text()", namespaces=ns) == ["Ada Admin"]  # the seed's admin
    assert page.xpath("a:records/a:Phone/@xsi:nil", namespaces={**ns, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}) == []


def test_upsert_by_parent_external_id_column_and_hard_delete(client, bulk_org):
    sf = bulk_org.simple_salesforce()
    parent = sf.Account.create({"Name": "Parent Co", "ST_Client_Id__c": "P-77"})["id"]
    body = b"ST_Contact_Id__c,LastName,Account.ST_Client_Id__c\nK-1,Kid,P-77\nK-2,Orphan,P-404\n"
    job_id, batch_id, info = client.run("upsert", "Contact", body, externalIdFieldName="ST_Contact_Id__c")
    rows = list(csv.reader(io.StringIO(client.result(job_id, batch_id).text)))
    assert rows[1][1:3] == ["true", "true"]
    assert rows[2] == ["", "false", "false",
                       "INVALID_FIELD:Foreign key external ID: P-404 not found for field ST_Client_Id__c in entity Account:--"]
    kid = rows[1][0]
    assert sf.Contact.get(kid)["AccountId"] == parent

    job_id, batch_id, _ = client.run("hardDelete", "Contact", f"Id\n{kid}\n".encode())
    assert client.result(job_id, batch_id).text.splitlines()[1] == f'"{kid}","true","false",""'
    assert sf.query(f"SELECT COUNT() FROM Contact WHERE Id = '{kid}'", include_deleted=True)["totalSize"] == 0

    site = sf.Site__c.create({"Account__c": parent, "Code__c": "S1"})["id"]  # master-detail child of the account
    job_id, batch_id, _ = client.run("hardDelete", "Account", f"Id\n{parent}\n".encode())
    assert client.result(job_id, batch_id).text.splitlines()[1] == f'"{parent}","true","false",""'
    for sobject, record_id in (("Account", parent), ("Site__c", site)):  # the cascade is purged too
        assert sf.query(f"SELECT COUNT() FROM {sobject} WHERE Id = '{record_id}'", include_deleted=True)["totalSize"] == 0


def test_query_results_by_result_id_and_empty_results(client, bulk_org):
    admin = EmulatorAdmin(bulk_org)
    sf = bulk_org.simple_salesforce()
    sf.bulk.Account.insert([{"Name": f"Paged {i:04d}", "NumberOfEmployees": i} for i in range(1500)])
    admin.set_limits(bulk_result_file_mb=0.02)  # ≈ 20 KB result files: several result ids
    try:
        job_id, batch_id, info = client.run(
            "query", "Account", b"SELECT Name, NumberOfEmployees FROM Account WHERE Name LIKE 'Paged %' ORDER BY Name")
        assert (info["state"], info["numberRecordsProcessed"]) == ("Completed", "1500")
        listing = etree.fromstring(client.result(job_id, batch_id).content)
        assert listing.tag == f"{{{ASYNC_NS}}}result-list"
        result_ids = [el.text for el in listing]
        assert len(result_ids) > 1 and all(r.startswith("752") for r in result_ids)
        rows: list[list[str]] = []
        for result_id in result_ids:
            page = list(csv.reader(io.StringIO(client.get(f"/job/{job_id}/batch/{batch_id}/result/{result_id}").text)))
            assert page[0] == ["Name", "NumberOfEmployees"]
            rows.extend(page[1:])
        assert rows == [[f"Paged {i:04d}", str(i)] for i in range(1500)]
    finally:
        admin.set_limits(bulk_result_file_mb=None)
    job_id, batch_id, info = client.run("query", "Account", b"SELECT Id FROM Account WHERE Name = 'Nobody'")
    (result_id,) = [el.text for el in etree.fromstring(client.result(job_id, batch_id).content)]
    assert client.get(f"/job/{job_id}/batch/{batch_id}/result/{result_id}").text == "Records not found for this query"


def test_queries_bulk_cannot_run_fail_the_batch(client):
    _, _, info = client.run("query", "Account", b"SELECT Name, (SELECT LastName FROM Contacts) FROM Account")
    assert (info["state"], info["stateMessage"]) == (
        "Failed", "InvalidBatch : Failed to process query: FUNCTIONALITY_NOT_ENABLED: Aggregate Relationships not "
        "supported in Bulk Query")
    _, _, info = client.run("query", "Account", b"SELECT BillingAddress FROM Account")
    assert info["stateMessage"].endswith("Selecting compound data not supported in Bulk Query")
    _, _, info = client.run("query", "Account", b"SELECT Nope__c FROM Account")
    assert info["state"] == "Failed" and info["stateMessage"].startswith("InvalidBatch : Failed to process query: INVALID_FIELD:")


def test_batch_limits_are_refused_as_salesforce_refuses_them(client):
    many = b"Name\n" + b"".join(b"Row %d\n" % i for i in range(10_001))
    _, _, info = client.run("insert", "Account", many)
    assert (info["state"], info["stateMessage"]) == (
        "Failed", "InvalidBatch : Exceeded number of records: 10002. Number of records should be less than or equal to 10001")

    long_value = b"Description,Name\n" + b"x" * 32_001 + b",Long\n"
    _, _, info = client.run("insert", "Account", long_value)
    assert info["state"] == "Failed"
    assert info["stateMessage"] == ("InvalidBatch : Field Description of record 1 is longer than 32,000 characters; split "
                                    "the value or load it through the REST API")

    job_id = client.create_job("insert", "Account")
    too_big = b"Name,Description\n" + (b"n," + b"d" * 9_998 + b"\n") * 1_050  # 10.5 MB, 1,050 records
    refused = client.add_batch(job_id, too_big)
    assert refused.status_code == 400
    assert client.fields(refused) == {"exceptionCode": "ClientInputError",
                                      "exceptionMessage": f"Exceeded max size limit of 10485760 with request size {len(too_big)}"}

    chars = b"Name,Description\n" + (b"n," + b"d" * 9_997 + b"\n") * 1_000  # 10,000,017 characters, under 10 MB
    refused = client.add_batch(job_id, chars)
    assert refused.status_code == 400
    assert client.fields(refused) == {
        "exceptionCode": "ClientInputError",
        "exceptionMessage": "Exceeded max size limit of 10000000 characters with request size 10000017",
    }
    unknown = client.add_batch(job_id, b"Name,Colour__c\nA,red\n")
    assert unknown.status_code == 201
    assert client.batch(job_id, client.fields(unknown)["id"])["stateMessage"] == "InvalidBatch : Field name not found : Colour__c"


def test_unknown_job_and_bad_session(client, bulk_org):
    missing = client.get("/job/750000000000000AAA")
    assert missing.status_code == 400
    assert client.fields(missing) == {"exceptionCode": "InvalidJob", "exceptionMessage": "Invalid job id: 750000000000000AAA"}
    stranger = BulkV1Client(bulk_org, token="00D000000000000!nope")
    refused = stranger.get("/job/750000000000000AAA")
    assert refused.status_code == 400
    assert stranger.fields(refused) == {"exceptionCode": "InvalidSessionId", "exceptionMessage": "Invalid session id"}
