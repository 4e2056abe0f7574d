"""Salesforce Files in the org emulator, through simple-salesforce over HTTPS.

ContentVersion inserts (JSON base64 and multipart) make their ContentDocument and report Checksum
(MD5), size, extension, version number; ``VersionData`` streams the bytes back; ContentDocumentLink
refuses bad and duplicate links; a filterless ContentDocumentLink query fails as in Salesforce;
file storage counts the body bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path

import pytest
import requests
from simple_salesforce.exceptions import SalesforceMalformedRequest

SEED = Path(__file__).with_name("files_seed.yml")
LINK_RESTRICTION = (
    "Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or "
    "LinkedEntityId using the equals operator or multiple Id's using the IN operator."
)


@pytest.fixture(scope="module")
def org(org_factory):
    return org_factory("files", seed=SEED)


@pytest.fixture(scope="module")
def sf(org):
    return org.simple_salesforce()


def _json_version(sf, body: bytes, name: str, **extra) -> str:
    data = {"Title": name, "PathOnClient": name, "VersionData": base64.b64encode(body).decode(), **extra}
    return sf.ContentVersion.create(data)["id"]


def _multipart(sf, body: bytes, name: str, **extra) -> requests.Response:
    boundary = "b-" + uuid.uuid4().hex
    entity = json.dumps({"Title": name, "PathOnClient": name, **extra}).encode()
    payload = b"".join([
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"entity_content\"\r\n"
        "Content-Type: application/json\r\n\r\n".encode(), entity,
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"VersionData\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n".encode(), body, f"\r\n--{boundary}--\r\n".encode(),
    ])
    headers = {"Authorization": "Bearer " + sf.session_id, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return sf.session.post(f"{sf.base_url}sobjects/ContentVersion", data=payload, headers=headers)


def _version(sf, version_id: str) -> dict:
    return sf.query(
        "SELECT Id, ContentDocumentId, Checksum, ContentSize, FileExtension, FileType, VersionNumber, IsLatest, "
        f"Title, ContentBodyId, VersionData FROM ContentVersion WHERE Id = '{version_id}'"
    )["records"][0]


def _bytes(sf, version_id: str) -> bytes:
    reply = sf.session.get(f"{sf.base_url}sobjects/ContentVersion/{version_id}/VersionData",
                           headers={"Authorization": "Bearer " + sf.session_id})
    assert reply.status_code == 200, reply.text
    return reply.content


def test_json_insert_creates_the_document_with_checksum_and_size(sf, org):
    body = b"%PDF-1.4 hello files\n" * 50
    version_id = _json_version(sf, body, "Report.PDF", ServiceTracker_Id__c="at-json-1")
    row = _version(sf, version_id)
    assert row["Checksum"] == hashlib.md5(body).hexdigest()
    assert row["ContentSize"] == len(body)
    assert (row["FileExtension"], row["FileType"], row["VersionNumber"], row["IsLatest"]) == ("pdf", "PDF", "1", True)
    assert row["VersionData"] == f"/services/data/v59.0/sobjects/ContentVersion/{version_id}/VersionData"
    assert row["ContentBodyId"].startswith("05T")
    doc = sf.ContentDocument.get(row["ContentDocumentId"])
    assert (doc["Title"], doc["LatestPublishedVersionId"], doc["ContentSize"]) == ("Report.PDF", version_id, len(body))
    assert _bytes(sf, version_id) == body
    # the owner's link is made, as Salesforce does
    links = sf.query(f"SELECT LinkedEntityId, ShareType FROM ContentDocumentLink WHERE ContentDocumentId = '{doc['Id']}'")
    assert [(r["LinkedEntityId"], r["ShareType"]) for r in links["records"]] == [(org.user_id, "I")]
    # the external Id is unique
    with pytest.raises(SalesforceMalformedRequest) as dup:
        _json_version(sf, b"x", "other.txt", ServiceTracker_Id__c="AT-JSON-1")
    assert dup.value.content[0]["errorCode"] == "DUPLICATE_VALUE"


def test_multipart_insert_streams_a_binary_body(sf):
    body = bytes(range(256)) * 8000 + b"\r\n--not-a-boundary\r\n"  # about 2 MB, with line breaks inside
    reply = _multipart(sf, body, "photo.jpg", ServiceTracker_Id__c="at-multi-1")
    assert reply.status_code == 201, reply.text
    version_id = reply.json()["id"]
    row = _version(sf, version_id)
    assert (row["Checksum"], row["ContentSize"], row["FileType"]) == (hashlib.md5(body).hexdigest(), len(body), "JPG")
    assert _bytes(sf, version_id) == body


def test_multipart_errors_leave_nothing(sf, org):
    reply = _multipart(sf, b"abc", "no-title.txt", Title=None)
    assert reply.status_code == 400
    assert reply.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    tmp = org.state_dir / "orgs" / org.name / "content" / "tmp"
    assert list(tmp.glob("*")) == []


def test_version_rules(sf):
    with pytest.raises(SalesforceMalformedRequest) as none:
        sf.ContentVersion.create({"Title": "nothing", "PathOnClient": "x.txt"})
    assert none.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    with pytest.raises(SalesforceMalformedRequest) as bad:
        sf.ContentVersion.create({"Title": "bad", "PathOnClient": "x.txt", "VersionData": "***"})
    assert bad.value.content[0]["errorCode"] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    link_id = sf.ContentVersion.create({"Title": "Manual", "ContentUrl": "https://files.example.com/m.pdf"})["id"]
    row = _version(sf, link_id)
    assert (row["ContentSize"], row["FileType"], row["Checksum"], row["VersionData"]) == (0, "LINK", None, None)


def test_new_version_of_a_document(sf):
    first = _json_version(sf, b"one", "notes.txt")
    doc_id = _version(sf, first)["ContentDocumentId"]
    second = _json_version(sf, b"two!", "notes.txt", ContentDocumentId=doc_id)
    rows = {r["Id"]: r for r in sf.query(
        f"SELECT Id, VersionNumber, IsLatest FROM ContentVersion WHERE ContentDocumentId = '{doc_id}'")["records"]}
    assert {(r["VersionNumber"], r["IsLatest"]) for r in rows.values()} == {("1", False), ("2", True)}
    assert rows[second]["IsLatest"] is True
    doc = sf.ContentDocument.get(doc_id)
    assert (doc["LatestPublishedVersionId"], doc["ContentSize"]) == (second, 4)


def test_links_are_checked(sf):
    account = sf.Account.create({"Name": "Linked Co"})["id"]
    doc_id = _version(sf, _json_version(sf, b"link me", "a.txt"))["ContentDocumentId"]
    link = sf.ContentDocumentLink.create({"ContentDocumentId": doc_id, "LinkedEntityId": account, "ShareType": "V",
                                          "Visibility": "AllUsers"})
    assert link["success"] is True
    with pytest.raises(SalesforceMalformedRequest) as dup:
        sf.ContentDocumentLink.create({"ContentDocumentId": doc_id, "LinkedEntityId": account, "ShareType": "V"})
    assert dup.value.content[0] == {
        "errorCode": "DUPLICATE_VALUE", "fields": ["LinkedEntityId"],
        "message": f"Document with ID: {doc_id[:15]} is already linked with the entity with ID: {account[:15]}"}
    with pytest.raises(SalesforceMalformedRequest) as missing:
        sf.ContentDocumentLink.create({"ContentDocumentId": "069000000000000AAA", "LinkedEntityId": account,
                                       "ShareType": "V"})
    assert missing.value.content[0] == {"errorCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid cross reference id",
                                        "fields": []}
    with pytest.raises(SalesforceMalformedRequest) as absent:
        sf.ContentDocumentLink.create({"LinkedEntityId": account, "ShareType": "V"})
    assert absent.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert absent.value.content[0]["fields"] == ["ContentDocumentId"]
    with pytest.raises(SalesforceMalformedRequest) as wrong:
        sf.ContentDocumentLink.create({"ContentDocumentId": account, "LinkedEntityId": account, "ShareType": "V"})
    assert wrong.value.content[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    work_order = sf.Work_Order__c.create({"Name": "WO-1"})["id"]
    both = sf.restful("composite/sobjects", method="POST", data=json.dumps({"allOrNone": False, "records": [
        {"attributes": {"type": "ContentDocumentLink"}, "ContentDocumentId": doc_id, "LinkedEntityId": work_order,
         "ShareType": "V"},
        {"attributes": {"type": "ContentDocumentLink"}, "ContentDocumentId": doc_id, "LinkedEntityId": account,
         "ShareType": "V"}]}))
    assert [r["success"] for r in both] == [True, False]
    assert both[1]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    rows = sf.query(f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE LinkedEntityId IN ('{account}', '{work_order}')")
    assert sorted(r["LinkedEntityId"] for r in rows["records"]) == sorted([account, work_order])


@pytest.mark.parametrize("where", [
    "", " WHERE ShareType = 'V'", " WHERE ContentDocumentId != '069000000000001AAA'",
    " WHERE ContentDocumentId = '069000000000001AAA' OR ShareType = 'V'",
    " WHERE LinkedEntityId NOT IN ('001000000000001AAA')",
])
def test_unfiltered_link_queries_fail(sf, where):
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query("SELECT Id FROM ContentDocumentLink" + where)
    assert exc.value.content == [{"message": LINK_RESTRICTION, "errorCode": "MALFORMED_QUERY"}]


def test_file_storage_counts_body_bytes(sf):
    before = sf.limits()["FileStorageMB"]
    used_before = before["Max"] - before["Remaining"]
    _multipart(sf, b"\0" * (3 * 1024 * 1024), "zeros.bin").raise_for_status()
    after = sf.limits()["FileStorageMB"]
    assert (after["Max"] - after["Remaining"]) - used_before == 3
