"""Allocations the org enforces, as clients see them: API requests (rolling 24 h), Bulk batches, storage.

Each test sets the org's limits through the admin endpoint to just above what is used, spends
them, checks the refusal (status, code, message), then moves the org's clock to show the rolling
window freeing the allocation again.
"""

from __future__ import annotations

import pytest
import requests
from lxml import etree
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceRefusedRequest

from tests.contract.salesforce.bulk_client import BulkV1Client
from tests.support.salesforce_admin import EmulatorAdmin

MB = 1024 * 1024


@pytest.fixture(scope="module")
def limits_org(org_factory):
    return org_factory("limits")


@pytest.fixture()
def admin(limits_org):
    admin = EmulatorAdmin(limits_org)
    yield admin
    admin.set_limits(api_requests=None, bulk_batches=None, data_storage_mb=None)
    admin.clear_faults()


def _soap_describe(org) -> requests.Response:
    soap, md = "http://schemas.xmlsoap.org/soap/envelope/", "http://soap.sforce.com/2006/04/metadata"
    envelope = etree.Element(f"{{{soap}}}Envelope", nsmap={"soapenv": soap})
    header = etree.SubElement(etree.SubElement(envelope, f"{{{soap}}}Header"), f"{{{md}}}SessionHeader", nsmap={None: md})
    etree.SubElement(header, f"{{{md}}}sessionId").text = org.access_token
    call = etree.SubElement(etree.SubElement(envelope, f"{{{soap}}}Body"), f"{{{md}}}describeMetadata", nsmap={None: md})
    etree.SubElement(call, f"{{{md}}}asOfVersion").text = "59.0"
    return requests.post(f"{org.instance_url}/services/Soap/m/59.0", data=etree.tostring(envelope), verify=org.ca_bundle,
                         headers={"Content-Type": "text/xml", "SOAPAction": '""'}, timeout=60)


def test_api_requests_are_refused_past_the_rolling_24_hour_maximum(limits_org, admin):
    sf = limits_org.simple_salesforce()
    used = admin.limits()["api_requests"]["used"]
    admin.set_limits(api_requests=used + 2)
    sf.query("SELECT Id FROM Account LIMIT 1")
    sf.query("SELECT Id FROM Account LIMIT 1")
    assert sf.api_usage["api-usage"].used == used + 2 and sf.api_usage["api-usage"].total == used + 2
    with pytest.raises(SalesforceRefusedRequest) as refused:
        sf.query("SELECT Id FROM Account LIMIT 1")
    assert refused.value.status == 403
    assert refused.value.content == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]

    bulk = BulkV1Client(limits_org).get("/job/750000000000000AAA")
    assert bulk.status_code == 403
    assert BulkV1Client.fields(bulk) == {"exceptionCode": "ExceededQuota",
                                         "exceptionMessage": "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."}
    soap = _soap_describe(limits_org)
    assert soap.status_code == 500
    assert b"<faultcode>sf:REQUEST_LIMIT_EXCEEDED</faultcode>" in soap.content
    assert b"<faultstring>REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.</faultstring>" in soap.content

    admin.advance_clock(hours=23)  # still inside the rolling window
    with pytest.raises(SalesforceRefusedRequest):
        sf.query("SELECT Id FROM Account LIMIT 1")
    admin.advance_clock(hours=1, seconds=60)  # the calls made a day ago no longer count
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] >= 0
    assert admin.limits()["api_requests"]["used"] == 1


def test_limits_resource_reports_usage_and_allocations(limits_org, admin):
    sf = limits_org.simple_salesforce()
    admin.set_limits(api_requests=123_456, data_storage_mb=50)
    body = sf.restful("limits")
    assert body["DailyApiRequests"]["Max"] == 123_456
    assert body["DailyApiRequests"]["Remaining"] == 123_456 - admin.limits()["api_requests"]["used"]
    used = admin.limits()["data_storage"]["used_bytes"]
    assert body["DataStorageMB"] == {"Max": 50, "Remaining": 50 - used // MB}
    assert body["DailyBulkApiBatches"]["Max"] == 15_000
    sf.Account.create({"Name": "Counted"})
    counts = sf.restful("limits/recordCount", params={"sObjects": "Account,Lead"})
    assert [e["name"] for e in counts["sObjects"]] == ["Account"]


def test_bulk_batch_allocation(limits_org, admin):
    client = BulkV1Client(limits_org)
    admin.set_limits(bulk_batches=admin.limits()["bulk_batches"]["used"] + 1)
    job_id = client.create_job("insert", "Account")
    assert client.add_batch(job_id, b"Name\nAllowed\n").status_code == 201
    refused = client.add_batch(job_id, b"Name\nOne Too Many\n")
    assert refused.status_code == 400
    fields = BulkV1Client.fields(refused)
    assert fields["exceptionCode"] == "ExceededQuota"
    assert fields["exceptionMessage"].startswith("You have used all ")
    assert limits_org.simple_salesforce().restful("limits")["DailyBulkApiBatches"]["Remaining"] == 0
    admin.advance_clock(hours=24, seconds=60)
    assert client.add_batch(job_id, b"Name\nNext Day\n").status_code == 201


def test_data_storage_is_2_kb_a_record_and_refused_past_the_allocation(limits_org, admin):
    sf = limits_org.simple_salesforce()
    used = admin.limits()["data_storage"]["used_bytes"]
    admin.set_limits(data_storage_mb=(used + 3 * 2048) / MB)
    ids = [sf.Account.create({"Name": f"Room {i}"})["id"] for i in range(3)]
    assert admin.limits()["data_storage"]["used_bytes"] == used + 3 * 2048
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Account.create({"Name": "No Room"})
    assert refused.value.content == [{"message": "storage limit exceeded", "errorCode": "STORAGE_LIMIT_EXCEEDED",
                                      "fields": []}]
    job_id, batch_id, info = BulkV1Client(limits_org).run("insert", "Contact", b"LastName\nBulk No Room\n")
    assert info["numberRecordsFailed"] == "1"
    assert BulkV1Client(limits_org).result(job_id, batch_id).text.splitlines()[1] == (
        '"","false","false","STORAGE_LIMIT_EXCEEDED:storage limit exceeded:--"')
    sf.Account.delete(ids[0])  # the recycle bin does not count: room for one more
    assert sf.Account.create({"Name": "Room Again"})["success"] is True
