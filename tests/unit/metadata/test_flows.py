"""Workflows rebuilt as Record-Triggered Flows: conditions, triggers, actions, and honest reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from control.errors import InputFileError
from control.mapping.loader import load_map
from control.mapping.validate import check_map
from control.metadata.flows.formulas import literal
from control.metadata.flows.logic import Index, LogicError, Op, parse_logic, render
from control.metadata.flows.render import flow_element
from control.metadata.flows.translate import translate_workflows
from control.metadata.flows.workflows import parse_workflow, read_workflows
from control.metadata.xml_writer import XmlWriter
from control.metadata.xsd import MD_NS
from tests.unit.metadata.conftest import GOLDEN_MAP, ROOT


@pytest.fixture(scope="module")
def golden_map():
    return check_map(load_map(GOLDEN_MAP)).map


def _wf(**overrides):
    base = {"id": "wf_t", "name": "Test rule", "category": "dispatch", "active": True,
            "trigger": {"type": "record_created", "resource": "work_orders", "field": None, "schedule": None,
                        "offset_minutes": None},
            "condition_logic": "all", "conditions": [], "actions": [
                {"index": 1, "type": "create_task", "params": {"subject": "Check"}}]}
    base.update(overrides)
    return parse_workflow(base)


def test_condition_logic() -> None:
    assert parse_logic("1 AND (2 OR NOT 3)", [1, 2, 3]) == Op("AND", (Index(1), Op("OR", (Index(2),
                                                                                          Op("NOT", (Index(3),))))))
    assert parse_logic("any", [1, 2]) == Op("OR", (Index(1), Index(2)))
    assert parse_logic("all", [4]) == Index(4)
    assert parse_logic(None, []) is None
    assert render(parse_logic("1 or 2 and 3", [1, 2, 3]), {1: "A", 2: "B", 3: "C"}) == "OR(A, AND(B, C))"
    for bad, message in (("1 AND", "ends too early"), ("(1 OR 2", "not closed"), ("1 2", "after a complete"),
                         ("1 AND 9", r"condition\(s\) 9"), ("1 XOR 2", "unexpected")):
        with pytest.raises(LogicError, match=message):
            parse_logic(bad, [1, 2])


def test_formula_literals_are_escaped() -> None:
    assert literal('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
    assert literal(True) == "TRUE" and literal(2.0) == "2" and literal(2.5) == "2.5"


def test_translation_of_the_golden_workflows(golden_map) -> None:
    plans, reports = translate_workflows(read_workflows(GOLDEN_MAP / "workflows.jsonl"), golden_map)
    status = {r.workflow_id: r.status for r in reports}
    assert status == {"wf_0001": "partial", "wf_0002": "partial", "wf_0003": "translated",
                      "wf_0004": "not_translated", "wf_0005": "not_translated"}
    by_name = {p.api_name: p for p in plans}
    dispatch = by_name["ST_Dispatch_Mark_Urgent_Case"]
    # 'dispatched' and 'in_progress' both become Case "Working": the one-to-one field is used instead
    assert dispatch.entry_formula == ('AND(NOT({!$Permission.Golden_Bypass}), AND(ISPICKVAL('
                                      '{!$Record.Work_Order_Status__c}, "Dispatched"), NOT(ISPICKVAL('
                                      '{!$Record.Priority}, "Low"))))')
    update = dispatch.elements[0]
    assert update.kind == "recordUpdates"
    assert update.data["inputAssignments"] == [
        {"field": "Status", "value": {"stringValue": "Working"}},
        {"field": "Work_Order_Status__c", "value": {"stringValue": "In Progress"}}]
    reminder = by_name["ST_Remind_The_Contact_Case"]
    assert reminder.active is False and reminder.record_trigger == "CreateAndUpdate"
    assert (reminder.scheduled.offset_number, reminder.scheduled.offset_unit, reminder.scheduled.record_field) == (
        -90, "Minutes", "Scheduled_Start__c")
    assert [t["text"] for t in reminder.text_templates] == [
        "{!$Record.Contact.Email}, office@example.com", 'Visit "{!$Record.Subject}"',
        "See you at {!$Record.Scheduled_Start__c}."]
    on_hold = by_name["ST_Status_Changed_To_On_Hold_Work_Order"]
    assert on_hold.record_trigger == "Update"
    assert "AND(ISCHANGED({!$Record.Status__c}), ISPICKVAL({!$Record.Status__c}, \"On Hold\"))" in \
        on_hold.entry_formula
    lines = {r.workflow_id: r.as_dict()["reasons"] for r in reports}
    assert lines["wf_0001"] == ["Work_Order__c: condition 2: priority is not moved to Work_Order__c",
                                "Work_Order__c: action 2 subject: placeholder(s) {summary} have no field on "
                                "Work_Order__c"]
    assert lines["wf_0005"][0].startswith("schedule trigger ('0 2 * * *', tenant time zone)")


def test_never_applies_is_a_note_not_a_loss(golden_map) -> None:
    workflow = _wf(conditions=[{"index": 1, "field": "type", "operator": "equals", "value": "installation"}])
    plans, [report] = translate_workflows([workflow], golden_map)
    # wo_case takes only break_fix/support_request: the rule can never apply there, which is a note;
    # Work_Order__c keeps no type field (its record type is fixed), so the condition cannot be tested there
    assert plans == []
    assert report.as_dict()["notes"] == ["Case: never applies: Case only holds type break_fix, support_request, "
                                         "and the workflow needs installation"]
    assert report.as_dict()["reasons"] == ["Work_Order__c: condition 1: type is not moved to Work_Order__c"]


@pytest.mark.parametrize("condition, reason", [
    ({"index": 1, "field": "status", "operator": "changed", "value": None},
     "condition 1: 'changed' needs a trigger on updates"),
    ({"index": 1, "field": "scheduled_start", "operator": "greater_than", "value": "2024-01-01"},
     "condition 1: greater_than on a datetime field has no faithful formula"),
    ({"index": 1, "field": "nope", "operator": "is_blank", "value": None}, "condition 1: nope is not moved to Case"),
])
def test_untranslatable_conditions_say_why(golden_map, condition, reason) -> None:
    workflow = _wf(conditions=[condition, {"index": 2, "field": "type", "operator": "equals", "value": "break_fix"}])
    _, [report] = translate_workflows([workflow], golden_map)
    assert f"Case: {reason}" in report.as_dict()["reasons"]


@pytest.mark.parametrize("action, reason", [
    ({"type": "send_sms", "params": {"to": ["client_contact"], "message": "x"}}, "send_sms: Sales Cloud has no SMS"),
    ({"type": "assign_technician", "params": {"strategy": "round_robin"}}, "'round_robin' assignment needs routing"),
    ({"type": "call_webhook", "params": {"url": "https://x", "method": "POST"}}, "needs a Named Credential"),
    ({"type": "send_email", "params": {"to": ["role:manager"], "subject": "s", "body": "b"}},
     "recipients by role (role:manager) need a public group"),
    ({"type": "set_field", "params": {"field": "status", "value": "exploded"}},
     "'exploded' has no value on Work_Order__c.Status__c"),
    ({"type": "teleport", "params": {}}, "unknown action type 'teleport'"),
])
def test_untranslatable_actions_say_why(golden_map, action, reason) -> None:
    _, [report] = translate_workflows([_wf(actions=[{"index": 1, **action}])], golden_map)
    assert report.status == "not_translated"
    assert any(reason in line for line in report.as_dict()["reasons"]), report.as_dict()["reasons"]


def test_every_flow_is_schema_valid_and_honours_the_bypass(golden_map, md_schema) -> None:
    plans, _ = translate_workflows(read_workflows(GOLDEN_MAP / "workflows.jsonl"), golden_map)
    writer = XmlWriter(md_schema)
    for plan in plans:
        element = flow_element(plan, "63.0", writer)
        assert md_schema.validate(element) == ()
        formula = element.find(f"{{{MD_NS}}}start/{{{MD_NS}}}filterFormula").text
        assert formula.startswith("AND(NOT({!$Permission.Golden_Bypass})")
        status = element.find(f"{{{MD_NS}}}status").text
        assert status == ("Active" if plan.active else "Draft")


def test_default_project_flows_all_honour_the_bypass() -> None:
    flows = sorted((ROOT / "force-app/main/default/flows").glob("*.flow-meta.xml"))
    assert flows
    for path in flows:
        formula = etree.parse(str(path)).find(f"{{{MD_NS}}}start/{{{MD_NS}}}filterFormula").text
        assert formula.startswith("AND(NOT({!$Permission.ServiceTracker_Bypass_Automation})"), path.name
    report = json.loads((ROOT / "manifest" / "flow-translation.json").read_text())
    assert report["workflows"] == 8
    assert report["translated"] + report["partial"] + report["not_translated"] == 8
    for detail in report["details"]:
        if detail["status"] != "translated":
            assert detail["reasons"], detail["name"]  # nothing is dropped without a reason


def test_workflow_files(tmp_path: Path) -> None:
    line = (GOLDEN_MAP / "workflows.jsonl").read_text().splitlines()[0]
    (tmp_path / "list.json").write_text("[" + line + "]")
    (tmp_path / "page.json").write_text('{"data": [' + line + '], "next_cursor": null}')
    assert read_workflows(tmp_path / "list.json")[0].id == "wf_0001"
    assert read_workflows(tmp_path / "page.json")[0].name == "Dispatch: mark urgent"
    (tmp_path / "bad.jsonl").write_text(line + "\n" + '{"id": "x"}\n')
    with pytest.raises(InputFileError, match="bad.jsonl:2 is not a ServiceTracker workflow"):
        read_workflows(tmp_path / "bad.jsonl")
