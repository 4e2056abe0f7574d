"""Custom objects and fields: every Metadata API field type st2sf generates renders Salesforce's describe
attributes, and bad specs fail with messages that name the field and say what to change."""

from __future__ import annotations

import pytest

from emulators.salesforce.catalog import (
    CustomFieldSpec,
    CustomSpecError,
    custom_field,
    custom_object,
    describe_sobject,
)
from emulators.salesforce.catalog.describe_fields import render_field
from emulators.salesforce.schema.model import PicklistValue

# The describe attributes that vary by type; every case below asserts all of them.
KEYS = ("type", "length", "byteLength", "precision", "scale", "digits", "soapType", "nillable", "createable",
        "updateable", "defaultedOnCreate", "defaultValue", "htmlFormatted", "extraTypeInfo", "filterable",
        "sortable", "groupable", "aggregatable", "custom", "permissionable", "externalId", "unique", "idLookup",
        "caseSensitive", "autoNumber", "restrictedPicklist", "referenceTo", "relationshipName", "cascadeDelete",
        "restrictedDelete", "relationshipOrder", "polymorphicForeignKey", "nameField")

BASE = {"precision": 0, "scale": 0, "digits": 0, "nillable": True, "createable": True, "updateable": True,
        "defaultedOnCreate": False, "defaultValue": None, "htmlFormatted": False, "extraTypeInfo": None,
        "filterable": True, "sortable": True, "groupable": True, "aggregatable": True, "custom": True,
        "permissionable": True, "externalId": False, "unique": False, "idLookup": False, "caseSensitive": False,
        "autoNumber": False, "restrictedPicklist": False, "referenceTo": [], "relationshipName": None,
        "cascadeDelete": False, "restrictedDelete": False, "relationshipOrder": None,
        "polymorphicForeignKey": False, "nameField": False, "length": 0, "byteLength": 0}

