"""``/composite`` and ``/composite/sobjects`` through simple-salesforce's session, with exact bodies."""

from __future__ import annotations

import email.utils

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


def test_collection_insert_reports_each_record(sf):
    result = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "Coll A"},
                {"attributes": {"type": "Contact"}, "FirstName": "No"},
                {"attributes": {"type": "Account"}, "Name": "Coll B"},
            ],
        },
    )
    assert result[0]["success"] and result[0]["id"].startswith("001")
    assert result[1] == {
        "id": None,
        "success": False,
        "errors": [{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [LastName]", "fields": ["LastName"]}],
    }
    assert result[2]["success"] and result[2]["id"].startswith("001")


def test_collection_all_or_none_rolls_everything_back(sf):
    result = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "AON Kept?", "ST_Client_Id__c": "AON-1"},
                {"attributes": {"type": "Account"}, "Name": "N" * 300},
            ],
        },
    )
    assert result[0] == {"id": None, "success": False, "errors": [ROLLED_BACK]}
    assert result[1]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert sf.query("SELECT Id FROM Account WHERE ST_Client_Id__c = 'AON-1'")["totalSize"] == 0


def test_collection_duplicates_inside_one_call_are_caught(sf):
    result = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                {"attributes": {"type": "Account"}, "Name": "Twin 1", "ST_Client_Id__c": "TWIN"},
                {"attributes": {"type": "Account"}, "Name": "Twin 2", "ST_Client_Id__c": "TWIN"},
            ]
        },
    )
    assert result[0]["success"] is True
    assert result[1]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    assert result[0]["id"][:15] in result[1]["errors"][0]["message"]


def test_collection_update_upsert_retrieve_delete(sf):
    inserted = sf.restful(
        "composite/sobjects",
        method="POST",
        json={"records": [{"attributes": {"type": "Account"}, "Name": f"Bulkish {i}"} for i in range(3)]},
    )
    ids = [r["id"] for r in inserted]
    updated = sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={"records": [{"attributes": {"type": "Account"}, "Id": i, "Phone": "555"} for i in ids]},
    )
    assert updated == [{"id": i, "success": True, "errors": []} for i in ids]
    upserted = sf.restful(
        "composite/sobjects/Account/ST_Client_Id__c",
        method="PATCH",
        json={
            "records": [
                {"attributes": {"type": "Account"}, "ST_Client_Id__c": "UPS-1", "Name": "New by key"},
                {"attributes": {"type": "Account"}, "ST_Client_Id__c": "UPS-1", "Name": "Same key again"},
            ]
        },
    )
    assert upserted[0]["created"] is True and upserted[1] == {"id": upserted[0]["id"], "success": True, "errors": [], "created": False}
    fetched = sf.restful("composite/sobjects/Account", params={"ids": ",".join(ids + ["001000000000000AAA"]), "fields": "Id,Phone"})
    assert [r and r["Phone"] for r in fetched] == ["555", "555", "555", None]
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids), "allOrNone": "false"})
    assert deleted == [{"id": i, "success": True, "errors": []} for i in ids]
    again = sf.restful("composite/sobjects", method="DELETE", params={"ids": ids[0]})
    assert again == [{"id": ids[0], "success": False, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}]}]


def test_more_than_200_records_is_refused(sf):
    with pytest.raises(SalesforceMalformedRequest) as got:
        sf.restful(
            "composite/sobjects",
            method="POST",
            json={"records": [{"attributes": {"type": "Account"}, "Name": str(i)} for i in range(201)]},
        )
    assert got.value.content == [
        {"message": "record limit reached. cannot submit more than 200 records into this call", "errorCode": "EXCEEDED_ID_LIMIT"}
    ]


def test_composite_with_references(sf):
    body = {
        "allOrNone": False,
        "collateSubrequests": False,
        "compositeRequest": [
            {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "acct", "body": {"Name": "Composite Co"}},
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Contact",
                "referenceId": "cont",
                "body": {"LastName": "Ref", "AccountId": "@{acct.id}"},
            },
            {"method": "GET", "url": "/services/data/v59.0/sobjects/Contact/@{cont.id}?fields=AccountId", "referenceId": "read"},
            {"method": "GET", "url": "/services/data/v59.0/query/?q=SELECT+Id+FROM+Contact+WHERE+Id+=+'@{cont.id}'", "referenceId": "q"},
            {"method": "GET", "url": "/services/data/v59.0/sobjects/Account/@{q.records[0].Id}", "referenceId": "badref"},
        ],
    }
    out = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    acct, cont, read, query, bad = out
    assert acct["httpStatusCode"] == 201 and acct["referenceId"] == "acct"
    assert acct["httpHeaders"] == {"Location": f"/services/data/v59.0/sobjects/Account/{acct['body']['id']}"}
    assert cont["httpStatusCode"] == 201
    assert read["body"]["AccountId"] == acct["body"]["id"]
    assert query["body"]["totalSize"] == 1
    assert bad["httpStatusCode"] == 404


