"""Rebuilding ServiceTracker workflows as Record-Triggered Flows, one per target object.

A workflow on ``work_orders`` may need two flows (Case and Work_Order__c), because the map routes work
orders to two objects; it needs none on an object whose route can never meet its conditions (a
break-fix rule on Work_Order__c, which only holds planned work) — that is noted, not reported as lost.

Per target object the translation is all or nothing: a flow that did half of what the workflow did
would be wrong in a way nobody sees. Every part that cannot be expressed is a reason in the report, and
the workflow is listed for a manual rebuild.

Every flow's entry formula starts with ``NOT({!$Permission.<bypass>})``: holders of the bypass custom
permission (the migration user) never trigger it, so loading records fires no e-mails and changes nothing.
"""

from __future__ import annotations

from typing import Iterable

from control.mapping.conditions import FieldTest
from control.mapping.document import MigrationMap
from control.mapping.expand import api_name_for
from control.mapping.rules import Route, RouteMode
from control.mapping.target_schema import TargetSchema
from control.mapping.values import source_key
from control.metadata.flows.actions import translate_action
from control.metadata.flows.formulas import condition_formula, merge
from control.metadata.flows.logic import LogicError, Op, parse_logic, render
from control.metadata.flows.plan import FlowPlan, ScheduledPath, TranslationOutcome, WorkflowReport
from control.metadata.flows.resolve import RouteFields
from control.metadata.flows.workflows import Workflow

__all__ = ["translate_workflows"]

_TRIGGERS = {"record_created": "Create", "record_updated": "Update", "field_changed": "Update",
             "time_relative": "CreateAndUpdate"}


def _never_applies(workflow: Workflow, route: Route) -> str | None:
    """Why the route's records can never meet the workflow's conditions (an AND-ed value test that
    excludes every value the route takes), else None."""
    when = route.when
    if not isinstance(when, FieldTest) or when.operator not in ("in", "equals"):
        return None
    taken = {source_key(v) for v in (when.operand if when.operator == "in" else (when.operand,))}
    try:
        tree = parse_logic(workflow.condition_logic, [c.index for c in workflow.conditions])
    except LogicError:
        return None
    required = [tree] if tree is not None and not isinstance(tree, Op) else (
        list(tree.args) if isinstance(tree, Op) and tree.name == "AND" else [])
    by_index = {c.index: c for c in workflow.conditions}
    for node in required:
        condition = by_index.get(getattr(node, "value", -1))
        if condition is None or condition.field != when.field or condition.operator not in ("equals", "in"):
            continue
        values = condition.value if isinstance(condition.value, list) else [condition.value]
        if not taken & {source_key(v) for v in values}:
            return (f"never applies: {route.target} only holds {when.field} {', '.join(sorted(taken))}, and the "
                    f"workflow needs {', '.join(map(str, values))}")
    return None


def _schedule(workflow: Workflow, fields: RouteFields) -> tuple[ScheduledPath | None, str | None]:
    trigger = workflow.trigger
    refs = [r for r in fields.refs(trigger.field or "") if r.field is not None and r.type in ("date", "datetime")]
    if not refs:
        return None, f"trigger: {trigger.field} is not a date/time field of {fields.route.target}"
    minutes = int(trigger.offset_minutes or 0)
    if minutes % 1440 == 0:
        number, unit = minutes // 1440, "Days"
    elif minutes % 60 == 0:
        number, unit = minutes // 60, "Hours"
    else:
        number, unit = minutes, "Minutes"
    return ScheduledPath(number, unit, refs[0].field), None  # type: ignore[arg-type]


def _entry_formula(workflow: Workflow, fields: RouteFields, bypass: str, updates: bool) -> tuple[str | None, list[str]]:
    reasons: list[str] = []
    formulas: dict[int, str] = {}
    for condition in workflow.conditions:
        result = condition_formula(condition, fields, updates=updates)
        if result.reason:
            reasons.append(result.reason)
        else:
            formulas[condition.index] = result.text  # type: ignore[assignment]
    parts = [f"NOT({{!$Permission.{bypass}}})"]
    if workflow.trigger.type == "field_changed":
        refs = [r for r in fields.refs(workflow.trigger.field or "") if r.field is not None]
        if not refs:
            reasons.append(f"trigger: {workflow.trigger.field} is not a field of {fields.route.target}")
        else:
            parts.append(f"ISCHANGED({merge(refs[0])})")
    try:
        tree = parse_logic(workflow.condition_logic, [c.index for c in workflow.conditions])
    except LogicError as exc:
        reasons.append(f"condition_logic {workflow.condition_logic!r}: {exc}")
        tree = None
    if reasons:
        return None, reasons
    if tree is not None:
        parts.append(render(tree, formulas))
    return (parts[0] if len(parts) == 1 else f"AND({', '.join(parts)})"), []


