"""Checking a value against the target field, as the org's describe defines it, before any load.

:func:`coerce` turns the value a field rule produced into the text the dataset stores (what CumulusCI
sends to Salesforce) or raises :class:`~control.transform.problems.Problem` — the same refusals
Salesforce would answer with, found before a single API call:

==================  ===========================================================================
describe type       accepted
==================  ===========================================================================
string, textarea,   text (numbers and booleans written as text) not longer than ``length``;
phone, url, …       e-mail fields must be addresses Salesforce accepts; restricted picklists
picklist            only their active values (unrestricted ones take any value)
boolean             true/false (or their text)
int, double,        numbers (or numeric text) within ``precision``/``scale``, rounded half-up
currency, percent   to the scale as Salesforce does
date                ``YYYY-MM-DD``
datetime            an instant, written in UTC with milliseconds
reference, id       an Id (lookups are resolved before coercion, see lookups.py)
==================  ===========================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from control.mapping.target_schema import TargetField
from control.transform.problems import Problem, ReasonCode
from control.transform.steps import format_instant, format_number, parse_instant

__all__ = ["coerce", "EMAIL_PATTERN", "TEXT_TYPES", "NUMBER_TYPES"]

# Salesforce's e-mail rule: a local part of the RFC's atom characters and dots, a dotted domain
EMAIL_PATTERN = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
TEXT_TYPES = frozenset({"string", "textarea", "picklist", "multipicklist", "combobox", "email", "phone", "url",
                        "encryptedstring"})
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UTC_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")  # what parse_datetime writes


def _where(sobject: str, field: TargetField) -> str:
    return f"{sobject}.{field.name}"


def _text(value: Any, sobject: str, field: TargetField) -> str | None:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Decimal):
        text = format_number(value)
    elif isinstance(value, (int, float)):
        text = format_number(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    elif isinstance(value, str):
        text = value
    else:
        raise Problem(ReasonCode.WRONG_TYPE, f"{_where(sobject, field)} holds text; the value is a "
                                             f"{type(value).__name__}", value=value,
                      hint="Add a transform that makes text of it (join_items for lists).")
    if text == "":
        return None
    if field.type == "email":
        text = text.strip()
        if not EMAIL_PATTERN.match(text):
            raise Problem(ReasonCode.BAD_EMAIL, f"{text!r} is not an e-mail address Salesforce accepts "
                                                f"({_where(sobject, field)})", value=value,
                          hint="Correct the address in ServiceTracker (name@domain.tld), or clear it.")
    if field.length and len(text) > field.length:
        raise Problem(ReasonCode.TOO_LONG, f"{len(text)} characters; {_where(sobject, field)} holds at most "
                                           f"{field.length}", value=value,
                      hint="Shorten the value in ServiceTracker, or let the map cut it "
                           f"(transform: {{truncate: {field.length}}}) if losing the end is acceptable.")
    if field.type in ("picklist", "multipicklist") and field.restricted:
        allowed = set(field.picklist_values)
        chosen = [p for p in text.split(";") if p] if field.type == "multipicklist" else [text]
        for item in chosen:
            if item not in allowed:
                raise Problem(ReasonCode.BAD_PICKLIST, f"{item!r} is not a value of the restricted picklist "
                                                       f"{_where(sobject, field)}", value=value,
                              hint=f"Map it to one of {sorted(allowed)[:12]} in the rule's value map, or add it to "
                                   "the picklist in the org.")
    return text


def _number(value: Any, sobject: str, field: TargetField) -> str:
    if isinstance(value, bool):
        raise Problem(ReasonCode.WRONG_TYPE, f"{_where(sobject, field)} is a number; the value is yes/no",
                      value=value, hint="Map a numeric source to it.")
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) \
            else Decimal(str(value).strip())
    except InvalidOperation:
        raise Problem(ReasonCode.WRONG_TYPE, f"{str(value)!r} is not a number ({_where(sobject, field)})",
                      value=value, hint="Add a number transform to the rule, or fix the value in ServiceTracker.") \
            from None
    if not number.is_finite():
        raise Problem(ReasonCode.WRONG_TYPE, f"{value!r} is not a finite number", value=value,
                      hint="Fix the value in ServiceTracker.")
    scale = max(field.scale or 0, 0)
    if field.type in ("int", "long"):
        if number != number.to_integral_value():
            raise Problem(ReasonCode.WRONG_TYPE, f"{format_number(number)} is not a whole number "
                                                 f"({_where(sobject, field)})", value=value,
                          hint="Round it in the rule (number: {scale: 0}).")
        rounded = number.to_integral_value()
        digits = field.precision or (10 if field.type == "int" else 18)
    else:
        rounded = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
        digits = (field.precision - scale) if field.precision else 18
    whole = int(abs(rounded))
    if whole and len(str(whole)) > digits:
        raise Problem(ReasonCode.OUT_OF_RANGE, f"{format_number(number)} has more than {digits} digits before "
                                               f"the point ({_where(sobject, field)})", value=value,
                      hint="Fix the value in ServiceTracker, or widen the field's precision in the map.")
    return format_number(rounded)


def _boolean(value: Any, sobject: str, field: TargetField) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text
    raise Problem(ReasonCode.WRONG_TYPE, f"{value!r} is not true/false ({_where(sobject, field)})", value=value,
                  hint="Add a boolean transform to the rule (it reads yes/no, y/n, 1/0).")


def _date(value: Any, sobject: str, field: TargetField) -> str:
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise Problem(ReasonCode.WRONG_TYPE, f"{text!r} is not a calendar date ({_where(sobject, field)})", value=value,
                  hint="Add parse_date to the rule (with from_datetime for date-and-time values).")


def _datetime(value: Any, sobject: str, field: TargetField) -> str:
    if isinstance(value, str) and _UTC_INSTANT.match(value):
        return value
    parsed = parse_instant(str(value))
    if parsed is None or not parsed[1]:
        raise Problem(ReasonCode.WRONG_TYPE, f"{value!r} is not a date and time with an offset "
                                             f"({_where(sobject, field)})", value=value,
                      hint="Add parse_datetime to the rule (with naive: tenant for values without offset).")
    return format_instant(parsed[0])


def coerce(value: Any, sobject: str, field: TargetField) -> str | None:
    """The dataset text of ``value`` for ``sobject.field`` (None for blank), or :class:`Problem`."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    kind = field.type
    if kind == "boolean":
        return _boolean(value, sobject, field)
    if kind in NUMBER_TYPES:
        return _number(value, sobject, field)
    if kind == "date":
        return _date(value, sobject, field)
    if kind == "datetime":
        return _datetime(value, sobject, field)
    if kind in ("reference", "id"):
        return str(value)
    if kind == "base64":
        return str(value)
    return _text(value, sobject, field)
