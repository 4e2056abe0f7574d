"""Our authored standard objects: consistent with the recorded real data, shaped for the rules the org runtime
enforces, and loaded by a strict reader."""

from __future__ import annotations

import pytest

from emulators.salesforce.catalog import CatalogDataError, standard_schemas
from emulators.salesforce.catalog.describe_convert import child_facts
from emulators.salesforce.catalog.recorded import (
    RECORDED_DESCRIBE_OBJECTS,
    recorded_describe,
    recorded_organization_record,
)
from emulators.salesforce.catalog.standard_data import object_from_definition


def test_authored_children_of_recorded_parents_agree_with_the_recorded_child_relationships():
    facts = child_facts(recorded_describe(name) for name in RECORDED_DESCRIBE_OBJECTS)
    schemas = standard_schemas()
    checked = 0
    for child in schemas.values():
        if child.name in RECORDED_DESCRIBE_OBJECTS:
            continue
        for field in child.fields:
            fact = facts.get((child.name, field.name))
            if fact is None:
                continue
            checked += 1
            assert (field.child_relationship_name, field.cascade_delete, field.restricted_delete) == (
                fact.relationship_name, fact.cascade_delete, fact.restricted_delete), f"{child.name}.{field.name}"
    assert checked >= 15  # Asset, Contract, Task, Note, Attachment, CaseComment, CDL, ContentVersion, User …


def test_organization_fields_cover_the_recorded_organization_record():
    record = recorded_organization_record()
    fields = [f.name for f in standard_schemas()["Organization"].fields]
    assert [key for key in record if key != "attributes"] == fields


def test_every_object_starts_with_id_and_has_unique_field_names():
    for schema in standard_schemas().values():
        assert schema.fields[0].name == "Id" and schema.fields[0].type == "id", schema.name
        names = [f.name.lower() for f in schema.fields]
        assert len(names) == len(set(names)), schema.name


def _required(schema):
    return sorted(f.name for f in schema.fields if f.is_required_on_create)


def test_required_fields_of_the_objects_the_migration_loads():
    schemas = standard_schemas()
    assert _required(schemas["Account"]) == ["Name"]
    assert _required(schemas["Contact"]) == ["LastName"]
    assert _required(schemas["Opportunity"]) == ["CloseDate", "Name", "StageName"]
    assert _required(schemas["Case"]) == []
    assert _required(schemas["CaseComment"]) == ["ParentId"]
    assert _required(schemas["Asset"]) == ["Name"]
    assert _required(schemas["Contract"]) == ["AccountId"]
    assert _required(schemas["Task"]) == []
    assert _required(schemas["Event"]) == []
    assert _required(schemas["ContentDocumentLink"]) == ["ContentDocumentId", "LinkedEntityId"]
    assert _required(schemas["ContentVersion"]) == ["Title"]
    assert _required(schemas["Attachment"]) == ["Body", "Name", "ParentId"]
    assert _required(schemas["Note"]) == ["ParentId", "Title"]
    assert _required(schemas["User"]) == ["Alias", "Email", "EmailEncodingKey", "LanguageLocaleKey", "LastName",
                                          "LocaleSidKey", "ProfileId", "TimeZoneSidKey", "Username"]


