"""Workflow actions as Flow elements — the ones Sales Cloud can do natively, and why the others cannot.

=====================  =========================================================================
``set_field``          Update Records on the triggering record (every field the source field moved to)
``send_email``         the standard Send Email action (``emailSimple``); recipients from the contact
                       lookup, the owner, or literal addresses; ``{field}`` placeholders become merge
                       fields in text templates
``create_task``        Create Records: a Task on the record, due ``due_in_minutes`` from now
``push_notification``  not translated: needs a Custom Notification Type and its recipients
``send_sms``           not translated: Sales Cloud has no SMS action
``assign_technician``  not translated: round-robin / nearest / least-loaded need assignment logic;
                       a fixed technician's Salesforce user is only known in the target org
``create_work_order``  not translated: needs the record type Id and copied fields per target object
``call_webhook``       not translated: needs a Named Credential and an External Services action
=====================  =========================================================================
"""

from __future__ import annotations

import re
from typing import Any, Mapping, NamedTuple

from control.metadata.flows.formulas import NUMBER_TYPES
from control.metadata.flows.plan import FlowElement
from control.metadata.flows.resolve import RouteFields
from control.metadata.flows.workflows import WorkflowAction

__all__ = ["ActionResult", "translate_action"]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")

_NOT_NATIVE = {
    "push_notification": "push notifications need a Custom Notification Type and its recipients (users or a public "
                         "group standing for the role); create them, then add a Send Custom Notification action",
    "send_sms": "Sales Cloud has no SMS action; rebuild with Digital Engagement or an SMS app from AppExchange",
    "create_work_order": "creating a work order needs the target object's record type Id and the copied fields "
                         "resolved per object; rebuild it with a Get Records (RecordType) and Create Records",
    "call_webhook": "calling a webhook needs a Named Credential and an External Services (HTTP callout) action",
}


class ActionResult(NamedTuple):
    elements: tuple[FlowElement, ...] = ()
    formulas: tuple[Mapping[str, Any], ...] = ()
    templates: tuple[Mapping[str, Any], ...] = ()
    reasons: tuple[str, ...] = ()


def _value(value: Any, field_type: str) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"booleanValue": value}
    if field_type in NUMBER_TYPES and isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def _template(name: str, text: str, fields: RouteFields, what: str) -> tuple[dict[str, Any] | None, str | None]:
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        merge = fields.merge_field(match.group(1).strip())
        if merge is None:
            missing.append(match.group(1))
            return match.group(0)
        return merge

    rendered = _PLACEHOLDER.sub(replace, text)
    if missing:
        return None, (f"{what}: placeholder(s) {', '.join('{' + m + '}' for m in missing)} have no field on "
                      f"{fields.route.target}")
    return {"name": name, "isViewedAsPlainText": True, "text": rendered}, None


def _recipients(to: Any, fields: RouteFields, index: int) -> tuple[list[str], list[str]]:
    addresses: list[str] = []
    reasons: list[str] = []
    for recipient in to if isinstance(to, list) else [to]:
        text = str(recipient)
        if text == "client_contact":
            rel = fields.relationship_to("contact_id")
            if rel is None:
                reasons.append(f"action {index}: {fields.route.target} has no contact lookup to e-mail")
            else:
                addresses.append("{!$Record." + rel + ".Email}")
        elif text in ("assigned_technician", "technician"):
            owner = fields.route.owner
            if owner is None or owner.source != "technician_id":
                reasons.append(f"action {index}: {fields.route.target} has no assigned technician (owner)")
            else:
                addresses.append("{!$Record.Owner:User.Email}")
        elif text.startswith("role:"):
            reasons.append(f"action {index}: recipients by role ({text}) need a public group or a list of users")
        elif "@" in text:
            addresses.append(text)
        else:
            reasons.append(f"action {index}: unknown recipient {text!r}")
    return addresses, reasons


