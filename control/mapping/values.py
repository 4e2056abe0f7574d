"""Picklist value maps: source values → target values, one by one.

A value map is defined once under ``value_maps:`` and named from field rules (``value_map: NAME``), or
written inline in a rule. Each entry is one decision; it may be a bare target value or carry the
proposer's rationale::

    value_maps:
      work_order_priority:
        values:
          low: Low
          normal: Medium
          high: High
          urgent: {to: High, rationale: {confidence: 0.7, reasons: ["Case has no Urgent priority"]}}
        unmapped: quarantine          # a value not listed: quarantine | null | keep | default
        default: Medium               # with unmapped: default

A target value of ``null`` leaves the field blank on purpose. YAML keys such as ``yes``/``true``/``1`` are
read as the strings the source stores (``"true"``, ``"1"``), because source values are compared as text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import field_validator, model_validator

from control.mapping.base import MapModel, Rationale, Scalar

__all__ = ["Unmapped", "ValueEntry", "ValueMap", "source_key"]


class Unmapped(StrEnum):
    """What happens to a source value the map does not list."""

    QUARANTINE = "quarantine"
    NULL = "null"
    KEEP = "keep"  # pass the source value through unchanged
    DEFAULT = "default"


def source_key(value: Any) -> str:
    """The text form a source value is matched by (``True`` → ``"true"``, ``3`` → ``"3"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ValueEntry(MapModel):
    to: Scalar | None
    rationale: Rationale | None = None


class ValueMap(MapModel):
    values: dict[str, ValueEntry]
    unmapped: Unmapped = Unmapped.QUARANTINE
    default: Scalar | None = None
    description: str | None = None
    rationale: Rationale | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _entries(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        out: dict[str, Any] = {}
        for key, value in raw.items():
            text = source_key(key)
            if isinstance(value, dict) and "to" in value:
                out[text] = value
            else:
                out[text] = {"to": value}
        return out

    @model_validator(mode="after")
    def _default_needed(self) -> "ValueMap":
        if self.unmapped is Unmapped.DEFAULT and self.default is None:
            raise ValueError("unmapped: default needs a default value")
        return self

    def target_values(self) -> tuple[str, ...]:
        """The distinct target values, in the order the map lists them (blanks excluded)."""
        seen: dict[str, None] = {}
        for entry in self.values.values():
            if entry.to is not None:
                seen.setdefault(source_key(entry.to), None)
        if self.unmapped is Unmapped.DEFAULT and self.default is not None:
            seen.setdefault(source_key(self.default), None)
        return tuple(seen)
