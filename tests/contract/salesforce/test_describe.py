"""Describe over REST: global, basic info, per object with the org's record types and custom fields."""

from __future__ import annotations

import email.utils


def test_global_describe_lists_standard_and_custom_objects(sf):
    body = sf.describe()
    entries = {s["name"]: s for s in body["sobjects"]}
    assert body["encoding"] == "UTF-8" and body["maxBatchSize"] == 200
    assert entries["Account"]["keyPrefix"] == "001" and entries["Contact"]["keyPrefix"] == "003"
    assert entries["Site__c"]["custom"] is True and entries["Site__c"]["keyPrefix"].startswith("a")
    assert entries["Account"]["urls"]["describe"] == "/services/data/v59.0/sobjects/Account/describe"


def test_basic_info(sf):
    info = sf.Account.metadata()
    assert info["objectDescribe"]["name"] == "Account" and info["recentItems"] == []


def test_describe_has_the_orgs_record_types_and_custom_fields(sf):
    case = sf.Case.describe()
    infos = {rt["developerName"]: rt for rt in case["recordTypeInfos"]}
    assert set(infos) == {"Break_Fix", "Retired", "Master"}
    assert infos["Break_Fix"]["defaultRecordTypeMapping"] is True and infos["Break_Fix"]["available"] is True
    assert infos["Retired"]["active"] is False
    assert infos["Master"]["recordTypeId"] == "012000000000000AAA" and infos["Master"]["master"] is True
    assert "RecordTypeId" in {f["name"] for f in case["fields"]}
    account = {f["name"]: f for f in sf.Account.describe()["fields"]}
    key = account["ST_Client_Id__c"]
    assert (key["type"], key["length"], key["externalId"], key["unique"], key["custom"]) == ("string", 40, True, True, True)
    assert account["CreatedDate"]["createable"] is True  # "Set Audit Fields upon Record Creation" is on
    assert account["CreatedDate"]["updateable"] is False
    site = sf.Site__c.describe()
    master = {f["name"]: f for f in site["fields"]}["Account__c"]
    assert (master["type"], master["referenceTo"], master["nillable"], master["cascadeDelete"]) == (
        "reference",
        ["Account"],
        False,
        True,
    )
    children = {(c["childSObject"], c["field"]): c for c in sf.Account.describe()["childRelationships"]}
    assert children[("Site__c", "Account__c")]["relationshipName"] == "Sites__r"


def test_describe_answers_304_when_the_schema_has_not_changed(sf, sf_org):
    headers = {"Authorization": f"Bearer {sf_org.access_token}"}
    url = f"{sf_org.instance_url}/services/data/v59.0/sobjects/Account/describe"
    first = sf.session.get(url, headers=headers)
    assert first.status_code == 200
    cached = sf.session.get(url, headers={**headers, "If-Modified-Since": first.headers["Last-Modified"]})
    assert cached.status_code == 304 and cached.content == b""
    old = email.utils.formatdate(0, usegmt=True)
    assert sf.session.get(url, headers={**headers, "If-Modified-Since": old}).status_code == 200
