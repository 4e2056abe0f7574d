"""Metadata deploys that change the org — through CumulusCI (SOAP and ``rest_deploy``) and simple-salesforce.

CumulusCI converts the SFDX source with ``sf project convert source`` (the sf CLI from
node_modules, first on PATH for the whole test session) and deploys the MDAPI zip; afterwards the
org's describe shows what was deployed and data loads into it.
"""

from __future__ import annotations

import sqlite3

import pytest
from lxml import etree
from simple_salesforce.exceptions import SalesforceResourceNotFound

from tests.contract.salesforce.sfdx_source import (
    NS,
    component_xml,
    custom_object,
    deploy_zip,
    field,
    mdapi_zip,
    work_order_source,
)
from tests.support.cumulusci_project import make_project, run_task

pytestmark = pytest.mark.sfcli  # CumulusCI converts SFDX source with the sf CLI


@pytest.fixture(scope="module")
def meta_org(org_factory):
    return org_factory("metadata")


@pytest.fixture(scope="module")
def deployed(meta_org, tmp_path_factory):
    """The Work_Order__c source deployed once through CumulusCI's SOAP deploy."""
    from cumulusci.tasks.salesforce import Deploy

    project = make_project(tmp_path_factory.mktemp("deploy-soap"))
    work_order_source(project)
    run_task(Deploy, project, meta_org, {"path": "force-app"})
    return project


def _fields(sf, sobject: str) -> dict[str, dict]:
    return {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}


def test_soap_deploy_creates_the_object_fields_record_type_and_permission_set(meta_org, deployed):
    sf = meta_org.simple_salesforce()
    describe = sf.Work_Order__c.describe()
    assert describe["custom"] is True and describe["label"] == "Work Order" and describe["labelPlural"] == "Work Orders"
    assert describe["keyPrefix"][0] == "a" and len(describe["keyPrefix"]) == 3
    fields = _fields(sf, "Work_Order__c")
    assert fields["Name"]["label"] == "Work Order Number"
    assert (fields["ST_Work_Order_Id__c"]["type"], fields["ST_Work_Order_Id__c"]["externalId"],
            fields["ST_Work_Order_Id__c"]["unique"], fields["ST_Work_Order_Id__c"]["length"]) == ("string", True, True, 40)
    assert (fields["Account__c"]["type"], fields["Account__c"]["referenceTo"], fields["Account__c"]["relationshipName"]) == (
        "reference", ["Account"], "Account__r")
    assert (fields["Hours__c"]["type"], fields["Hours__c"]["precision"], fields["Hours__c"]["scale"]) == ("double", 6, 2)
    assert fields["Cost__c"]["type"] == "currency"
    assert (fields["Done__c"]["type"], fields["Done__c"]["defaultValue"]) == ("boolean", False)
    assert fields["Scheduled__c"]["type"] == "datetime"
    assert (fields["Notes__c"]["type"], fields["Notes__c"]["length"]) == ("textarea", 32768)
    kind = fields["Kind__c"]
    assert kind["restrictedPicklist"] is True
    assert [(v["value"], v["defaultValue"]) for v in kind["picklistValues"]] == [("Preventive", True), ("Install", False)]
    assert _fields(sf, "Account")["ST_Client_Key__c"]["externalId"] is True
    children = {r["relationshipName"]: r["childSObject"] for r in sf.Account.describe()["childRelationships"]}
    assert children["Work_Orders__r"] == "Work_Order__c"

    rts = sf.query("SELECT DeveloperName, Name, IsActive, BusinessProcessId FROM RecordType WHERE SobjectType = 'Case' "
                   "AND DeveloperName = 'Reactive'")["records"]
    assert len(rts) == 1 and rts[0]["Name"] == "Reactive" and rts[0]["IsActive"] is True
    process = sf.query(f"SELECT Name, TableEnumOrId FROM BusinessProcess WHERE Id = '{rts[0]['BusinessProcessId']}'")
    assert [(r["Name"], r["TableEnumOrId"]) for r in process["records"]] == [("Field_Support", "Case")]
    assert sf.query("SELECT Label FROM PermissionSet WHERE Name = 'Work_Orders'")["records"][0]["Label"] == "Work Orders"


