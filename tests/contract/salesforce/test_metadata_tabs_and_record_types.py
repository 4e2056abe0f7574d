"""Custom tabs and record types through the Metadata API (simple-salesforce's SOAP deploy, list and read), and
the Contract fields the field reference lists.

* a custom object tab deploys with its object, is listed, read and retrieved, gives the org a
  ``TabDefinition`` row, and permission sets may name it; bad tabs fail with a problem that says why;
* the first record type an object gets (besides Master) puts ``RecordTypeId`` in its describe at once;
* ``Contract.Name`` is a plain 80-character text field.
"""

from __future__ import annotations

import pytest
from lxml import etree
from simple_salesforce.exceptions import SalesforceMalformedRequest

from tests.contract.salesforce.sfdx_source import NS, component_xml, deploy_zip, mdapi_zip
from tests.support.cumulusci_project import make_project, run_task

GADGET = {"deploymentStatus": "Deployed", "label": "Gadget", "nameField": {"label": "Gadget Name", "type": "Text"},
          "pluralLabel": "Gadgets", "sharingModel": "ReadWrite",
          "recordTypes": [{"fullName": "Handheld", "active": True, "label": "Handheld"}]}


def _tab(**spec: object) -> bytes:
    return component_xml("CustomTab", spec)


@pytest.fixture(scope="module")
def tab_org(deployed_org):
    return deployed_org("tabs", {
        "objects/Gadget__c.object": component_xml("CustomObject", GADGET),
        "tabs/Gadget__c.tab": _tab(customObject=True, motif="Custom67: Gears"),
        "tabs/Help_Desk.tab": _tab(label="Help Desk", motif="Custom24: Phone", url="https://help.example.com"),
        "permissionsets/Gadgets.permissionset": component_xml("PermissionSet", {
            "label": "Gadgets", "tabSettings": [{"tab": "Gadget__c", "visibility": "Visible"},
                                                {"tab": "standard-Account", "visibility": "Visible"}]})},
        {"CustomObject": ["Gadget__c"], "CustomTab": ["Gadget__c", "Help_Desk"], "PermissionSet": ["Gadgets"]})


def test_tabs_are_listed_read_and_made_tab_definitions(tab_org):
    sf = tab_org.simple_salesforce()
    listed = sorted((p["fullName"], p["fileName"]) for p in sf.mdapi.list_metadata(
        sf.mdapi.ListMetadataQuery(type="CustomTab")))
    assert listed == [("Gadget__c", "tabs/Gadget__c.tab"), ("Help_Desk", "tabs/Help_Desk.tab")]
    tab = sf.mdapi.CustomTab.read("Gadget__c")
    assert (tab["fullName"], tab["customObject"], tab["motif"]) == ("Gadget__c", True, "Custom67: Gears")
    rows = sf.query("SELECT Name, Label, IsCustom, SobjectName, Url FROM TabDefinition ORDER BY Name")["records"]
    assert [(r["Name"], r["Label"], r["IsCustom"], r["SobjectName"], r["Url"]) for r in rows] == [
        ("Gadget__c", "Gadgets", True, "Gadget__c", None),
        ("Help_Desk", "Help Desk", True, None, "https://help.example.com")]


def test_a_tab_is_retrieved_as_deployed(tab_org, retrieve):
    out = retrieve(tab_org, "CustomTab", "Gadget__c")
    root = etree.parse(str(out / "tabs" / "Gadget__c.tab")).getroot()
    assert (root.findtext(f"{{{NS}}}customObject"), root.findtext(f"{{{NS}}}motif")) == ("true", "Custom67: Gears")


def test_cumulusci_marks_records_of_objects_with_tabs_recently_viewed(tab_org, tmp_path):
    import sqlite3

    from cumulusci.tasks.bulkdata import LoadData

    project = make_project(tmp_path / "load")
    db = tmp_path / "gadgets.db"
    conn = sqlite3.connect(db)
    conn.execute('CREATE TABLE "Gadget__c" (id VARCHAR(255) PRIMARY KEY, "Name" VARCHAR(255))')
    conn.executemany('INSERT INTO "Gadget__c" VALUES (?, ?)', [(str(i), f"Gadget {i}") for i in range(1, 4)])
    conn.commit()
    conn.close()
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("Gadgets:\n    sf_object: Gadget__c\n    fields:\n        - Name\n")
    task = run_task(LoadData, project, tab_org, {"database_url": f"sqlite:///{db}", "mapping": str(mapping)})
    # set_recently_viewed (on by default) found Gadget__c's tab in TabDefinition and ran its FOR VIEW query
    assert [(info.sobject, info.error) for info in task.return_values["set_recently_viewed"]] == [("Gadget__c", None)]
    assert tab_org.simple_salesforce().query("SELECT COUNT() FROM Gadget__c")["totalSize"] == 3


