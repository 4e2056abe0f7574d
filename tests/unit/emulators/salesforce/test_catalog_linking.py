"""Child relationships linked both ways, audit-field writability, record types and describe memoisation."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from emulators.salesforce.catalog import (
    AUDIT_FIELD_OBJECTS,
    MASTER_RECORD_TYPE_ID,
    CatalogError,
    CustomFieldSpec,
    RecordTypeInfo,
    custom_field,
    custom_object,
    describe_sobject,
    describe_sobject_json,
    link_child_relationships,
    standard_schemas,
    with_audit_fields_writable,
    with_record_type_field,
)


def _org_with_customs():
    schemas = standard_schemas()
    schemas["Work_Order__c"] = custom_object(
        "Work_Order__c", "Work Order", "Work Orders", key_prefix="a0W",
        fields=[CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Work_Orders",
                                delete_constraint="Restrict")])
    schemas["Parts_Used__c"] = custom_object(
        "Parts_Used__c", "Part Used", "Parts Used", key_prefix="a0P", sharing_model="ControlledByParent",
        enable_activities=False,
        fields=[CustomFieldSpec("Work_Order__c", "MasterDetail", reference_to="Work_Order__c",
                                relationship_name="Parts_Used")])
    return link_child_relationships(schemas)


def _children(schema):
    return {(r.child_sobject, r.field): r for r in schema.child_relationships}


def test_every_reference_in_the_catalog_is_listed_by_its_target_and_nothing_else():
    schemas = _org_with_customs()
    expected = {
        (target, child.name, f.name)
        for child in schemas.values() for f in child.fields
        if f.type == "reference" and f.name != "MasterRecordId"
        for target in f.reference_to if target in schemas
    }
    listed = {(parent.name, r.child_sobject, r.field) for parent in schemas.values() for r in parent.child_relationships}
    assert listed == expected


def test_custom_lookups_link_both_ways_with_their_names_and_delete_rules():
    schemas = _org_with_customs()
    to_account = _children(schemas["Account"])[("Work_Order__c", "Account__c")]
    assert (to_account.relationship_name, to_account.restricted_delete, to_account.cascade_delete) == (
        "Work_Orders__r", True, False)
    assert schemas["Account"].child_relationship("work_orders__r") is to_account
    detail = schemas["Work_Order__c"].child_relationship("Parts_Used__r")
    assert (detail.child_sobject, detail.field, detail.cascade_delete) == ("Parts_Used__c", "Work_Order__c", True)
    field = schemas["Parts_Used__c"].field_by_relationship("Work_Order__r")
    assert field.reference_to == ("Work_Order__c",)


def test_custom_objects_join_open_polymorphic_references_and_leave_when_removed():
    schemas = _org_with_customs()
    assert "Work_Order__c" in schemas["Task"].field("WhatId").reference_to
    assert "Work_Order__c" in schemas["Event"].field("WhatId").reference_to
    assert "Parts_Used__c" not in schemas["Task"].field("WhatId").reference_to  # activities disabled
    assert {"Work_Order__c", "Parts_Used__c"} <= set(schemas["ContentDocumentLink"].field("LinkedEntityId").reference_to)
    assert schemas["Work_Order__c"].child_relationship("Tasks").field == "WhatId"
    assert schemas["Work_Order__c"].child_relationship("ContentDocumentLinks").cascade_delete

    del schemas["Parts_Used__c"]
    relinked = link_child_relationships(schemas)
    assert "Parts_Used__c" not in relinked["ContentDocumentLink"].field("LinkedEntityId").reference_to
    assert relinked["Work_Order__c"].child_relationship("Parts_Used__r") is None


def test_relinking_is_idempotent():
    once = _org_with_customs()
    assert link_child_relationships(once) == once


def test_two_children_with_one_relationship_name_is_an_error():
    schemas = _org_with_customs()
    clash = custom_object("Visit__c", "Visit", "Visits", key_prefix="a0V", fields=[
        CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Work_Orders")])
    schemas["Visit__c"] = clash
    with pytest.raises(CatalogError, match=r"Account would have two child relationships named 'Work_Orders__r'"):
        link_child_relationships(schemas)


AUDIT = ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById")


@pytest.mark.parametrize("name", sorted(AUDIT_FIELD_OBJECTS))
def test_audit_fields_become_createable_on_insert_only(name):
    schema = standard_schemas()[name]
    writable = with_audit_fields_writable(schema)
    for field in AUDIT:
        before, after = schema.field(field), writable.field(field)
        assert (before.createable, after.createable, after.updateable) == (False, True, False)
    assert writable.field("SystemModstamp").createable is False
    described = {f["name"]: f for f in describe_sobject(writable)["fields"]}
    assert described["CreatedDate"]["createable"] is True
    assert {f["name"]: f for f in describe_sobject(schema)["fields"]}["CreatedDate"]["createable"] is False


def test_audit_fields_on_custom_objects_and_not_on_other_objects():
    custom = custom_object("Site__c", "Site", "Sites", key_prefix="a05")
    assert with_audit_fields_writable(custom).field("CreatedById").createable is True
    user = standard_schemas()["User"]
    assert with_audit_fields_writable(user) is user


def test_record_types_render_with_master_and_caller_order():
    schema = _org_with_customs()["Work_Order__c"]
    types = [
        RecordTypeInfo("012000000000001AAA", "Preventive", "Preventive Maintenance", default=True,
                       business_process_id=None),
        RecordTypeInfo("012000000000002AAA", "Install", "Installation", active=False),
    ]
    infos = describe_sobject(schema, record_types=types, api_version="60.0")["recordTypeInfos"]
    assert [(i["developerName"], i["defaultRecordTypeMapping"], i["master"], i["available"]) for i in infos] == [
        ("Preventive", True, False, True), ("Install", False, False, False), ("Master", False, True, True)]
    assert infos[2]["recordTypeId"] == MASTER_RECORD_TYPE_ID
    assert infos[0]["urls"] == {
        "layout": "/services/data/v60.0/sobjects/Work_Order__c/describe/layouts/012000000000001AAA"}


def test_describe_is_memoised_per_schema_object_and_follows_changes():
    schema = standard_schemas()["Account"]
    first = describe_sobject(schema, api_version="62.0")
    again = describe_sobject(schema, api_version="62.0")
    assert again == first and again is not first
    assert again["fields"] is first["fields"]  # rendered once, shared
    changed = schema.with_field(custom_field(CustomFieldSpec("Region__c", "Text", length=30)))
    names = [f["name"] for f in describe_sobject(changed, api_version="62.0")["fields"]]
    assert names[-1] == "Region__c" and "Region__c" not in [f["name"] for f in first["fields"]]
    other_version = describe_sobject(schema, api_version="58.0")
    assert other_version["urls"]["sobject"] == "/services/data/v58.0/sobjects/Account"


def test_describe_json_is_the_serialised_describe():
    schema = standard_schemas()["Contact"]
    body = describe_sobject_json(schema, api_version="62.0", instance_path_prefix="/o/1",
                                 instance_url="https://127.0.0.1:8443")
    parsed = orjson.loads(body)
    assert parsed == describe_sobject(schema, api_version="62.0", instance_path_prefix="/o/1",
                                      instance_url="https://127.0.0.1:8443")
    assert parsed["urls"]["uiDetailTemplate"] == "https://127.0.0.1:8443/o/1/{ID}"
    assert parsed["urls"]["describe"] == "/o/1/services/data/v62.0/sobjects/Contact/describe"


def test_standard_schemas_returns_a_fresh_map_of_immutable_schemas():
    first, second = standard_schemas(), standard_schemas()
    assert first is not second and first == second
    first.pop("Account")
    assert "Account" in standard_schemas()
    with pytest.raises(AttributeError):
        second["Case"].name = "Other"  # type: ignore[misc]
    assert replace(second["Case"], label="X").label == "X" and second["Case"].label == "Case"


def test_record_type_field_is_added_like_salesforce_shapes_it():
    schemas = standard_schemas()
    recorded_shape = describe_sobject(schemas["Account"])["fields"]
    account_rt = next(f for f in recorded_shape if f["name"] == "RecordTypeId")
    contact = with_record_type_field(schemas["Contact"])
    names = [f.name for f in contact.fields]
    assert names.index("RecordTypeId") == names.index("Name") + 1
    added = next(f for f in describe_sobject(contact)["fields"] if f["name"] == "RecordTypeId")
    assert added == account_rt | {"label": added["label"]} and added["label"] == "Record Type ID"
    assert with_record_type_field(schemas["Account"]) is schemas["Account"]
    with pytest.raises(CatalogError, match="User does not support record types"):
        with_record_type_field(schemas["User"])


def test_api_version_may_be_given_with_its_v():
    schema = standard_schemas()["Case"]
    assert describe_sobject(schema, api_version="v61.0") == describe_sobject(schema, api_version="61.0")
    assert describe_sobject(schema, api_version="v61.0")["urls"]["sobject"] == "/services/data/v61.0/sobjects/Case"