@pytest.mark.slow
def test_a_bulk_load_into_the_deployed_object_succeeds(meta_org, deployed):
    from cumulusci.tasks.bulkdata import LoadData

    sf = meta_org.simple_salesforce()
    rows = 2_100
    db = deployed / "work_orders.db"
    conn = sqlite3.connect(db)
    conn.execute('CREATE TABLE "Account" (id VARCHAR(255) PRIMARY KEY, "Name" VARCHAR(255), "ST_Client_Key__c" VARCHAR(255))')
    conn.execute('CREATE TABLE "Work_Order__c" (id VARCHAR(255) PRIMARY KEY, "Name" VARCHAR(255), '
                 '"ST_Work_Order_Id__c" VARCHAR(255), "Hours__c" VARCHAR(255), "Kind__c" VARCHAR(255), '
                 '"Done__c" VARCHAR(255), "Account__c" VARCHAR(255))')
    conn.executemany('INSERT INTO "Account" VALUES (?, ?, ?)', [(str(i), f"WO Client {i}", f"C-{i}") for i in range(1, 11)])
    conn.executemany('INSERT INTO "Work_Order__c" VALUES (?, ?, ?, ?, ?, ?, ?)',
                     [(str(i), f"WO-{i:05d}", f"W{i}", f"{i % 8}.5", "Install" if i % 2 else "Preventive",
                       "true" if i % 3 == 0 else "false", str(i % 10 + 1)) for i in range(1, rows + 1)])
    conn.commit()
    conn.close()
    (deployed / "wo_mapping.yml").write_text(
        "Accounts:\n    sf_object: Account\n    fields:\n        - Name\n        - ST_Client_Key__c\n"
        "Work Orders:\n    sf_object: Work_Order__c\n    fields:\n        - Name\n        - ST_Work_Order_Id__c\n"
        "        - Hours__c\n        - Kind__c\n        - Done__c\n    lookups:\n        Account__c:\n"
        "            table: Account\n"
    )
    run_task(LoadData, deployed, meta_org, {"database_url": f"sqlite:///{db}", "mapping": str(deployed / "wo_mapping.yml"),
                                            "set_recently_viewed": False})
    assert sf.query("SELECT COUNT() FROM Work_Order__c")["totalSize"] == rows
    sample = sf.query("SELECT Hours__c, Kind__c, Done__c, Account__r.ST_Client_Key__c FROM Work_Order__c "
                      "WHERE ST_Work_Order_Id__c = 'W9'")["records"][0]
    assert (sample["Hours__c"], sample["Kind__c"], sample["Done__c"], sample["Account__r"]["ST_Client_Key__c"]) == (
        1.5, "Install", True, "C-10")


def test_rest_deploy_adds_a_detail_object(meta_org, deployed, tmp_path):
    from cumulusci.tasks.salesforce import Deploy

    project = make_project(tmp_path / "rest")
    root = project / "force-app" / "main" / "default"
    custom_object(root, "Visit__c", {"deploymentStatus": "Deployed", "label": "Visit",
                                     "nameField": {"displayFormat": "V-{0000}", "label": "Visit Number", "type": "AutoNumber"},
                                     "pluralLabel": "Visits", "sharingModel": "ControlledByParent"})
    field(root, "Visit__c", "Work_Order__c", {"label": "Work Order", "referenceTo": "Work_Order__c",
                                              "relationshipName": "Visits", "relationshipOrder": 0, "type": "MasterDetail"})
    field(root, "Visit__c", "Arrived__c", {"label": "Arrived", "type": "Date"})
    run_task(Deploy, project, meta_org, {"path": "force-app", "rest_deploy": True})
    fields = _fields(meta_org.simple_salesforce(), "Visit__c")
    assert "OwnerId" not in fields  # a detail object has no owner
    assert (fields["Work_Order__c"]["type"], fields["Work_Order__c"]["nillable"], fields["Work_Order__c"]["cascadeDelete"]) == (
        "reference", False, True)
    assert fields["Name"]["autoNumber"] is True and fields["Arrived__c"]["type"] == "date"