def _api_name(workflow: Workflow, sobject: str, used: set[str]) -> str:
    obj = api_name_for(sobject.removesuffix("__c"), limit=20)
    base = "ST_" + api_name_for(workflow.name, limit=50) + "_" + obj
    name, n = base[:78].rstrip("_"), 2
    while name.lower() in used:
        name = f"{base[:74].rstrip('_')}_{n}"
        n += 1
    used.add(name.lower())
    return name


def _translate_route(workflow: Workflow, route: Route, map_: MigrationMap, schema: TargetSchema | None,
                     used: set[str]) -> TranslationOutcome:
    note = _never_applies(workflow, route)
    if note:
        return TranslationOutcome(route.target, None, (), note)
    fields = RouteFields(map_, route, schema)
    record_trigger = _TRIGGERS[workflow.trigger.type]
    reasons: list[str] = []
    scheduled = None
    if workflow.trigger.type == "time_relative":
        scheduled, problem = _schedule(workflow, fields)
        if problem:
            reasons.append(problem)
    formula, problems = _entry_formula(workflow, fields, map_.settings.bypass_permission,
                                       updates=record_trigger != "Create")
    reasons += problems
    elements, formulas, templates = [], [], []
    for action in workflow.actions:
        result = translate_action(action, fields)
        reasons += result.reasons
        elements += result.elements
        formulas += result.formulas
        templates += result.templates
    if not workflow.actions:
        reasons.append("the workflow has no actions")
    if reasons:
        return TranslationOutcome(route.target, None, tuple(reasons))
    label = f"ST: {workflow.name} ({route.target})"
    description = (f"Rebuilt by st2sf from ServiceTracker workflow {workflow.id} \"{workflow.name}\""
                   f"{f' ({workflow.category})' if workflow.category else ''} for {route.target} records. "
                   f"Holders of the {map_.settings.bypass_permission} custom permission (the migration user) "
                   "never trigger it.")
    plan = FlowPlan(_api_name(workflow, route.target, used), label[:255], description, route.target, record_trigger,
                    formula or "", workflow.active, tuple(elements), tuple(formulas), tuple(templates), scheduled,
                    workflow.id)
    return TranslationOutcome(route.target, plan, ())


def _report(workflow: Workflow, outcomes: list[TranslationOutcome], reasons: list[str]) -> WorkflowReport:
    made = [o for o in outcomes if o.plan is not None]
    failed = [o for o in outcomes if o.reasons]
    status = "not_translated" if reasons or not made else ("partial" if failed else "translated")
    return WorkflowReport(workflow.id, workflow.name, workflow.active, status, tuple(outcomes), tuple(reasons))


def translate_workflows(workflows: Iterable[Workflow], map_: MigrationMap,
                        schema: TargetSchema | None = None) -> tuple[list[FlowPlan], list[WorkflowReport]]:
    """Flow plans for every workflow that translates, and a report line for every workflow."""
    plans: list[FlowPlan] = []
    reports: list[WorkflowReport] = []
    used: set[str] = set()
    for workflow in sorted(workflows, key=lambda w: w.id):
        trigger = workflow.trigger
        reasons: list[str] = []
        outcomes: list[TranslationOutcome] = []
        if trigger.type == "schedule":
            reasons.append(f"schedule trigger ({trigger.schedule!r}, tenant time zone): rebuild as a "
                           "Schedule-Triggered Flow by hand — Salesforce schedules run once, daily or weekly, and "
                           "this rule's record set must be chosen there")
        elif trigger.type not in _TRIGGERS:
            reasons.append(f"trigger type {trigger.type!r} is not known")
        elif not trigger.resource:
            reasons.append("the trigger names no resource")
        else:
            routes = [r for rule in map_.rules_for(trigger.resource) for r in rule.routes
                      if r.mode is RouteMode.INSERT and not r.each]
            if not routes:
                reasons.append(f"the map does not load {trigger.resource} as records, so there is nothing to trigger on")
            for route in routes:
                outcomes.append(_translate_route(workflow, route, map_, schema, used))
        report = _report(workflow, outcomes, reasons)
        reports.append(report)
        plans += [o.plan for o in outcomes if o.plan is not None]
    return plans, reports