@pytest.mark.parametrize(("obj", "field", "default", "values"), [
    ("Case", "Status", "New", None),  # real describe: nillable, defaulted to New
    ("Case", "Priority", "Medium", None),
    ("Task", "Status", "Not Started",
     ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")),
    ("Task", "Priority", "Normal", ("High", "Normal", "Low")),
    ("Contract", "Status", "Draft", ("Draft", "In Approval Process", "Activated")),
])
def test_defaulted_picklists(obj, field, default, values):
    f = standard_schemas()[obj].field(field)
    assert (f.type, f.defaulted_on_create, f.default_value) == ("picklist", True, default)
    assert [v.value for v in f.picklist_values if v.default] == [default]
    if values:
        assert f.active_picklist_values() == values
    if obj == "Task":
        assert f.nillable is False  # required, and filled by its default when absent


def test_activity_references_and_owners():
    schemas = standard_schemas()
    for obj in ("Task", "Event"):
        who, what = schemas[obj].field("WhoId"), schemas[obj].field("WhatId")
        assert who.reference_to == ("Contact", "Lead") and who.polymorphic
        assert {"Account", "Opportunity", "Case", "Asset", "Contract", "Product2"} <= set(what.reference_to)
        assert (who.relationship_name, what.relationship_name) == ("Who", "What")
    assert schemas["Task"].field("WhatId").reference_to == schemas["Event"].field("WhatId").reference_to
    assert schemas["Case"].field("OwnerId").reference_to == ("Group", "User")
    assert schemas["Lead"].field("OwnerId").reference_to == ("Group", "User")
    assert schemas["Task"].field("OwnerId").reference_to == ("User",)
    assert len(schemas["Task"].field("RecurrenceTimeZoneSidKey").picklist_values) == len(
        schemas["Event"].field("RecurrenceTimeZoneSidKey").picklist_values) > 400
    assert schemas["User"].field("TimeZoneSidKey").restricted_picklist


def test_event_timing_fields():
    event = standard_schemas()["Event"]
    assert event.field("DurationInMinutes").type == "int"
    assert event.field("ActivityDateTime").type == "datetime"
    assert event.field("ActivityDate").type == "date"
    assert event.field("IsAllDayEvent").type == "boolean"


def test_files_objects():
    schemas = standard_schemas()
    cv = schemas["ContentVersion"]
    assert (cv.field("VersionData").type, cv.field("VersionData").updateable) == ("base64", False)
    assert (cv.field("PathOnClient").length, cv.field("Title").length) == (500, 255)
    assert cv.field("ContentDocumentId").reference_to == ("ContentDocument",)
    assert cv.field("FirstPublishLocationId").polymorphic
    cdl = schemas["ContentDocumentLink"]
    assert cdl.field("ShareType").active_picklist_values() == ("V", "C", "I")
    assert cdl.field("Visibility").active_picklist_values() == ("AllUsers", "InternalUsers", "SharedUsers")
    assert cdl.field("LinkedEntityId").polymorphic
    assert schemas["ContentDocument"].createable is False


def _definition(**overrides):
    data = {"name": "Thing", "label": "Thing", "label_plural": "Things", "key_prefix": "a9Z",
            "fields": ["id", {"name": "Name", "type": "string", "length": 80, "required": True}]}
    data.update(overrides)
    return data


def test_loader_builds_a_definition():
    loaded = object_from_definition("test", _definition(child_relationships=[
        {"child": "Case", "field": "ThingId", "name": "Cases", "restrict": True}]))
    assert [f.name for f in loaded.schema.fields] == ["Id", "Name"]
    assert loaded.schema.field("Id").label == "Thing ID"
    assert loaded.schema.field("Name").is_required_on_create
    assert loaded.child_facts[("Case", "ThingId")].restricted_delete is True


@pytest.mark.parametrize(("overrides", "message"), [
    ({"colour": "red"}, "unknown key(s) ['colour']"),
    ({"label": None, "label_plural": "X"}, None),
    ({"fields": [{"name": "X", "type": "string", "lenght": 5}]}, "test: field 'X': unknown field key(s) ['lenght']"),
    ({"fields": [{"name": "X"}]}, "needs 'name' and 'type'"),
    ({"fields": [{"system": "owners"}]}, "unknown system field group 'owners'"),
    ({"fields": [{"name": "P", "type": "picklist", "values": ["yes", False]}]}, "quote it in YAML"),
    ({"fields": ["id", "id"]}, "duplicate field(s) ['id']"),
    ({"object": {"flyable": True}}, "unknown object flag(s) ['flyable']"),
    ({"fields": [{"name": "W", "type": "reference", "to_from": "Event"}]}, "must be 'Object.Field'"),
])
def test_loader_rejects_bad_definitions_with_the_place_and_the_problem(overrides, message):
    data = _definition(**overrides)
    if message is None:  # a missing required top-level key
        del data["label"]
        message = "missing 'label'"
    with pytest.raises(CatalogDataError) as caught:
        object_from_definition("test", data)
    assert message in str(caught.value)
    assert str(caught.value).startswith("test")