def test_an_invalid_component_fails_with_file_line_and_problem_and_changes_nothing(meta_org, tmp_path):
    from cumulusci.salesforce_api.exceptions import MetadataComponentFailure, MetadataParseError
    from cumulusci.tasks.salesforce import Deploy

    project = make_project(tmp_path / "broken")
    root = project / "force-app" / "main" / "default"
    custom_object(root, "Good_Thing__c", {"deploymentStatus": "Deployed", "label": "Good Thing",
                                          "nameField": {"label": "Name", "type": "Text"}, "pluralLabel": "Good Things",
                                          "sharingModel": "ReadWrite"})
    field(root, "Good_Thing__c", "Size__c", {"label": "Size", "length": 500, "type": "Text"})
    with pytest.raises((MetadataComponentFailure, MetadataParseError)) as failure:  # CumulusCI wraps the first
        run_task(Deploy, project, meta_org, {"path": "force-app"})
    message = str(failure.value)
    # the field is the 2nd <fields> child of the converted objects/Good_Thing__c.object: its line is reported
    assert ("CustomField Good_Thing__c.Size__c: Error on line 11, col 1: custom field Size__c (Text): length must be "
            "an integer from 1 to 255, got 500") in message
    with pytest.raises(SalesforceResourceNotFound):
        meta_org.simple_salesforce().Good_Thing__c.describe()  # all-or-none: the valid object is not there either


def test_check_only_validates_and_changes_nothing(meta_org, tmp_path):
    from cumulusci.tasks.salesforce import Deploy

    project = make_project(tmp_path / "check")
    root = project / "force-app" / "main" / "default"
    custom_object(root, "Checked__c", {"deploymentStatus": "Deployed", "label": "Checked",
                                       "nameField": {"label": "Name", "type": "Text"}, "pluralLabel": "Checked",
                                       "sharingModel": "ReadWrite"})
    run_task(Deploy, project, meta_org, {"path": "force-app", "check_only": True})
    with pytest.raises(SalesforceResourceNotFound):
        meta_org.simple_salesforce().Checked__c.describe()


def test_case_record_types_need_a_support_process(meta_org):
    zip_bytes = mdapi_zip(
        {"objects/Case.object": component_xml("CustomObject", {"recordTypes": {
            "fullName": "No_Process", "active": True, "label": "No Process"}})},
        {"RecordType": ["Case.No_Process"]},
    )
    status = deploy_zip(meta_org.simple_salesforce(), zip_bytes)
    assert status["state"] == "Failed"
    assert status["deployment_detail"]["errors"] == [{
        "type": "RecordType", "file": "objects/Case.object", "status": "Error",
        "message": "Case record types need a support process: add <businessProcess> naming one of the Case business processes",
    }]


def test_permission_sets_cannot_grant_required_fields_or_missing_ones(meta_org):
    body = {"fieldPermissions": [{"editable": True, "field": "Contact.LastName", "readable": True},
                                 {"editable": False, "field": "Contact.Nope__c", "readable": True}],
            "label": "Bad"}
    status = deploy_zip(meta_org.simple_salesforce(), mdapi_zip(
        {"permissionsets/Bad.permissionset": component_xml("PermissionSet", body)}, {"PermissionSet": ["Bad"]}))
    assert status["state"] == "Failed"
    assert [e["message"] for e in status["deployment_detail"]["errors"]] == [
        "You cannot deploy to a required field: Contact.LastName"
    ]


def test_schema_violations_name_the_element(meta_org):
    zip_bytes = mdapi_zip(
        {"objects/Odd__c.object": component_xml("CustomObject", {
            "label": "Odd", "pluralLabel": "Odds", "nameField": {"label": "N", "type": "Text"},
            "sharingModel": "Everyone"})},
        {"CustomObject": ["Odd__c"]},
    )
    status = deploy_zip(meta_org.simple_salesforce(), zip_bytes)
    (error,) = status["deployment_detail"]["errors"]
    assert error["file"] == "objects/Odd__c.object"
    assert error["message"].startswith("Error parsing file: Element '{http://soap.sforce.com/2006/04/metadata}sharingModel'")
    assert "'Everyone' is not an element of the set" in error["message"]