CASES = [
    (CustomFieldSpec("Code__c", "Text", length=80),
     {"type": "string", "length": 80, "byteLength": 240, "soapType": "xsd:string"}),
    (CustomFieldSpec("Legacy_Id__c", "Text", length=40, external_id=True, unique=True, case_sensitive=True),
     {"type": "string", "length": 40, "byteLength": 120, "soapType": "xsd:string", "externalId": True,
      "unique": True, "idLookup": True, "caseSensitive": True}),
    (CustomFieldSpec("Title__c", "Text", length=255, required=True),
     {"type": "string", "length": 255, "byteLength": 765, "soapType": "xsd:string", "nillable": False,
      "permissionable": False}),
    (CustomFieldSpec("Summary__c", "TextArea"),
     {"type": "textarea", "length": 255, "byteLength": 765, "soapType": "xsd:string",
      "extraTypeInfo": "plaintextarea"}),
    (CustomFieldSpec("Notes__c", "LongTextArea", length=32768),
     {"type": "textarea", "length": 32768, "byteLength": 98304, "soapType": "xsd:string",
      "extraTypeInfo": "plaintextarea", "filterable": False, "sortable": False, "groupable": False,
      "aggregatable": False}),
    (CustomFieldSpec("Body__c", "Html", length=10000),
     {"type": "textarea", "length": 10000, "byteLength": 30000, "soapType": "xsd:string", "htmlFormatted": True,
      "extraTypeInfo": "richtextarea", "filterable": False, "sortable": False, "groupable": False,
      "aggregatable": False}),
    (CustomFieldSpec("Hours__c", "Number", precision=18, scale=2),
     {"type": "double", "precision": 18, "scale": 2, "soapType": "xsd:double", "groupable": False}),
    (CustomFieldSpec("Visits__c", "Number", precision=6, scale=0, external_id=True),
     {"type": "double", "precision": 6, "scale": 0, "soapType": "xsd:double", "groupable": False,
      "externalId": True, "idLookup": True}),
    (CustomFieldSpec("Total__c", "Currency", precision=16, scale=2),
     {"type": "currency", "precision": 16, "scale": 2, "soapType": "xsd:double", "groupable": False}),
    (CustomFieldSpec("Discount__c", "Percent", precision=5, scale=2),
     {"type": "percent", "precision": 5, "scale": 2, "soapType": "xsd:double", "groupable": False}),
    (CustomFieldSpec("Due__c", "Date"), {"type": "date", "soapType": "xsd:date"}),
    (CustomFieldSpec("Scheduled__c", "DateTime"),
     {"type": "datetime", "soapType": "xsd:dateTime", "groupable": False}),
    (CustomFieldSpec("Starts__c", "Time"),
     {"type": "time", "soapType": "xsd:time", "groupable": False}),
    (CustomFieldSpec("Billable__c", "Checkbox"),
     {"type": "boolean", "soapType": "xsd:boolean", "nillable": False, "defaultedOnCreate": True,
      "defaultValue": False, "aggregatable": False}),
    (CustomFieldSpec("Active__c", "Checkbox", default_value=True),
     {"type": "boolean", "soapType": "xsd:boolean", "nillable": False, "defaultedOnCreate": True,
      "defaultValue": True, "aggregatable": False}),
    (CustomFieldSpec("Contact_Email__c", "Email"),
     {"type": "email", "length": 80, "byteLength": 240, "soapType": "xsd:string"}),
    (CustomFieldSpec("Site_Phone__c", "Phone"),
     {"type": "phone", "length": 40, "byteLength": 120, "soapType": "xsd:string"}),
    (CustomFieldSpec("Portal__c", "Url"),
     {"type": "url", "length": 255, "byteLength": 765, "soapType": "xsd:string"}),
    (CustomFieldSpec("Stage__c", "Picklist", picklist_values=("New", "Done"), restricted=True, default_value="New"),
     {"type": "picklist", "length": 255, "byteLength": 765, "soapType": "xsd:string", "restrictedPicklist": True,
      "defaultedOnCreate": True, "defaultValue": "New"}),
    (CustomFieldSpec("Skills__c", "MultiselectPicklist", picklist_values=("HVAC", "Electrical")),
     {"type": "multipicklist", "length": 4099, "byteLength": 12297, "soapType": "xsd:string", "sortable": False,
      "groupable": False, "aggregatable": False}),
    (CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Invoices"),
     {"type": "reference", "length": 18, "byteLength": 18, "soapType": "tns:ID", "referenceTo": ["Account"],
      "relationshipName": "Account__r"}),
    (CustomFieldSpec("Contract__c", "Lookup", reference_to="Contract", relationship_name="Invoices",
                     required=True, delete_constraint="Restrict"),
     {"type": "reference", "length": 18, "byteLength": 18, "soapType": "tns:ID", "referenceTo": ["Contract"],
      "relationshipName": "Contract__r", "nillable": False, "permissionable": False, "restrictedDelete": True}),
    (CustomFieldSpec("Asset__c", "Lookup", reference_to="Asset", relationship_name="Usages",
                     delete_constraint="Cascade"),
     {"type": "reference", "length": 18, "byteLength": 18, "soapType": "tns:ID", "referenceTo": ["Asset"],
      "relationshipName": "Asset__r", "cascadeDelete": True}),
    (CustomFieldSpec("Work_Order__c", "MasterDetail", reference_to="Work_Order__c", relationship_name="Parts"),
     {"type": "reference", "length": 18, "byteLength": 18, "soapType": "tns:ID", "referenceTo": ["Work_Order__c"],
      "relationshipName": "Work_Order__r", "nillable": False, "updateable": False, "permissionable": False,
      "cascadeDelete": True, "relationshipOrder": 0}),
    (CustomFieldSpec("Invoice__c", "MasterDetail", reference_to="Invoice__c", relationship_name="Lines",
                     reparentable=True, relationship_order=1),
     {"type": "reference", "length": 18, "byteLength": 18, "soapType": "tns:ID", "referenceTo": ["Invoice__c"],
      "relationshipName": "Invoice__r", "nillable": False, "cascadeDelete": True, "relationshipOrder": 1,
      "permissionable": False}),
    (CustomFieldSpec("Ticket__c", "AutoNumber"),
     {"type": "string", "length": 30, "byteLength": 90, "soapType": "xsd:string", "autoNumber": True,
      "createable": False, "updateable": False, "defaultedOnCreate": True, "idLookup": True,
      "permissionable": False}),
]


