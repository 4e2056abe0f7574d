"""Custom fields of Task and Event, defined on ``Activity`` through the Metadata API (simple-salesforce's SOAP
deploy, list, read and retrieve): both objects describe them, records of both carry them, SOQL filters on
them; a field deployed onto Task itself is refused; permission sets grant them on both objects."""

from __future__ import annotations

import pytest
from lxml import etree
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from tests.contract.salesforce.sfdx_source import NS, component_xml, deploy_zip, mdapi_zip
from tests.support.salesforce_admin import EmulatorAdmin

FIELDS = {
    "Visit_Code__c": {"externalId": True, "label": "Visit Code", "length": 20, "type": "Text", "unique": True},
    "Minutes__c": {"label": "Minutes", "precision": 6, "scale": 0, "type": "Number"},
    "Outcome__c": {"label": "Outcome", "type": "Picklist", "valueSet": {"restricted": True, "valueSetDefinition": {
        "sorted": False, "value": [{"fullName": "Done", "default": False, "label": "Done"},
                                   {"fullName": "Missed", "default": False, "label": "Missed"}]}}},
}


def _activity_object(fields: dict[str, dict]) -> bytes:
    return component_xml("CustomObject", {"fields": [{"fullName": name, **spec} for name, spec in fields.items()]})


@pytest.fixture(scope="module")
def activity_org(deployed_org):
    return deployed_org("activity", {"objects/Activity.object": _activity_object(FIELDS)},
                        {"CustomField": [f"Activity.{name}" for name in FIELDS]})


def _fields(sf: Salesforce, sobject: str) -> dict[str, dict]:
    return {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}


@pytest.mark.parametrize("sobject", ["Task", "Event"])
def test_task_and_event_both_describe_every_activity_field(activity_org, sobject):
    fields = _fields(activity_org.simple_salesforce(), sobject)
    code, minutes, outcome = fields["Visit_Code__c"], fields["Minutes__c"], fields["Outcome__c"]
    assert (code["type"], code["length"], code["label"], code["externalId"], code["unique"], code["custom"],
            code["nillable"], code["createable"], code["updateable"]) == (
        "string", 20, "Visit Code", True, True, True, True, True, True)
    assert (minutes["type"], minutes["precision"], minutes["scale"]) == ("double", 6, 0)
    assert (outcome["type"], outcome["restrictedPicklist"], [v["value"] for v in outcome["picklistValues"]]) == (
        "picklist", True, ["Done", "Missed"])


def test_activity_is_not_an_sobject(activity_org):
    sf = activity_org.simple_salesforce()
    assert "Activity" not in {o["name"] for o in sf.describe()["sobjects"]}
    with pytest.raises(SalesforceResourceNotFound):
        sf.restful("sobjects/Activity/describe")