def test_flows_are_versioned_and_their_active_version_is_tracked(meta_org):
    sf = meta_org.simple_salesforce()

    def flow(label: str) -> bytes:
        return component_xml("Flow", {"apiVersion": "59.0", "label": label, "processType": "AutoLaunchedFlow",
                                      "status": "Active"})

    for label in ("Dispatch v1", "Dispatch v2"):
        status = deploy_zip(sf, mdapi_zip({"flows/Dispatch.flow": flow(label)}, {"Flow": ["Dispatch"]}))
        assert status["state"] == "Succeeded"
    definition = sf.mdapi.FlowDefinition.read("Dispatch")
    assert definition["activeVersionNumber"] == 2
    assert sf.mdapi.Flow.read("Dispatch")["label"] == "Dispatch v2"
    listed = {p["fullName"] for p in sf.mdapi.list_metadata(sf.mdapi.ListMetadataQuery(type="Flow"))}
    assert "Dispatch" in listed


def test_retrieve_returns_what_was_deployed(meta_org, deployed, tmp_path):
    from cumulusci.tasks.salesforce import RetrieveUnpackaged

    package_xml = tmp_path / "package.xml"
    package_xml.write_bytes(component_xml("Package", {"types": [{"members": "Work_Order__c", "name": "CustomObject"},
                                                                {"members": "Work_Orders", "name": "PermissionSet"}],
                                                      "version": "59.0"}))
    out = tmp_path / "retrieved"
    run_task(RetrieveUnpackaged, deployed, meta_org, {"package_xml": str(package_xml), "path": str(out)})
    obj = etree.parse(str(out / "objects" / "Work_Order__c.object")).getroot()
    ns = {"m": NS}
    hours = obj.xpath("m:fields[m:fullName='Hours__c']", namespaces=ns)[0]
    assert (hours.findtext("m:precision", namespaces=ns), hours.findtext("m:scale", namespaces=ns),
            hours.findtext("m:type", namespaces=ns)) == ("6", "2", "Number")
    assert obj.findtext("m:sharingModel", namespaces=ns) == "ReadWrite"
    assert sorted(obj.xpath("m:fields/m:fullName/text()", namespaces=ns)) == [
        "Account__c", "Cost__c", "Done__c", "Hours__c", "Kind__c", "Notes__c", "ST_Work_Order_Id__c", "Scheduled__c"]
    perm = etree.parse(str(out / "permissionsets" / "Work_Orders.permissionset")).getroot()
    assert perm.findtext("m:label", namespaces=ns) == "Work Orders"


def test_describe_shows_a_user_only_the_custom_fields_their_permission_sets_allow(meta_org, deployed):
    from simple_salesforce import Salesforce

    from tests.support.salesforce_admin import EmulatorAdmin

    admin_sf = meta_org.simple_salesforce()
    user = admin_sf.query("SELECT Id, Username FROM User WHERE FederationIdentifier = 'T-100'")["records"][0]
    token = EmulatorAdmin(meta_org).session_for(user["Username"])
    tech = Salesforce(instance_url=meta_org.instance_url, session_id=token, version="59.0")

    def custom_fields() -> list[str]:
        return sorted(f["name"] for f in tech.Work_Order__c.describe()["fields"] if f["custom"])

    assert custom_fields() == []  # no permission set yet: standard fields only
    assert "Name" in {f["name"] for f in tech.Work_Order__c.describe()["fields"]}
    permission_set = admin_sf.query("SELECT Id FROM PermissionSet WHERE Name = 'Work_Orders'")["records"][0]["Id"]
    admin_sf.PermissionSetAssignment.create({"AssigneeId": user["Id"], "PermissionSetId": permission_set})
    assert custom_fields() == ["Hours__c"]
    assert len([f for f in admin_sf.Work_Order__c.describe()["fields"] if f["custom"]]) == 8  # the admin sees all


def test_new_custom_objects_get_org_specific_key_prefixes(meta_org, org_factory, deployed, tmp_path):
    from cumulusci.tasks.salesforce import Deploy

    other = org_factory("metadata-other")
    project = make_project(tmp_path / "prefix")
    work_order_source(project)
    run_task(Deploy, project, other, {"path": "force-app"})
    first = meta_org.simple_salesforce().Work_Order__c.describe()["keyPrefix"]
    second = other.simple_salesforce().Work_Order__c.describe()["keyPrefix"]
    assert first != second and first[0] == second[0] == "a"
    record = other.simple_salesforce().Work_Order__c.create({"Name": "WO"})["id"]
    assert record.startswith(second)
