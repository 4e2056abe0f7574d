"""The global describe (GET /sobjects) over the standard catalog, against Salesforce's key prefixes and the
global describe CumulusCI recorded."""

from __future__ import annotations

import pytest

from emulators.salesforce.catalog import STANDARD_OBJECT_NAMES, custom_object, describe_global, standard_schemas
from emulators.salesforce.catalog.recorded import recorded_global_describe

KEY_PREFIXES = {
    "Account": "001", "Contact": "003", "User": "005", "Opportunity": "006", "Case": "500", "CaseComment": "00a",
    "Asset": "02i", "Contract": "800", "Task": "00T", "Event": "00U", "ContentVersion": "068",
    "ContentDocument": "069", "ContentDocumentLink": "06A", "Attachment": "00P", "Note": "002", "Lead": "00Q",
    "RecordType": "012", "Product2": "01t", "Profile": "00e", "Group": "00G", "Organization": "00D",
    "PermissionSet": "0PS", "PermissionSetAssignment": "0Pa", "TabDefinition": "0KD", "BusinessProcess": "019",
    "UserRole": "00E", "OpportunityContactRole": "00K", "EntityDefinition": None, "RecentlyViewed": None,
}


def test_global_describe_lists_every_catalog_object_with_its_key_prefix():
    body = describe_global(standard_schemas().values(), api_version="62.0")
    assert (body["encoding"], body["maxBatchSize"]) == ("UTF-8", 200)
    prefixes = {entry["name"]: entry["keyPrefix"] for entry in body["sobjects"]}
    assert prefixes == KEY_PREFIXES
    assert set(prefixes) == set(STANDARD_OBJECT_NAMES)
    names = [entry["name"] for entry in body["sobjects"]]
    assert names == sorted(names, key=str.lower)


def test_key_prefixes_are_unique():
    prefixes = [p for p in KEY_PREFIXES.values() if p]
    assert len(prefixes) == len(set(prefixes))


RECORDED_GLOBAL = ("Account", "Case", "Contact", "Opportunity", "OpportunityContactRole", "Organization", "User",
                   "UserRole")


@pytest.mark.parametrize("name", RECORDED_GLOBAL)
def test_global_entries_match_the_recorded_global_describe(name):
    recorded = {entry["name"]: entry for entry in recorded_global_describe()["sobjects"]}[name]
    ours = {entry["name"]: entry for entry in describe_global(standard_schemas().values(), api_version="52.0")
            ["sobjects"]}[name]
    assert ours == recorded


def test_hand_edited_recorded_entries_still_get_their_real_prefixes():
    # The recorded global describe carries keyPrefix null for Event and Lead (edited by hand); their own
    # recorded describes, and Salesforce, say 00U and 00Q.
    recorded = {entry["name"]: entry for entry in recorded_global_describe()["sobjects"]}
    assert recorded["Event"]["keyPrefix"] is None and recorded["Lead"]["keyPrefix"] is None
    ours = {e["name"]: e for e in describe_global(standard_schemas().values())["sobjects"]}
    assert (ours["Event"]["keyPrefix"], ours["Lead"]["keyPrefix"]) == ("00U", "00Q")


def test_global_entry_urls_follow_the_org_path_and_version_and_leave_out_ui_templates():
    schemas = list(standard_schemas().values()) + [custom_object("Site__c", "Site", "Sites", key_prefix="a05")]
    body = describe_global(schemas, api_version="61.0", instance_path_prefix="/orgs/a1")
    site = {e["name"]: e for e in body["sobjects"]}["Site__c"]
    assert site["custom"] is True and site["keyPrefix"] == "a05"
    assert site["urls"] == {
        "compactLayouts": "/orgs/a1/services/data/v61.0/sobjects/Site__c/describe/compactLayouts",
        "rowTemplate": "/orgs/a1/services/data/v61.0/sobjects/Site__c/{ID}",
        "approvalLayouts": "/orgs/a1/services/data/v61.0/sobjects/Site__c/describe/approvalLayouts",
        "listviews": "/orgs/a1/services/data/v61.0/sobjects/Site__c/listviews",
        "describe": "/orgs/a1/services/data/v61.0/sobjects/Site__c/describe",
        "quickActions": "/orgs/a1/services/data/v61.0/sobjects/Site__c/quickActions",
        "layouts": "/orgs/a1/services/data/v61.0/sobjects/Site__c/describe/layouts",
        "sobject": "/orgs/a1/services/data/v61.0/sobjects/Site__c",
    }


def test_every_describe_carries_every_key_of_a_real_describe():
    from emulators.salesforce.catalog import describe_sobject
    from emulators.salesforce.catalog.recorded import recorded_describe

    real = recorded_describe("Lead")  # recorded at v59.0: the newest key set among the recordings
    object_keys, field_keys = set(real), set(real["fields"][0])
    child_keys = set(real["childRelationships"][0])
    rt_keys = set(real["recordTypeInfos"][0])
    schemas = list(standard_schemas().values()) + [custom_object("Site__c", "Site", "Sites", key_prefix="a05")]
    for schema in schemas:
        body = describe_sobject(schema)
        assert set(body) == object_keys, schema.name
        for field in body["fields"]:
            assert set(field) == field_keys, f"{schema.name}.{field['name']}"
        for rel in body["childRelationships"]:
            assert set(rel) == child_keys, schema.name
        for info in body["recordTypeInfos"]:
            assert set(info) == rt_keys, schema.name
