"""ServiceTracker workflows as the API returns them (``GET /workflows``, contract §14), read from a file.

The map folder keeps the tenant's workflows as ``workflows.jsonl`` (one workflow per line, exactly the
API's record shape), written by the audit; ``--workflows`` may name another file: JSON Lines, a JSON
list, or a ``{"data": [...]}`` page. A line that is not a workflow is an input error naming the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from control.errors import InputFileError

__all__ = ["Trigger", "WorkflowCondition", "WorkflowAction", "Workflow", "read_workflows", "parse_workflow"]


class Trigger(NamedTuple):
    type: str
    resource: str | None
    field: str | None
    schedule: str | None
    offset_minutes: int | None


class WorkflowCondition(NamedTuple):
    index: int
    field: str
    operator: str
    value: Any


class WorkflowAction(NamedTuple):
    index: int
    type: str
    params: Mapping[str, Any]


class Workflow(NamedTuple):
    id: str
    name: str
    description: str | None
    category: str | None
    active: bool
    trigger: Trigger
    condition_logic: str | None
    conditions: tuple[WorkflowCondition, ...]
    actions: tuple[WorkflowAction, ...]


def parse_workflow(data: Mapping[str, Any]) -> Workflow:
    """One workflow record → :class:`Workflow` (``KeyError``/``TypeError``/``ValueError`` when malformed)."""
    trigger = data["trigger"]
    return Workflow(
        id=str(data["id"]),
        name=str(data.get("name") or data["id"]),
        description=data.get("description"),
        category=data.get("category"),
        active=bool(data.get("active")),
        trigger=Trigger(str(trigger["type"]), trigger.get("resource"), trigger.get("field"), trigger.get("schedule"),
                        trigger.get("offset_minutes")),
        condition_logic=data.get("condition_logic"),
        conditions=tuple(sorted((WorkflowCondition(int(c["index"]), str(c["field"]), str(c["operator"]), c.get("value"))
                                 for c in data.get("conditions") or ()), key=lambda c: c.index)),
        actions=tuple(sorted((WorkflowAction(int(a["index"]), str(a["type"]), dict(a.get("params") or {}))
                              for a in data.get("actions") or ()), key=lambda a: a.index)),
    )


def _records(path: Path, text: str) -> list[tuple[int, Any]]:
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{") and "\n" not in stripped.strip():
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path} is not JSON: {exc.msg}.", path=str(path), line=exc.lineno) from None
        items = data.get("data", [data]) if isinstance(data, dict) else data
        return [(1, item) for item in items]
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{number} is not a JSON object: {exc.msg}.", path=str(path),
                                 line=number) from None
    return out


def read_workflows(path: Path) -> tuple[Workflow, ...]:
    """The workflows in ``path`` (JSON Lines, a JSON list, or an API page)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read: {exc.strerror}.", path=str(path)) from None
    workflows = []
    for line, record in _records(path, text):
        try:
            workflows.append(parse_workflow(record))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputFileError(f"{path}:{line} is not a ServiceTracker workflow ({exc!r} is wrong or missing).",
                                 path=str(path), line=line,
                                 hint="Each line must be a workflow record as GET /workflows returns it.") from None
    return tuple(workflows)
