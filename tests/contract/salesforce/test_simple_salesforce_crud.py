"""simple-salesforce against the emulated org: CRUD, upsert, retrieval by external Id, system fields."""

from __future__ import annotations

import re

import pytest
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from emulators.salesforce.ids import checksum

ID18 = re.compile(r"^[0-9A-Za-z]{18}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")


def test_create_returns_an_18_character_id_with_the_key_prefix_and_checksum(sf):
    result = sf.Account.create({"Name": "Checksum Co"})
    assert result["success"] is True and result["errors"] == []
    new_id = result["id"]
    assert ID18.match(new_id) and new_id.startswith("001")
    assert new_id[15:] == checksum(new_id[:15])


def test_get_returns_attributes_all_fields_and_system_fields(sf, sf_org):
    new_id = sf.Account.create({"Name": "Fields Inc", "Phone": "555-0100", "BillingCity": "Leeds"})["id"]
    record = sf.Account.get(new_id)
    assert record["attributes"] == {"type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{new_id}"}
    assert record["Id"] == new_id
    assert record["Name"] == "Fields Inc"
    assert record["Phone"] == "555-0100"
    assert record["IsDeleted"] is False
    assert record["OwnerId"] == sf_org.user_id
    assert record["CreatedById"] == sf_org.user_id and record["LastModifiedById"] == sf_org.user_id
    assert DATETIME.match(record["CreatedDate"]) and record["SystemModstamp"] == record["CreatedDate"]
    assert record["BillingAddress"]["city"] == "Leeds" and record["BillingAddress"]["street"] is None
    assert record["Website"] is None


def test_get_by_15_character_id_and_fields_parameter(sf):
    new_id = sf.Account.create({"Name": "Short Id Ltd", "Industry": "Energy"})["id"]
    record = sf.restful(f"sobjects/Account/{new_id[:15]}", params={"fields": "Name,Industry"})
    assert record == {
        "attributes": {"type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{new_id}"},
        "Name": "Short Id Ltd",
        "Industry": "Energy",
        "Id": new_id,
    }


def test_update_changes_fields_and_last_modified(sf):
    new_id = sf.Account.create({"Name": "Before"})["id"]
    status = sf.Account.update(new_id, {"Name": "After", "NumberOfEmployees": 12})
    assert status == 204
    record = sf.Account.get(new_id)
    assert (record["Name"], record["NumberOfEmployees"]) == ("After", 12)
    assert record["LastModifiedDate"] >= record["CreatedDate"]


def test_delete_moves_to_recycle_bin_and_touching_it_is_entity_is_deleted(sf):
    new_id = sf.Account.create({"Name": "Doomed"})["id"]
    assert sf.Account.delete(new_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as got:
        sf.Account.get(new_id)
    assert got.value.content == [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}]
    with pytest.raises(SalesforceResourceNotFound) as again:
        sf.Account.delete(new_id)
    assert again.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"
    rows = sf.query_all(f"SELECT Id, IsDeleted FROM Account WHERE Id = '{new_id}'", include_deleted=True)["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in rows] == [(new_id, True)]
    assert sf.query(f"SELECT Id FROM Account WHERE Id = '{new_id}'")["totalSize"] == 0


def test_unknown_id_is_not_found_and_malformed_id_is_malformed(sf):
    with pytest.raises(SalesforceResourceNotFound) as missing:
        sf.Account.get("001000000000000AAA")
    assert missing.value.content == [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    with pytest.raises(SalesforceMalformedRequest) as bad:
        sf.Account.update("not-an-id", {"Name": "x"})
    assert bad.value.status == 400
    assert bad.value.content == [
        {"message": "Account ID: id value of incorrect type: not-an-id", "errorCode": "MALFORMED_ID"}
    ]


def test_upsert_creates_then_updates_by_external_id(sf):
    created = sf.Account.upsert("ST_Client_Id__c/CL-1001", {"Name": "Upserted"})
    assert created == 201
    found = sf.Account.get_by_custom_id("ST_Client_Id__c", "CL-1001")
    assert found["Name"] == "Upserted" and found["ST_Client_Id__c"] == "CL-1001"
    updated = sf.Account.upsert("ST_Client_Id__c/CL-1001", {"Name": "Upserted Again"})
    assert updated == 200
    assert sf.Account.get_by_custom_id("ST_Client_Id__c", "cl-1001")["Name"] == "Upserted Again"


def test_upsert_bodies_say_created_true_or_false(sf):
    first = sf.restful("sobjects/Account/ST_Client_Id__c/CL-2002", method="PATCH", json={"Name": "One"})
    assert first["success"] is True and first["created"] is True and first["errors"] == []
    second = sf.restful("sobjects/Account/ST_Client_Id__c/CL-2002", method="PATCH", json={"Name": "Two"})
    assert second == {"id": first["id"], "success": True, "errors": [], "created": False}


def test_upsert_matching_several_records_is_300_with_their_urls(sf):
    a = sf.Account.create({"Name": "Dup A", "Legacy_Code__c": "DUPL"})["id"]
    b = sf.Account.create({"Name": "Dup B", "Legacy_Code__c": "dupl"})["id"]
    with pytest.raises(SalesforceMoreThanOneRecord) as many:
        sf.Account.upsert("Legacy_Code__c/DUPL", {"Name": "Which"})
    assert many.value.status == 300
    assert many.value.content == [f"/services/data/v59.0/sobjects/Account/{a}", f"/services/data/v59.0/sobjects/Account/{b}"]


def test_upsert_on_a_field_that_is_not_an_external_id_is_not_found(sf):
    with pytest.raises(SalesforceResourceNotFound) as got:
        sf.Account.upsert("Phone/123", {"Name": "x"})
    assert got.value.content == [
        {"errorCode": "NOT_FOUND", "message": "Provided external ID field does not exist or is not accessible: Phone"}
    ]


def test_get_by_external_id_that_matches_nothing_is_not_found(sf):
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.get_by_custom_id("ST_Client_Id__c", "NOPE-404")


def test_relationship_by_external_id_sets_the_lookup(sf):
    account = sf.Account.create({"Name": "Parent By Key", "ST_Client_Id__c": "CL-REL-1"})["id"]
    contact = sf.Contact.create({"LastName": "Keyed", "Account": {"ST_Client_Id__c": "CL-REL-1"}})["id"]
    assert sf.Contact.get(contact)["AccountId"] == account


def test_invalid_session_is_401(sf_org):
    from simple_salesforce import Salesforce

    bad = Salesforce(instance_url=sf_org.instance_url, session_id=sf_org.org_id[:15] + "!nope", version="59.0")
    with pytest.raises(SalesforceExpiredSession) as got:
        bad.Account.create({"Name": "x"})
    assert got.value.status == 401
    assert got.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_every_rest_reply_carries_api_usage(sf, sf_org):
    response = sf.session.get(
        f"{sf_org.instance_url}/services/data/v59.0/limits",
        headers={"Authorization": f"Bearer {sf_org.access_token}"},
    )
    usage = response.headers["Sforce-Limit-Info"]
    used, maximum = map(int, usage.removeprefix("api-usage=").split("/"))
    assert maximum == 100_000 + 1_000 * 12
    assert used >= 1
    limits = response.json()
    assert limits["DailyApiRequests"] == {"Max": maximum, "Remaining": maximum - used}
    again = sf.session.get(
        f"{sf_org.instance_url}/services/data/v59.0/limits",
        headers={"Authorization": f"Bearer {sf_org.access_token}"},
    )
    assert again.headers["Sforce-Limit-Info"] == f"api-usage={used + 1}/{maximum}"
