"""Evaluating a route's ``when`` on one record (docs/mapping.md §4).

Values compare as the source stores them, by their text form (``True`` equals ``"true"``, ``3`` equals
``"3"``); blank means None, empty text, an empty list or object. ``siblings`` and ``lands_in`` read the
batch's snapshot (:class:`~control.transform.refs.BatchRefs`).
"""

from __future__ import annotations

from typing import Any, Mapping

from control.mapping.conditions import AllOf, AnyOf, FieldTest, LandsInTest, NotCondition, SiblingTest
from control.mapping.inventory import SourceInventory
from control.mapping.values import source_key
from control.transform.paths import is_blank, read_path
from control.transform.refs import BatchRefs, reference_resource

__all__ = ["holds"]


def _field_test(test: FieldTest, value: Any) -> bool:
    op = test.operator
    if op == "is_blank":
        return is_blank(value) == bool(test.is_blank)
    if op == "is_not_blank":
        return (not is_blank(value)) == bool(test.is_not_blank)
    if op == "longer_than":
        return value is not None and len(value if isinstance(value, str) else source_key(value)) > (test.longer_than or 0)
    text = None if value is None else source_key(value)
    if op == "equals":
        return text == source_key(test.equals)
    if op == "not_equals":
        return text != source_key(test.not_equals)
    options = {source_key(v) for v in (test.in_ if op == "in" else test.not_in) or ()}
    return (text in options) if op == "in" else (text not in options)


def holds(condition: Any, record: Mapping[str, Any], item: Any, resource: str, refs: BatchRefs,
          inventory: SourceInventory | None, route_targets: Mapping[str, str]) -> bool:
    """Whether ``condition`` holds for ``record`` (``route_targets``: route name → its sObject)."""
    if condition is None:
        return True
    if isinstance(condition, FieldTest):
        return _field_test(condition, read_path(record, condition.field, item))
    if isinstance(condition, AllOf):
        return all(holds(c, record, item, resource, refs, inventory, route_targets) for c in condition.all)
    if isinstance(condition, AnyOf):
        return any(holds(c, record, item, resource, refs, inventory, route_targets) for c in condition.any)
    if isinstance(condition, NotCondition):
        return not holds(condition.not_, record, item, resource, refs, inventory, route_targets)
    if isinstance(condition, SiblingTest):
        spec = condition.siblings
        value = read_path(record, spec.by, item)
        count = 1 if is_blank(value) else refs.siblings.get((resource, spec.by, source_key(value)), 1)
        if spec.equals is not None:
            return count == spec.equals
        if spec.at_least is not None:
            return count >= spec.at_least
        return count <= (spec.at_most or 0)
    if isinstance(condition, LandsInTest):
        ref = read_path(record, condition.lands_in.field, item)
        target = reference_resource(inventory, resource, condition.lands_in.field, record)
        if target is None or is_blank(ref):
            return False
        landed = refs.get(target, source_key(ref))
        if landed is None or landed.route is None:
            return False
        return route_targets.get(landed.route) in condition.lands_in.targets
    raise AssertionError(f"unknown condition {type(condition).__name__}")  # pragma: no cover
