"""Comparing a dataset value (text, as docs/data-path.md writes it) with the value the org returns.

Idempotency rests on this: a row is written again only when :func:`same` says a field differs. Values are
normalised by the field's describe type: numbers as decimals, booleans, dates, datetimes to the second in
UTC, Ids to 15 characters, text as is; a blank dataset value matches whatever the org holds.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["normalise", "same"]

_NUMBERS = {"double", "currency", "percent", "int", "long"}


def _datetime(value: Any) -> Any:
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = text[:-5] + text[-5:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return str(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0)


def normalise(value: Any, field_type: str) -> Any:
    if field_type == "boolean":  # a checkbox is never null in Salesforce: blank is false
        return str(value if value is not None else "").strip().lower() in ("true", "1")
    if value is None or value == "":
        return None
    if field_type in _NUMBERS:
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    if field_type == "date":
        return str(value)[:10]
    if field_type == "datetime":
        return _datetime(value)
    if field_type in ("reference", "id"):
        return str(value)[:15]
    if field_type == "multipicklist":
        return tuple(sorted(p.strip() for p in str(value).split(";") if p.strip()))
    return str(value)


def same(local: Any, remote: Any, field_type: str) -> bool:
    """Whether the org's value is what the dataset asks for. A blank dataset value asks for nothing:
    CumulusCI's loads leave a blank field as the org has it (a picklist's default, an unchecked box), so a
    blank never makes a row "changed"."""
    if local is None or local == "":
        return True
    return normalise(local, field_type) == normalise(remote, field_type)
