"""Workflow conditions as Salesforce formula text (flow entry criteria).

A condition tests one field of the triggering record. On the Salesforce side the field's type decides
the formula: picklists need ``ISPICKVAL``/``TEXT``, numbers compare bare, booleans against ``TRUE``.
String literals are escaped for the formula language (backslash and double quote). Anything that
cannot be said faithfully — a date compared with a literal, ``changed`` on a create-only trigger, a
value with no one-to-one Salesforce counterpart — comes back as a reason instead of a formula.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from control.metadata.flows.resolve import RouteFields, TargetRef
from control.metadata.flows.workflows import WorkflowCondition

__all__ = ["Formula", "literal", "condition_formula", "merge", "NUMBER_TYPES", "TEXT_TYPES"]

NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})
TEXT_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "combobox", "id"})
_VALUE_OPERATORS = {"equals", "not_equals", "in", "not_in", "changed_to", "greater_than", "less_than", "contains"}


class Formula(NamedTuple):
    text: str | None
    reason: str | None


def literal(value: Any) -> str:
    """A formula literal for a Salesforce value."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value) if not float(value).is_integer() else str(int(value))
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def merge(ref: TargetRef) -> str:
    return "{!$Record." + ref.path + "}"


def _equals(ref: TargetRef, value: Any) -> str | None:
    target = ref.translate(value)
    if target is RouteFields.CANNOT or target is None:
        return None
    field = merge(ref)
    if ref.type in ("picklist", "multipicklist"):
        return f"ISPICKVAL({field}, {literal(target)})" if ref.type == "picklist" else \
            f"INCLUDES({field}, {literal(target)})"
    if ref.type in TEXT_TYPES or ref.type in NUMBER_TYPES or ref.type == "boolean":
        return f"{field} = {literal(target)}"
    return None


def _blank(ref: TargetRef) -> str:
    field = merge(ref)
    return f"ISBLANK(TEXT({field}))" if ref.type in ("picklist",) else f"ISBLANK({field})"


def _values(condition: WorkflowCondition) -> tuple[Any, ...]:
    if condition.operator in ("in", "not_in"):
        value = condition.value
        return tuple(value) if isinstance(value, (list, tuple)) else (value,)
    if condition.operator in _VALUE_OPERATORS:
        return (condition.value,)
    return ()


def condition_formula(condition: WorkflowCondition, fields: RouteFields, *, updates: bool) -> Formula:
    """The formula for one condition on this route's record, or why it has none."""
    op = condition.operator
    values = _values(condition)
    obj = fields.route.target
    if op in ("equals", "not_equals", "in", "not_in", "changed_to"):
        ref = fields.for_condition(condition.field, values)
    else:
        refs = fields.refs(condition.field)
        ref = refs[0] if refs else None
    if ref is None:
        if not fields.refs(condition.field):
            return Formula(None, f"condition {condition.index}: {condition.field} is not moved to {obj}")
        shown = ", ".join(repr(v) for v in values)
        return Formula(None, f"condition {condition.index}: {condition.field} value(s) {shown} have no one-to-one "
                             f"counterpart on {obj} (several ServiceTracker values share one Salesforce value)")
    field = merge(ref)
    if op in ("equals", "not_equals", "in", "not_in"):
        parts = [_equals(ref, v) for v in values]
        if any(p is None for p in parts):
            return Formula(None, f"condition {condition.index}: {obj}.{ref.path} is a {ref.type} field; "
                                 f"comparing it with {values!r} has no faithful formula")
        text = parts[0] if len(parts) == 1 else f"OR({', '.join(parts)})"  # type: ignore[arg-type]
        return Formula(f"NOT({text})" if op in ("not_equals", "not_in") else text, None)
    if op in ("is_blank", "is_not_blank"):
        text = _blank(ref)
        return Formula(text if op == "is_blank" else f"NOT({text})", None)
    if op in ("changed", "changed_to"):
        if not updates:
            return Formula(None, f"condition {condition.index}: '{op}' needs a trigger on updates")
        if ref.field is None:
            return Formula(None, f"condition {condition.index}: ISCHANGED cannot follow a relationship ({ref.path})")
        if op == "changed":
            return Formula(f"ISCHANGED({field})", None)
        equals = _equals(ref, condition.value)
        if equals is None:
            return Formula(None, f"condition {condition.index}: {obj}.{ref.path} cannot be compared with "
                                 f"{condition.value!r}")
        return Formula(f"AND(ISCHANGED({field}), {equals})", None)
    if op in ("greater_than", "less_than"):
        if ref.type not in NUMBER_TYPES:
            return Formula(None, f"condition {condition.index}: {op} on a {ref.type} field has no faithful formula")
        target = ref.translate(condition.value)
        if target is RouteFields.CANNOT or not isinstance(target, (int, float)):
            return Formula(None, f"condition {condition.index}: {condition.value!r} is not a number")
        return Formula(f"{field} {'>' if op == 'greater_than' else '<'} {literal(target)}", None)
    if op == "contains":
        target = ref.translate(condition.value)
        if target is RouteFields.CANNOT or ref.type not in TEXT_TYPES | {"picklist"}:
            return Formula(None, f"condition {condition.index}: contains on a {ref.type} field has no faithful formula")
        text_field = f"TEXT({field})" if ref.type == "picklist" else field
        return Formula(f"CONTAINS({text_field}, {literal(target)})", None)
    return Formula(None, f"condition {condition.index}: operator '{op}' is not known")
