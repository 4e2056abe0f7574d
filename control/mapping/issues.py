"""Problems found in a map, each with the YAML position it points at.

``MapIssue`` is one finding: severity, a stable code, a message saying what to change, and where
(file:line:column plus the dotted path inside the map). :class:`MapInvalidError` is the usage error
(exit 2) that carries *all* of them, so a reviewer fixes every problem in one pass.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple, Sequence

from control.errors import UsageError
from control.mapping.yaml_source import Position

__all__ = ["Severity", "IssueCode", "MapIssue", "MapInvalidError", "dotted"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class IssueCode(StrEnum):
    YAML_SYNTAX = "yaml_syntax"
    STRUCTURE = "structure"  # the YAML does not have the map's shape (unknown key, wrong type, …)
    DUPLICATE = "duplicate"  # a name defined twice (route, value map, target field, object rule)
    UNKNOWN_RESOURCE = "unknown_resource"
    UNKNOWN_SOURCE_FIELD = "unknown_source_field"
    UNKNOWN_OBJECT = "unknown_object"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_PICKLIST_VALUE = "unknown_picklist_value"
    UNKNOWN_SOURCE_VALUE = "unknown_source_value"
    UNMAPPED_SOURCE_VALUE = "unmapped_source_value"
    UNKNOWN_RECORD_TYPE = "unknown_record_type"
    UNKNOWN_ROUTE = "unknown_route"
    UNKNOWN_VALUE_MAP = "unknown_value_map"
    TYPE_MISMATCH = "type_mismatch"
    TOO_LONG = "too_long"
    NOT_WRITABLE = "not_writable"
    REQUIRED_NOT_MAPPED = "required_not_mapped"
    UNMAPPABLE = "unmappable"  # the rule cannot work as written (wrong reference target, missing part, …)
    UNCOVERED_RESOURCE = "uncovered_resource"
    UNMAPPED_CUSTOM_FIELD = "unmapped_custom_field"
    AUDIT_FIELDS = "audit_fields"


class MapIssue(NamedTuple):
    severity: Severity
    code: IssueCode
    message: str
    position: Position
    path: str

    @property
    def location(self) -> str:
        return str(self.position)

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "code": str(self.code),
            "message": self.message,
            "file": self.position.file,
            "line": self.position.line,
            "column": self.position.column,
            "path": self.path,
        }

    def one_line(self) -> str:
        return f"{self.position}: {self.severity}: {self.message} [{self.code}]"


def dotted(path: Sequence[Any]) -> str:
    """``("objects", 3, "routes", 0, "target")`` → ``objects[3].routes[0].target``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class MapInvalidError(UsageError):
    """The map has errors; every one is listed with its position."""

    code = "MAP_INVALID"

    def __init__(self, issues: Sequence[MapIssue]) -> None:
        errors = [i for i in issues if i.severity is Severity.ERROR]
        warnings = [i for i in issues if i.severity is Severity.WARNING]
        lines = "\n".join(i.one_line() for i in errors + warnings)
        tail = f" and {len(warnings)} warning(s)" if warnings else ""
        super().__init__(
            f"The map has {len(errors)} error(s){tail}:\n{lines}\n",
            hint="Fix each one at the position named, then run `st2sf map validate` again.",
            issues=[i.as_dict() for i in issues],
        )
        self.issues = tuple(issues)
