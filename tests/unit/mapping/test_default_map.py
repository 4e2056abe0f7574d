"""The default map ships the brief's table and validates cleanly against the contract and the snapshot."""

from __future__ import annotations

from control.mapping.inventory_adapters import read_inventory
from control.mapping.issues import Severity
from control.mapping.loader import load_map
from control.mapping.rules import RecordTypeRule, RouteMode
from control.mapping.validate import check_map
from tests.unit.mapping.conftest import ROOT

MAPPING = ROOT / "mapping"


def _map():
    return check_map(load_map(MAPPING, root=ROOT), inventory=read_inventory(MAPPING / "source-inventory.json"))


def test_default_map_is_valid_against_its_inventory() -> None:
    report = _map()
    assert [i.one_line() for i in report.issues if i.severity is Severity.ERROR] == []
    assert report.warnings == ()


def test_the_briefs_table() -> None:
    routes = _map().map.routes()
    target = {name: route.target for name, (_, route) in routes.items()}
    assert target["client_account"] == "Account"
    assert target["contact"] == "Contact"
    assert (target["project_opportunity"], target["project_custom"]) == ("Opportunity", "Project__c")
    assert (target["work_order_case"], target["work_order_custom"]) == ("Case", "Work_Order__c")
    assert (target["work_order_task"], target["work_order_task_custom"]) == ("Task", "Work_Order_Task__c")
    assert (target["asset"], target["asset_work_history"]) == ("Asset", "Asset_Work_History__c")
    assert target["contract"] == "Contract"
    assert (target["invoice"], target["invoice_payment"]) == ("Invoice__c", "Invoice_Line__c")
    assert (target["technician_user"], target["technician_contact"]) == ("User", "Contact")
    assert routes["technician_user"][1].mode is RouteMode.MATCH
    assert (target["location_shipping_address"], target["site"]) == ("Account", "Site__c")
    assert routes["location_shipping_address"][1].mode is RouteMode.MERGE
    assert (target["part_used"], target["product"]) == ("Parts_Used__c", "Product__c")
    assert (target["case_comment"], target["attachment_file"], target["attachment_link"]) == (
        "CaseComment", "ContentVersion", "ContentDocumentLink")
    assert (target["activity_task"], target["activity_event"]) == ("Task", "Event")
    assert target["custom_table_inspection_forms"] == "Inspection_Forms__c"


def test_work_order_routing_and_record_types() -> None:
    routes = _map().map.routes()
    case = routes["work_order_case"][1]
    custom = routes["work_order_custom"][1]
    assert case.when.operand == ("break_fix", "support_request")
    assert custom.when.operand == ("preventive_maintenance", "scheduled_service", "installation")
    assert isinstance(case.record_type, RecordTypeRule)
    assert case.record_type.values == {"break_fix": "Break_Fix", "support_request": "Support_Request"}
    assert custom.record_type.values == {"preventive_maintenance": "Preventive_Maintenance",
                                         "scheduled_service": "Scheduled_Service", "installation": "Installation"}
    assert routes["project_opportunity"][1].when.equals is True


def test_every_inserting_route_keeps_the_servicetracker_id() -> None:
    report = _map()
    no_custom_fields = {"CaseComment", "ContentDocumentLink", "Note"}
    for name, (_, route) in report.map.routes().items():
        if route.mode is not RouteMode.INSERT or route.target in no_custom_fields:
            continue
        assert route.external_id == "ServiceTracker_Id__c", name
        assert route.field_rule("ServiceTracker_Id__c") is not None, name
        spec = report.map.targets[route.target].fields["ServiceTracker_Id__c"]
        assert spec.external_id and spec.unique, name


def test_client_id_is_kept_as_external_unique_id() -> None:
    report = _map()
    rule = report.map.routes()["client_account"][1].field_rule("ServiceTracker_Id__c")
    assert rule.source == "id" and rule.transform == ()
