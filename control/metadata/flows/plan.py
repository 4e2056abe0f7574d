"""What a rebuilt workflow becomes: a :class:`FlowPlan` per target object, or the reasons it cannot.

The plan is Salesforce-shaped but not yet XML: the start (object, trigger, entry formula, optional
scheduled path), and the elements in the order the workflow's actions run. :mod:`.render` writes it.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

__all__ = ["ScheduledPath", "FlowElement", "FlowPlan", "TranslationOutcome", "WorkflowReport"]


class ScheduledPath(NamedTuple):
    offset_number: int  # negative = before the field's time
    offset_unit: str  # Minutes, Hours, Days
    record_field: str


class FlowElement(NamedTuple):
    kind: str  # Flow element list: actionCalls, recordUpdates, recordCreates
    name: str
    label: str
    data: Mapping[str, Any]  # element body without name/label/location/connector


class FlowPlan(NamedTuple):
    api_name: str
    label: str
    description: str
    object: str
    record_trigger: str  # Create, Update, CreateAndUpdate
    entry_formula: str
    active: bool
    elements: tuple[FlowElement, ...]
    formulas: tuple[Mapping[str, Any], ...]
    text_templates: tuple[Mapping[str, Any], ...]
    scheduled: ScheduledPath | None
    workflow_id: str


class TranslationOutcome(NamedTuple):
    """One workflow on one target object: a plan, or why not."""

    object: str
    plan: FlowPlan | None
    reasons: tuple[str, ...]
    note: str | None = None  # e.g. why the workflow never applies to this object


class WorkflowReport(NamedTuple):
    workflow_id: str
    name: str
    active: bool
    status: str  # translated, partial, not_translated
    outcomes: tuple[TranslationOutcome, ...]
    reasons: tuple[str, ...]  # workflow-level reasons (no target at all)

    def as_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "name": self.name,
            "active": self.active,
            "status": self.status,
            "flows": [o.plan.api_name for o in self.outcomes if o.plan is not None],
            "reasons": list(self.reasons) + [f"{o.object}: {r}" for o in self.outcomes for r in o.reasons],
            "notes": [f"{o.object}: {o.note}" for o in self.outcomes if o.note],
        }
