"""Why a record cannot go into the dataset: record-level problems, and the quarantine entry they become.

A transform step or a target check that cannot accept a value raises :class:`Problem` — never a bare
exception and never a silent fix. The record transformer collects every problem of a record (so the
person fixing it sees all of them at once) and writes one :class:`QuarantineEntry` per record or
extra row::

    Problem(rule=ReasonCode.TOO_LONG, field="Name", value="…", message="…", hint="…")
        └─► QuarantineEntry(resource, source_id, route, object, field, value, rule, reason, hint, problems)

Every entry names the object, the source key, the field, the value, the rule that refused it and
what to change (``hint``): a reason a person can act on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["ReasonCode", "Problem", "QuarantineEntry", "shown", "RowKind"]

_SHOWN = 200  # characters of a value kept in a quarantine entry


class ReasonCode(StrEnum):
    """The rule that refused a record (``rule`` in quarantine.jsonl)."""

    REQUIRED = "required"                    # a required value is blank (map `required: true` or the org)
    TOO_LONG = "too_long"                    # longer than the target field
    BAD_PICKLIST = "bad_picklist"            # not a value of a restricted picklist
    UNMAPPED_VALUE = "unmapped_value"        # a value map has no entry and says `unmapped: quarantine`
    BAD_EMAIL = "bad_email"                  # not an e-mail address Salesforce accepts
    WRONG_TYPE = "wrong_type"                # cannot be read as the field's type (number, date, boolean…)
    OUT_OF_RANGE = "out_of_range"            # a number with more digits than the field holds
    LOST_DIGITS = "lost_digits"              # `rounding: reject` and the number has more decimals
    NAIVE_DATETIME = "naive_datetime"        # a datetime without offset and `naive: reject`
    AMBIGUOUS_DATE = "ambiguous_date"        # a date taken from a datetime with `from_datetime: reject`
    MISSING_PARENT = "missing_parent"        # a lookup's record did not arrive, `on_missing: quarantine`
    MISSING_OWNER = "missing_owner"          # no active user owns it and the owner rule says quarantine
    UNROUTED = "unrouted"                    # no route takes the record and `unrouted: quarantine`
    DUPLICATE_KEY = "duplicate_key"          # another record already has this external Id on the object
    FILE_MISSING = "file_missing"            # the attachment's body was never received
    FILE_MISMATCH = "file_mismatch"          # the body's sha256 differs from what ServiceTracker recorded
    FILE_EMPTY = "file_empty"                # a zero-byte file (Salesforce refuses empty files)
    FILE_TOO_LARGE = "file_too_large"        # larger than the map's file size limit


class RowKind(StrEnum):
    RECORD = "record"  # the source record (its primary route): it is not in the dataset
    ROW = "row"        # an extra row (an `also` route); the source record itself is in the dataset


def shown(value: Any) -> Any:
    """A value as kept in a quarantine entry: JSON scalars as they are, long text cut (marked)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"… ({len(text)} characters)"


class Problem(Exception):
    """One value a record cannot carry. ``rule`` says which rule, ``hint`` what to change."""

    def __init__(self, rule: ReasonCode, message: str, *, hint: str, field: str | None = None,
                 value: Any = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.hint = hint
        self.field = field
        self.value = value

    def at(self, field: str) -> "Problem":
        """This problem, naming the target field when the step that found it did not know it."""
        if self.field is None:
            self.field = field
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"rule": str(self.rule), "field": self.field, "value": shown(self.value), "reason": self.message,
                "hint": self.hint}


class QuarantineEntry(NamedTuple):
    """One line of ``quarantine.jsonl``: a record (or extra row) held back, and why."""

    resource: str
    source_id: str
    kind: RowKind
    route: str | None
    object: str | None
    field: str | None
    value: Any
    rule: ReasonCode
    reason: str
    hint: str
    problems: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_problems(cls, resource: str, source_id: str, kind: RowKind, route: str | None, sobject: str | None,
                      problems: list[Problem]) -> "QuarantineEntry":
        first = problems[0]
        return cls(resource, source_id, kind, route, sobject, first.field, shown(first.value), first.rule,
                   first.message, first.hint, tuple(p.as_dict() for p in problems))

    def as_json(self) -> dict[str, Any]:
        out = self._asdict()
        out["kind"] = str(self.kind)
        out["rule"] = str(self.rule)
        out["problems"] = list(self.problems)
        return out