@pytest.mark.parametrize(("spec", "expected"), CASES, ids=[c[0].api_name for c in CASES])
def test_custom_field_types_render_salesforce_describe_attributes(spec, expected):
    rendered = render_field(custom_field(spec))
    assert {key: rendered[key] for key in KEYS} == {**BASE, **expected}
    assert rendered["name"] == spec.api_name


def test_picklist_values_render_with_defaults_and_labels():
    spec = CustomFieldSpec("Priority__c", "Picklist", default_value="Normal",
                           picklist_values=("High", "Normal", PicklistValue("Low", "Low (later)", active=False)))
    assert render_field(custom_field(spec))["picklistValues"] == [
        {"active": True, "defaultValue": False, "label": "High", "validFor": None, "value": "High"},
        {"active": True, "defaultValue": True, "label": "Normal", "validFor": None, "value": "Normal"},
        {"active": False, "defaultValue": False, "label": "Low (later)", "validFor": None, "value": "Low"},
    ]


def test_lookup_carries_its_child_relationship_name_and_delete_semantics():
    field = custom_field(CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Sites",
                                         delete_constraint="Restrict"))
    assert (field.child_relationship_name, field.restricted_delete, field.cascade_delete) == ("Sites__r", True, False)


def test_custom_object_standard_fields_in_describe_order():
    obj = custom_object("Work_Order__c", "Work Order", "Work Orders", key_prefix="a0W")
    assert [f.name for f in obj.fields] == [
        "Id", "OwnerId", "IsDeleted", "Name", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById",
        "SystemModstamp", "LastActivityDate", "LastViewedDate", "LastReferencedDate"]
    assert (obj.custom, obj.key_prefix, obj.label_plural, obj.mergeable) == (True, "a0W", "Work Orders", False)
    name = obj.field("Name")
    assert (name.type, name.length, name.label, name.nillable, name.defaulted_on_create, name.name_field) == (
        "string", 80, "Work Order Name", True, True, True)
    assert obj.field("OwnerId").reference_to == ("Group", "User")
    assert obj.field("Id").label == "Record ID"
    audit = [obj.field(n) for n in ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById")]
    assert [(f.createable, f.updateable, f.nillable, f.defaulted_on_create) for f in audit] == [
        (False, False, False, True)] * 4


def test_auto_number_name_and_activities_off():
    obj = custom_object("Invoice__c", "Invoice", "Invoices", key_prefix="a0I", name_field_type="AutoNumber",
                        name_field_label="Invoice Number", enable_activities=False)
    name = obj.field("Name")
    assert (name.auto_number, name.createable, name.updateable, name.length, name.label) == (
        True, False, False, 30, "Invoice Number")
    assert obj.field("LastActivityDate") is None


def test_detail_object_has_no_owner():
    obj = custom_object(
        "Parts_Used__c", "Part Used", "Parts Used", key_prefix="a0P", sharing_model="ControlledByParent",
        fields=[CustomFieldSpec("Work_Order__c", "MasterDetail", reference_to="Work_Order__c",
                                relationship_name="Parts_Used")])
    assert obj.field("OwnerId") is None
    assert obj.field("Work_Order__c").is_required_on_create
    described = describe_sobject(obj)
    assert described["supportedScopes"] == [{"label": "All parts used", "name": "everything"}]


BAD_FIELDS = [
    (CustomFieldSpec("Code", "Text", length=10), "end with '__c'"),
    (CustomFieldSpec("Bad__Name__c", "Text", length=10), "single underscores"),
    (CustomFieldSpec("_Code__c", "Text", length=10), "start with a letter"),
    (CustomFieldSpec("A" * 41 + "__c", "Text", length=10), "at most 40 characters"),
    (CustomFieldSpec("Code__c", "Text"), "length is required"),
    (CustomFieldSpec("Code__c", "Text", length=256), "length must be an integer from 1 to 255, got 256"),
    (CustomFieldSpec("Notes__c", "LongTextArea", length=200), "from 256 to 131072, got 200"),
    (CustomFieldSpec("Hours__c", "Number", precision=19, scale=2), "precision must be an integer from 1 to 18"),
    (CustomFieldSpec("Hours__c", "Number", precision=4, scale=5), "scale must be an integer from 0 to 4, got 5"),
    (CustomFieldSpec("Stage__c", "Picklist"), "at least one value"),
    (CustomFieldSpec("Stage__c", "Picklist", picklist_values=("A", "a")), "unique"),
    (CustomFieldSpec("Stage__c", "Picklist", picklist_values=("A",), default_value="B"), "'B' is not one of"),
    (CustomFieldSpec("Flag__c", "Checkbox", required=True), "cannot be marked required"),
    (CustomFieldSpec("Flag__c", "Checkbox", default_value="yes"), "true or false"),
    (CustomFieldSpec("Stage__c", "Picklist", picklist_values=("A",), unique=True), "unique / external ID"),
    (CustomFieldSpec("Code__c", "Text", length=5, case_sensitive=True), "set unique too"),
    (CustomFieldSpec("Account__c", "Lookup", relationship_name="Sites"), "reference_to"),
    (CustomFieldSpec("Account__c", "Lookup", reference_to="Account"), "relationship_name"),
    (CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Sites__r"), "'__r' suffix"),
    (CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Sites", required=True),
     "use delete_constraint 'Restrict' or 'Cascade'"),
    (CustomFieldSpec("Account__c", "Lookup", reference_to="Account", relationship_name="Sites",
                     delete_constraint="Nothing"), "delete_constraint must be one of"),
    (CustomFieldSpec("Geo__c", "Location"), "unsupported type"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_FIELDS, ids=[f"{s.api_name}-{s.type}" for s, _ in BAD_FIELDS])
def test_bad_custom_field_specs_say_which_field_and_what_to_change(spec, message):
    with pytest.raises(CustomSpecError) as caught:
        custom_field(spec)
    assert spec.api_name in str(caught.value)
    assert message in str(caught.value)


def _md(name="Work_Order__c"):
    return CustomFieldSpec(name, "MasterDetail", reference_to=name, relationship_name="Parts")


BAD_OBJECTS = [
    ({"api_name": "Site", "label": "Site", "plural_label": "Sites", "key_prefix": "a01"}, "end with '__c'"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a0"}, "key_prefix must be 3"),
    ({"api_name": "Site__c", "label": "", "plural_label": "Sites", "key_prefix": "a01"}, "must not be empty"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a01",
      "sharing_model": "Public"}, "sharing_model must be one of"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a01",
      "name_field_type": "Number"}, "name_field_type must be one of"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a01",
      "sharing_model": "ControlledByParent"}, "needs a MasterDetail field"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a01",
      "fields": [_md()]}, "must use sharing_model ControlledByParent"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a01",
      "sharing_model": "ControlledByParent", "fields": [_md("A__c"), _md("B__c"), _md("C__c")]},
     "at most two MasterDetail"),
    ({"api_name": "Site__c", "label": "Site", "plural_label": "Sites", "key_prefix": "a01",
      "fields": [CustomFieldSpec("Code__c", "Text", length=5), CustomFieldSpec("code__c", "Text", length=5)]},
     "defined twice"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_OBJECTS, ids=[m for _, m in BAD_OBJECTS])
def test_bad_custom_object_specs_fail_clearly(kwargs, message):
    with pytest.raises(CustomSpecError) as caught:
        custom_object(**kwargs)
    assert message in str(caught.value)
    assert str(kwargs["api_name"]) in str(caught.value)