def test_records_of_task_and_event_carry_the_fields_and_soql_filters_on_them(activity_org):
    sf = activity_org.simple_salesforce()
    task = sf.Task.create({"Subject": "Inspect boiler", "Visit_Code__c": "V-1", "Minutes__c": 45})["id"]
    event = sf.Event.create({"Subject": "Site visit", "DurationInMinutes": 60, "ActivityDateTime": "2024-05-02T09:00:00Z",
                             "Visit_Code__c": "V-2", "Outcome__c": "Missed"})["id"]
    assert sf.query("SELECT Id, Minutes__c FROM Task WHERE Visit_Code__c = 'V-1'")["records"][0]["Minutes__c"] == 45
    found = sf.query("SELECT Id, Visit_Code__c FROM Event WHERE Outcome__c = 'Missed'")["records"]
    assert [(r["Id"], r["Visit_Code__c"]) for r in found] == [(event, "V-2")]
    assert sf.Task.upsert("Visit_Code__c/V-1", {"Minutes__c": 50}) == 200  # updated by its external Id
    assert sf.Task.get(task)["Minutes__c"] == 50
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Event.update(event, {"Outcome__c": "Postponed"})
    assert refused.value.content[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_metadata_lists_reads_and_retrieves_the_fields_as_activity_fields(activity_org):
    sf = activity_org.simple_salesforce()
    listed = {p["fullName"] for p in sf.mdapi.list_metadata(sf.mdapi.ListMetadataQuery(type="CustomField"))}
    assert {"Activity.Visit_Code__c", "Activity.Minutes__c", "Activity.Outcome__c"} <= listed
    assert not {name for name in listed if name.startswith(("Task.", "Event."))}
    objects = {p["fullName"] for p in sf.mdapi.list_metadata(sf.mdapi.ListMetadataQuery(type="CustomObject"))}
    assert "Activity" in objects
    minutes = sf.mdapi.CustomField.read("Activity.Minutes__c")
    assert (minutes["fullName"], minutes["precision"], minutes["scale"], minutes["type"]) == (
        "Activity.Minutes__c", 6, 0, "Number")



def test_retrieve_returns_the_activity_object_with_its_fields(activity_org, retrieve):
    out = retrieve(activity_org, "CustomObject", "Activity")
    root = etree.parse(str(out / "objects" / "Activity.object")).getroot()
    ns = {"m": NS}
    assert sorted(root.xpath("m:fields/m:fullName/text()", namespaces=ns)) == ["Minutes__c", "Outcome__c",
                                                                                "Visit_Code__c"]
    code = root.xpath("m:fields[m:fullName='Visit_Code__c']", namespaces=ns)[0]
    assert (code.findtext("m:length", namespaces=ns), code.findtext("m:externalId", namespaces=ns),
            code.findtext("m:unique", namespaces=ns)) == ("20", "true", "true")


def test_a_custom_field_deployed_onto_task_itself_is_refused(activity_org):
    sf = activity_org.simple_salesforce()
    status = deploy_zip(sf, mdapi_zip(
        {"objects/Task.object": component_xml("CustomObject", {"fields": [
            {"fullName": "Stray__c", "label": "Stray", "length": 10, "type": "Text"}]})},
        {"CustomField": ["Task.Stray__c"]}))
    assert status["state"] == "Failed"
    assert [e["message"] for e in status["deployment_detail"]["errors"]] == [
        "Custom fields of Task and Event are defined on Activity, which both share: deploy Task.Stray__c as "
        "Activity.Stray__c (objects/Activity/fields/Stray__c.field-meta.xml)"]
    assert "Stray__c" not in _fields(sf, "Task")


def test_activities_cannot_be_detail_records(activity_org):
    status = deploy_zip(activity_org.simple_salesforce(), mdapi_zip(
        {"objects/Activity.object": _activity_object({"Job__c": {
            "label": "Job", "referenceTo": "Account", "relationshipName": "Jobs", "relationshipOrder": 0,
            "type": "MasterDetail"}})},
        {"CustomField": ["Activity.Job__c"]}))
    assert status["state"] == "Failed"
    assert [e["message"] for e in status["deployment_detail"]["errors"]] == [
        "Activity.Job__c: tasks and events cannot be the detail side of a master-detail relationship; make it a Lookup"]


def test_a_permission_set_grants_an_activity_field_on_task_and_event(activity_org):
    admin_sf = activity_org.simple_salesforce()
    status = deploy_zip(admin_sf, mdapi_zip(
        {"permissionsets/Visits.permissionset": component_xml("PermissionSet", {
            "fieldPermissions": [{"editable": True, "field": "Activity.Visit_Code__c", "readable": True}],
            "label": "Visits"})},
        {"PermissionSet": ["Visits"]}))
    assert status["state"] == "Succeeded", status
    user = admin_sf.query("SELECT Id, Username FROM User WHERE FederationIdentifier = 'T-100'")["records"][0]
    tech = Salesforce(instance_url=activity_org.instance_url,
                      session_id=EmulatorAdmin(activity_org).session_for(user["Username"]), version="59.0")

    def custom(sobject: str) -> list[str]:
        return sorted(f["name"] for f in getattr(tech, sobject).describe()["fields"] if f["custom"])

    assert (custom("Task"), custom("Event")) == ([], [])
    permission_set = admin_sf.query("SELECT Id FROM PermissionSet WHERE Name = 'Visits'")["records"][0]["Id"]
    admin_sf.PermissionSetAssignment.create({"AssigneeId": user["Id"], "PermissionSetId": permission_set})
    assert (custom("Task"), custom("Event")) == (["Visit_Code__c"], ["Visit_Code__c"])