def test_composite_all_or_none_rolls_back_and_halts_the_rest(sf):
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "ok", "body": {"Name": "Rolled", "ST_Client_Id__c": "ROLL-1"}},
            {"method": "POST", "url": "/services/data/v59.0/sobjects/Contact", "referenceId": "bad", "body": {"FirstName": "x"}},
            {"method": "POST", "url": "/services/data/v59.0/sobjects/Account", "referenceId": "never", "body": {"Name": "Never"}},
        ],
    }
    out = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    halted = {
        "body": [{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}],
        "httpHeaders": {},
        "httpStatusCode": 400,
    }
    assert out[0] == {**halted, "referenceId": "ok"}
    assert out[1]["httpStatusCode"] == 400 and out[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert out[2] == {**halted, "referenceId": "never"}
    assert sf.query("SELECT Id FROM Account WHERE ST_Client_Id__c = 'ROLL-1'")["totalSize"] == 0


def test_composite_reference_to_a_failed_subrequest(sf):
    body = {
        "compositeRequest": [
            {"method": "POST", "url": "/services/data/v59.0/sobjects/Contact", "referenceId": "nope", "body": {}},
            {"method": "GET", "url": "/services/data/v59.0/sobjects/Contact/@{nope.id}", "referenceId": "after"},
        ]
    }
    out = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    assert out[1]["body"] == [
        {"errorCode": "PROCESSING_HALTED", "message": "Invalid reference specified. No value for nope.id found in nope"}
    ]


def test_describe_if_modified_since_answers_304_inside_composite(sf):
    future = email.utils.formatdate(4102444800, usegmt=True)  # 2100-01-01
    past = email.utils.formatdate(0, usegmt=True)
    out = sf.restful(
        "composite",
        method="POST",
        json={
            "compositeRequest": [
                {"method": "GET", "url": "/services/data/v59.0/sobjects/Account/describe", "referenceId": "cached", "httpHeaders": {"If-Modified-Since": future}},
                {"method": "GET", "url": "/services/data/v59.0/sobjects/Account/describe", "referenceId": "stale", "httpHeaders": {"If-Modified-Since": past}},
            ]
        },
    )["compositeResponse"]
    assert out[0]["httpStatusCode"] == 304 and out[0]["body"] is None
    assert out[1]["httpStatusCode"] == 200 and out[1]["body"]["name"] == "Account"
    names = {f["name"] for f in out[1]["body"]["fields"]}
    assert {"ST_Client_Id__c", "Tier__c", "Name"} <= names


def test_more_than_25_subrequests_is_refused(sf):
    items = [{"method": "GET", "url": "/services/data/v59.0/limits", "referenceId": f"r{i}"} for i in range(26)]
    with pytest.raises(SalesforceMalformedRequest) as got:
        sf.restful("composite", method="POST", json={"compositeRequest": items})
    assert got.value.content[0]["errorCode"] == "LIMIT_EXCEEDED"


def test_composite_all_or_none_overrides_a_collection_subrequest(sf):
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v59.0/composite/sobjects",
                "referenceId": "accounts",
                "body": {
                    "allOrNone": False,
                    "records": [
                        {"attributes": {"type": "Account"}, "Name": "Inner Good", "ST_Client_Id__c": "INNER-1"},
                        {"attributes": {"type": "Account"}, "Name": "N" * 256},
                    ],
                },
            },
            {"method": "POST", "url": "/services/data/v59.0/sobjects/Contact", "referenceId": "contact", "body": {"LastName": "Halted"}},
        ],
    }
    out = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    results = out[0]["body"]
    assert results[0] == {"id": None, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert out[1]["httpStatusCode"] == 400 and out[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert sf.query("SELECT Id FROM Account WHERE ST_Client_Id__c = 'INNER-1'")["totalSize"] == 0