@pytest.mark.parametrize(("name", "tab", "problem"), [
    ("Nothing__c", _tab(customObject=True, motif="Custom67: Gears"),
     "Cannot find the custom object Nothing__c of this tab: a custom object tab is named after its object's API name "
     "(tabs/Invoice__c.tab shows Invoice__c), and the object must exist or be in the same deploy"),
    ("Gadget__c", _tab(customObject=True),
     "A custom tab needs a motif (its tab style, for example 'Custom67: Gears')"),
    ("Gadget__c", _tab(customObject=True, motif="Gears"),
     "Invalid motif 'Gears': a tab style is 'CustomNN: Name' with NN from 1 to 100 (for example 'Custom67: Gears')"),
    ("Both", _tab(customObject=True, motif="Custom1: Heart", url="https://x.example.com"),
     "A custom tab must set exactly one of customObject, url, page, flexiPage, lwcComponent, auraComponent, scontrol "
     "(this one sets customObject, url)"),
    ("Visualforce", _tab(label="VF", motif="Custom1: Heart", page="GadgetPage"),
     "The org emulator deploys custom object tabs and web (url) tabs; this tab shows a Visualforce page, which the "
     "emulator does not have"),
    ("Unnamed", _tab(motif="Custom1: Heart", url="https://x.example.com"), "A web tab needs a label"),
])
def test_bad_tabs_fail_with_the_reason(tab_org, name, tab, problem):
    status = deploy_zip(tab_org.simple_salesforce(), mdapi_zip({f"tabs/{name}.tab": tab}, {"CustomTab": [name]}))
    assert status["state"] == "Failed"
    assert [(e["type"], e["file"], e["message"]) for e in status["deployment_detail"]["errors"]] == [
        ("CustomTab", f"tabs/{name}.tab", problem)]


def test_a_tab_named_in_package_xml_but_missing_from_the_zip_fails_under_its_own_name(tab_org):
    status = deploy_zip(tab_org.simple_salesforce(), mdapi_zip({}, {"CustomTab": ["Missing_Tab__c"]}))
    assert [(e["type"], e["message"]) for e in status["deployment_detail"]["errors"]] == [
        ("CustomTab", "An object 'Missing_Tab__c' of type CustomTab was named in package.xml, but was not found in "
                      "zipped directory")]


def test_a_permission_set_cannot_name_a_tab_the_org_does_not_have(tab_org):
    status = deploy_zip(tab_org.simple_salesforce(), mdapi_zip(
        {"permissionsets/Lost.permissionset": component_xml("PermissionSet", {
            "label": "Lost", "tabSettings": [{"tab": "Nope__c", "visibility": "Visible"}]})},
        {"PermissionSet": ["Lost"]}))
    assert [e["message"] for e in status["deployment_detail"]["errors"]] == ["In field: tab - no CustomTab named Nope__c found"]


def test_the_first_record_type_gives_describe_its_record_type_id_at_once(tab_org):
    sf = tab_org.simple_salesforce()
    fields = {f["name"]: f for f in sf.Gadget__c.describe()["fields"]}
    assert (fields["RecordTypeId"]["type"], fields["RecordTypeId"]["referenceTo"],
            fields["RecordTypeId"]["relationshipName"]) == ("reference", ["RecordType"], "RecordType")
    assert "RecordTypeId" not in {f["name"] for f in sf.Contract.describe()["fields"]}
    status = deploy_zip(sf, mdapi_zip(
        {"objects/Contract.object": component_xml("CustomObject", {"recordTypes": [
            {"fullName": "Service_Agreement", "active": True, "label": "Service Agreement"}]})},
        {"RecordType": ["Contract.Service_Agreement"]}))
    assert status["state"] == "Succeeded", status
    describe = sf.Contract.describe()  # the same deploy, no second one
    assert "RecordTypeId" in {f["name"] for f in describe["fields"]}
    infos = {i["developerName"]: i for i in describe["recordTypeInfos"]}
    assert sorted(infos) == ["Master", "Service_Agreement"]
    account = sf.Account.create({"Name": "Contract Holder"})["id"]
    contract = sf.Contract.create({"AccountId": account, "RecordTypeId": infos["Service_Agreement"]["recordTypeId"],
                                   "Name": "Boiler care 2024", "StartDate": "2024-01-01", "ContractTerm": 12})["id"]
    row = sf.query(f"SELECT Name, RecordType.DeveloperName FROM Contract WHERE Id = '{contract}'")["records"][0]
    assert (row["Name"], row["RecordType"]["DeveloperName"]) == ("Boiler care 2024", "Service_Agreement")


def test_contract_name_is_the_fields_reference_field(tab_org):
    sf = tab_org.simple_salesforce()
    fields = {f["name"]: f for f in sf.Contract.describe()["fields"]}
    name = fields["Name"]
    assert (name["type"], name["length"], name["label"], name["nillable"], name["createable"], name["updateable"],
            name["nameField"], name["custom"]) == ("string", 80, "Contract Name", True, True, True, False, False)
    assert fields["ContractNumber"]["nameField"] is True
    assert (fields["Pricebook2Id"]["referenceTo"], fields["Pricebook2Id"]["label"]) == (["Pricebook2"], "Price Book ID")
    account = sf.Account.create({"Name": "Long Names"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contract.create({"AccountId": account, "Name": "x" * 81})
    assert refused.value.content[0]["errorCode"] == "STRING_TOO_LONG"