def _send_email(action: WorkflowAction, fields: RouteFields) -> ActionResult:
    n = action.index
    params = action.params
    addresses, reasons = _recipients(params.get("to", []), fields, n)
    subject, problem_s = _template(f"Email_{n}_Subject", str(params.get("subject", "")), fields, f"action {n} subject")
    body, problem_b = _template(f"Email_{n}_Body", str(params.get("body", "")), fields, f"action {n} body")
    reasons += [p for p in (problem_s, problem_b) if p]
    if not addresses and not reasons:
        reasons.append(f"action {n}: the e-mail has no recipient")
    if reasons:
        return ActionResult(reasons=tuple(reasons))
    recipients = {"name": f"Email_{n}_Recipients", "isViewedAsPlainText": True, "text": ", ".join(addresses)}
    element = FlowElement("actionCalls", f"Send_Email_{n}", f"Send e-mail ({n})", {
        "actionName": "emailSimple",
        "actionType": "emailSimple",
        "inputParameters": [
            {"name": "emailAddresses", "value": {"elementReference": recipients["name"]}},
            {"name": "emailSubject", "value": {"elementReference": subject["name"]}},  # type: ignore[index]
            {"name": "emailBody", "value": {"elementReference": body["name"]}},  # type: ignore[index]
        ],
    })
    return ActionResult((element,), (), (recipients, subject, body))  # type: ignore[arg-type]


def _set_field(action: WorkflowAction, fields: RouteFields) -> ActionResult:
    n = action.index
    source, value = action.params.get("field"), action.params.get("value")
    refs = [r for r in fields.refs(str(source)) if r.field is not None]
    if not refs:
        return ActionResult(reasons=(f"action {n}: {source} is not a field of {fields.route.target}",))
    assignments = []
    for ref in refs:
        target = ref.translate(value)
        if target is RouteFields.CANNOT:
            return ActionResult(reasons=(f"action {n}: {value!r} has no value on {fields.route.target}.{ref.field}",))
        assignments.append({"field": ref.field, "value": _value(target, ref.type) if target is not None else None})
    element = FlowElement("recordUpdates", f"Update_Record_{n}", f"Set {source} ({n})",
                          {"inputAssignments": assignments, "inputReference": "$Record"})
    return ActionResult((element,))


def _create_task(action: WorkflowAction, fields: RouteFields) -> ActionResult:
    n = action.index
    params = action.params
    subject, problem = _template(f"Task_{n}_Subject", str(params.get("subject", "Follow up")), fields,
                                 f"action {n} subject")
    if problem:
        return ActionResult(reasons=(problem,))
    assignments: list[dict[str, Any]] = [
        {"field": "Subject", "value": {"elementReference": subject["name"]}},  # type: ignore[index]
        {"field": "WhatId", "value": {"elementReference": "$Record.Id"}},
    ]
    formulas: list[dict[str, Any]] = []
    due = params.get("due_in_minutes")
    if due is not None:
        formula = f"Task_{n}_Due_Date"
        formulas.append({"name": formula, "dataType": "Date",
                         "expression": f"DATEVALUE({{!$Flow.CurrentDateTime}} + {int(due)}/1440)"})
        assignments.append({"field": "ActivityDate", "value": {"elementReference": formula}})
    assign_to = params.get("assign_to")
    if assign_to in ("assigned_technician", "technician"):
        if fields.route.owner is None:
            return ActionResult(reasons=(f"action {n}: {fields.route.target} has no assigned technician (owner)",))
        assignments.append({"field": "OwnerId", "value": {"elementReference": "$Record.OwnerId"}})
    elif assign_to:
        return ActionResult(reasons=(f"action {n}: assigning the task to {assign_to!r} needs a user or queue chosen "
                                     "in the org",))
    element = FlowElement("recordCreates", f"Create_Task_{n}", f"Create task ({n})",
                          {"inputAssignments": assignments, "object": "Task"})
    return ActionResult((element,), tuple(formulas), (subject,))  # type: ignore[arg-type]


def translate_action(action: WorkflowAction, fields: RouteFields) -> ActionResult:
    if action.type == "set_field":
        return _set_field(action, fields)
    if action.type == "send_email":
        return _send_email(action, fields)
    if action.type == "create_task":
        return _create_task(action, fields)
    if action.type == "assign_technician":
        strategy = action.params.get("strategy")
        why = ("a fixed technician's Salesforce user is only known in the target org; set OwnerId in the flow"
               if strategy == "fixed" else
               f"'{strategy}' assignment needs routing logic (Omni-Channel, assignment rules or Apex)")
        return ActionResult(reasons=(f"action {action.index}: assign_technician: {why}",))
    if action.type in _NOT_NATIVE:
        return ActionResult(reasons=(f"action {action.index}: {action.type}: {_NOT_NATIVE[action.type]}",))
    return ActionResult(reasons=(f"action {action.index}: unknown action type {action.type!r}",))
