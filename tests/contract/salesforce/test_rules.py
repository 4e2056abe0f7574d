"""Every write rule the org enforces, seen through simple-salesforce: exception class, status, exact body."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from emulators.salesforce.ids import format_id


def _never_used(prefix: str, like: str) -> str:
    """An Id of ``prefix`` on the org's pod that no record has (the counter is far beyond any used)."""
    return format_id(prefix, like[3:5], 62**9)


def _fails(call, *args):
    with pytest.raises(SalesforceMalformedRequest) as got:
        call(*args)
    assert got.value.status == 400
    return got.value.content


def test_required_field_missing(sf):
    assert _fails(sf.Contact.create, {"FirstName": "No Last"}) == [
        {"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}
    ]


def test_required_field_cannot_be_cleared_on_update(sf):
    contact = sf.Contact.create({"LastName": "Keeps"})["id"]
    assert _fails(sf.Contact.update, contact, {"LastName": None}) == [
        {"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}
    ]


def test_string_too_long(sf):
    name = "N" * 256
    assert _fails(sf.Account.create, {"Name": name}) == [
        {
            "message": f"Account Name: data value too large: {name} (max length=255)",
            "errorCode": "STRING_TOO_LONG",
            "fields": ["Name"],
        }
    ]


def test_invalid_email(sf):
    assert _fails(sf.Contact.create, {"LastName": "Mail", "Email": "not-an-address"}) == [
        {"message": "Email: invalid email address: not-an-address", "errorCode": "INVALID_EMAIL_ADDRESS", "fields": ["Email"]}
    ]


def test_wrong_type_for_number_and_date_and_boolean(sf):
    assert _fails(sf.Account.create, {"Name": "T", "NumberOfEmployees": "many"}) == [
        {
            "message": "Employees: value not of required type: many",
            "errorCode": "INVALID_TYPE_ON_FIELD_IN_RECORD",
            "fields": ["NumberOfEmployees"],
        }
    ]
    assert _fails(sf.Contact.create, {"LastName": "D", "Birthdate": "2024-13-45"})[0]["errorCode"] == (
        "INVALID_TYPE_ON_FIELD_IN_RECORD"
    )
    assert _fails(sf.Contact.create, {"LastName": "B", "IsEmailBounced": "perhaps"})[0]["fields"] == ["IsEmailBounced"]


def test_number_outside_valid_range_and_rounding_to_scale(sf):
    assert _fails(sf.Account.create, {"Name": "Big", "Score__c": 1000}) == [
        {
            "message": "Score: value outside of valid range on numeric field: 1000",
            "errorCode": "NUMBER_OUTSIDE_VALID_RANGE",
            "fields": ["Score__c"],
        }
    ]
    assert _fails(sf.Account.create, {"Name": "Many", "NumberOfEmployees": 123456789})[0]["errorCode"] == (
        "NUMBER_OUTSIDE_VALID_RANGE"
    )
    new_id = sf.Account.create({"Name": "Rounded", "Score__c": 12.345})["id"]
    assert sf.Account.get(new_id)["Score__c"] == 12.35


def test_dates_and_datetimes_are_normalised(sf):
    contact = sf.Contact.create({"LastName": "When", "Birthdate": "1990-02-03"})["id"]
    assert sf.Contact.get(contact)["Birthdate"] == "1990-02-03"
    task = sf.Task.create({"Subject": "Call", "ReminderDateTime": "2024-05-06T10:00:00+02:00"})["id"]
    assert sf.Task.get(task)["ReminderDateTime"] == "2024-05-06T08:00:00.000+0000"


def test_restricted_picklist(sf):
    assert _fails(sf.Account.create, {"Name": "P", "Tier__c": "Platinum"}) == [
        {
            "message": "Tier: bad value for restricted picklist field: Platinum",
            "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "fields": ["Tier__c"],
        }
    ]
    ok = sf.Account.create({"Name": "P2", "Tier__c": "Gold", "Industry": "Not A Standard Value"})["id"]
    assert sf.Account.get(ok)["Tier__c"] == "Gold"


def test_lookup_to_missing_record_wrong_type_and_malformed_id(sf):
    account = sf.Account.create({"Name": "Real Parent"})["id"]
    contact = sf.Contact.create({"LastName": "Not An Account"})["id"]
    assert _fails(sf.Contact.create, {"LastName": "x", "AccountId": _never_used("001", account)}) == [
        {"message": "invalid cross reference id", "errorCode": "INVALID_CROSS_REFERENCE_KEY", "fields": []}
    ]
    assert _fails(sf.Contact.create, {"LastName": "x", "AccountId": contact}) == [
        {
            "message": f"Account ID: id value of incorrect type: {contact}",
            "errorCode": "FIELD_INTEGRITY_EXCEPTION",
            "fields": ["AccountId"],
        }
    ]
    assert _fails(sf.Contact.create, {"LastName": "x", "AccountId": "12345"}) == [
        {"message": "Account ID: id value of incorrect type: 12345", "errorCode": "MALFORMED_ID", "fields": ["AccountId"]}
    ]


def test_polymorphic_lookups_accept_each_allowed_type_and_refuse_others(sf):
    account = sf.Account.create({"Name": "What Target"})["id"]
    contact = sf.Contact.create({"LastName": "Who Target"})["id"]
    task = sf.Task.create({"Subject": "Poly", "WhatId": account, "WhoId": contact})["id"]
    row = sf.Task.get(task)
    assert (row["WhatId"], row["WhoId"]) == (account, contact)
    body = _fails(sf.Task.create, {"Subject": "Bad who", "WhoId": account})
    assert body[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION" and body[0]["fields"] == ["WhoId"]


def test_lookup_to_a_deleted_record_is_entity_is_deleted(sf):
    account = sf.Account.create({"Name": "Gone Parent"})["id"]
    sf.Account.delete(account)
    assert _fails(sf.Contact.create, {"LastName": "Orphan", "AccountId": account}) == [
        {"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}
    ]


def test_duplicate_unique_external_id_names_the_holder(sf):
    first = sf.Account.create({"Name": "Unique 1", "ST_Client_Id__c": "UNQ-1"})["id"]
    assert _fails(sf.Account.create, {"Name": "Unique 2", "ST_Client_Id__c": "unq-1"}) == [
        {
            "message": f"duplicate value found: ST_Client_Id__c duplicates value on record with id: {first[:15]}",
            "errorCode": "DUPLICATE_VALUE",
            "fields": [],
        }
    ]


def test_owner_must_be_an_active_user(sf):
    active = sf.query("SELECT Id FROM User WHERE Email = 'active.tech@contract-tests.example.com'")["records"][0]["Id"]
    inactive = sf.query("SELECT Id FROM User WHERE Email = 'gone.tech@contract-tests.example.com'")["records"][0]["Id"]
    owned = sf.Account.create({"Name": "Owned", "OwnerId": active})["id"]
    assert sf.Account.get(owned)["OwnerId"] == active
    assert _fails(sf.Account.create, {"Name": "Owned By Gone", "OwnerId": inactive}) == [
        {
            "message": f"operation performed with inactive user [{inactive[:15]}] as owner of account",
            "errorCode": "INACTIVE_OWNER_OR_USER",
            "fields": [],
        }
    ]


def test_audit_fields_are_writable_on_insert_only(sf):
    new_id = sf.Account.create({"Name": "Historic", "CreatedDate": "2015-03-04T05:06:07.000+0000"})["id"]
    record = sf.Account.get(new_id)
    assert record["CreatedDate"] == "2015-03-04T05:06:07.000+0000"
    assert _fails(sf.Account.update, new_id, {"CreatedDate": "2016-01-01T00:00:00Z"}) == [
        {
            "message": "Unable to create/update fields: CreatedDate. Please check the security settings of this field "
            "and verify that it is read/write for your profile or permission set.",
            "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
            "fields": ["CreatedDate"],
        }
    ]


def test_fields_that_are_not_createable_are_refused(sf):
    body = _fails(sf.Account.create, {"Name": "Sys", "SystemModstamp": "2020-01-01T00:00:00Z", "IsDeleted": True})
    assert body[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert body[0]["fields"] == ["SystemModstamp", "IsDeleted"]


def test_unknown_field_is_a_call_level_invalid_field(sf):
    assert _fails(sf.Account.create, {"Name": "U", "Nope__c": 1}) == [
        {"message": "No such column 'Nope__c' on sobject of type Account", "errorCode": "INVALID_FIELD"}
    ]


def test_bad_json_is_json_parser_error(sf, sf_org):
    response = sf.session.post(
        f"{sf_org.instance_url}/services/data/v59.0/sobjects/Account",
        data=b'{"Name": ',
        headers={"Authorization": f"Bearer {sf_org.access_token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_record_type_must_belong_to_the_object_and_be_active(sf):
    rts = {
        r["DeveloperName"]: r["Id"]
        for r in sf.query("SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Case'")["records"]
    }
    case = sf.Case.create({"Subject": "Default RT"})["id"]
    assert sf.Case.get(case)["RecordTypeId"] == rts["Break_Fix"]
    body = _fails(sf.Case.create, {"Subject": "Retired RT", "RecordTypeId": rts["Retired"]})
    assert body == [
        {
            "message": f"Record Type ID: this ID value isn't valid for the user: {rts['Retired']}",
            "errorCode": "INVALID_CROSS_REFERENCE_KEY",
            "fields": ["RecordTypeId"],
        }
    ]


def test_case_defaults_and_auto_number(sf):
    first = sf.Case.create({"Subject": "Numbered"})["id"]
    second = sf.Case.create({"Subject": "Numbered too"})["id"]
    a, b = sf.Case.get(first), sf.Case.get(second)
    assert (a["Status"], a["Priority"]) == ("New", "Medium")
    assert len(a["CaseNumber"]) == 8 and int(b["CaseNumber"]) == int(a["CaseNumber"]) + 1


def test_deleting_an_account_cascades_to_contacts_and_opportunities(sf):
    account = sf.Account.create({"Name": "Cascade Parent"})["id"]
    contact = sf.Contact.create({"LastName": "Child", "AccountId": account})["id"]
    opp = sf.Opportunity.create({"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2030-01-01", "AccountId": account})["id"]
    task = sf.Task.create({"Subject": "Follow up", "WhatId": account})["id"]
    sf.Account.delete(account)
    for sobject, rid in (("Contact", contact), ("Opportunity", opp), ("Task", task)):
        rows = sf.query_all(f"SELECT Id, IsDeleted FROM {sobject} WHERE Id = '{rid}'", include_deleted=True)["records"]
        assert [r["IsDeleted"] for r in rows] == [True], sobject


def test_deleting_an_account_with_cases_fails_and_changes_nothing(sf):
    account = sf.Account.create({"Name": "Has Cases"})["id"]
    contact = sf.Contact.create({"LastName": "Stays", "AccountId": account})["id"]
    case = sf.Case.create({"Subject": "Open", "AccountId": account})["id"]
    number = sf.Case.get(case)["CaseNumber"]
    with pytest.raises(SalesforceMalformedRequest) as got:
        sf.Account.delete(account)
    assert got.value.content == [
        {
            "message": "Your attempt to delete Has Cases could not be completed because it is associated with the "
            f"following cases.: {number}",
            "errorCode": "DELETE_FAILED",
            "fields": [],
        }
    ]
    assert sf.Account.get(account)["IsDeleted"] is False
    assert sf.Contact.get(contact)["IsDeleted"] is False


def test_master_detail_children_are_deleted_with_the_parent_and_required(sf):
    account = sf.Account.create({"Name": "Site Owner"})["id"]
    body = _fails(sf.Site__c.create, {"Name": "Orphan Site", "Code__c": "S1"})
    assert body[0]["errorCode"] == "REQUIRED_FIELD_MISSING" and body[0]["fields"] == ["Account__c"]
    site = sf.Site__c.create({"Name": "Main Site", "Code__c": "S1", "Account__c": account})["id"]
    assert site.startswith("a")
    sf.Account.delete(account)
    with pytest.raises(SalesforceResourceNotFound) as got:
        sf.Site__c.get(site)
    assert got.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_deleting_a_lookup_parent_clears_the_lookup(sf):
    parent = sf.Account.create({"Name": "Lookup Parent"})["id"]
    child = sf.Account.create({"Name": "Lookup Child", "ParentId": parent})["id"]
    sf.Account.delete(parent)
    assert sf.Account.get(child)["ParentId"] is None


def test_update_with_a_missing_lookup_target_is_400_not_404(sf):
    contact = sf.Contact.create({"LastName": "Repoint"})["id"]
    missing_account = _never_used("001", contact)
    body = _fails(sf.Contact.update, contact, {"AccountId": missing_account})
    assert body == [{"message": "invalid cross reference id", "errorCode": "INVALID_CROSS_REFERENCE_KEY", "fields": []}]
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.update(_never_used("003", contact), {"LastName": "Nobody"})
