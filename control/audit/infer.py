"""Inferring a custom field's type from the values it holds (custom fields carry no type, contract §3.4).

Each value votes for every shape it fits (:func:`shapes_of`): ``"1,250.00"`` and ``1250`` both vote
*number*; ``true``, ``"Y"``, ``"yes"``, ``1`` vote *boolean-like*; ``"2023-04-01"`` and ``"04/01/2023"``
vote *date*. :func:`decide` then picks, in this order, the first shape at least
:data:`CONFORMANCE` of the non-empty values fit::

    boolean-like ▸ number ▸ date ▸ datetime ▸ e-mail ▸ url ▸ phone

and otherwise, for text:

* **picklist-like** — few distinct values, each used repeatedly (≤ 50 distinct and values ≥ 2 × distinct);
* **id-like** — every value distinct and shaped like an identifier (no spaces, at least one digit); an id-like
  field is a text field whose values look like keys (an External ID candidate);
* **text** — anything else.

Values that do not fit the chosen type are reported by the audit (``custom_value_mismatch``). The same
validators check the core fields typed ``email``, ``phone`` and ``url``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Mapping

__all__ = ["Kind", "CONFORMANCE", "shapes_of", "decide", "is_email", "is_phone", "is_url", "date_format",
           "salesforce_type", "ID_SHAPE"]

CONFORMANCE = 0.8
PICKLIST_MAX_DISTINCT = 50


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    PICKLIST = "picklist-like"
    BOOLEAN = "boolean-like"
    EMAIL = "e-mail"
    PHONE = "phone"
    URL = "url"
    ID = "id-like"
    UNKNOWN = "unknown"  # no value to judge by


_ORDER = (Kind.BOOLEAN, Kind.NUMBER, Kind.DATE, Kind.DATETIME, Kind.EMAIL, Kind.URL, Kind.PHONE)
_BOOL_WORDS = {"true", "false", "yes", "no", "y", "n", "t", "f", "1", "0"}
_NUMBER = re.compile(r"^[+-]?\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_PHONE_EXT = re.compile(r"\s*(x|ext\.?|#)\s*\d{1,6}$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]+$")
_URL = re.compile(r"^(https?://[^\s/?#]+\.[^\s/?#]+|www\.[^\s/?#]+\.[^\s/?#]+)([/?#]\S*)?$", re.IGNORECASE)
ID_SHAPE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_\-.:/#]{0,63}$")


def is_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value))


def is_phone(value: str) -> bool:
    core = _PHONE_EXT.sub("", value.strip())
    if not core or not _PHONE_CHARS.match(core):
        return False
    digits = sum(c.isdigit() for c in core)
    return 7 <= digits <= 15


def is_url(value: str) -> bool:
    return bool(_URL.match(value.strip()))


def date_format(value: str) -> str | None:
    """``"YYYY-MM-DD"``, ``"MM/DD/YYYY"``, ``"DD/MM/YYYY"`` or ``"M/D or D/M"`` when it is a valid date."""
    match = _ISO_DATE.match(value)
    if match:
        try:
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        return "YYYY-MM-DD"
    match = _SLASH_DATE.match(value)
    if not match:
        return None
    a, b, year = int(match[1]), int(match[2]), int(match[3])
    us = _valid(year, a, b)
    eu = _valid(year, b, a)
    if us and eu:
        return "MM/DD/YYYY" if a == b else "M/D or D/M"
    return "MM/DD/YYYY" if us else "DD/MM/YYYY" if eu else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def shapes_of(value: Any) -> frozenset[Kind]:
    """Every shape a non-empty JSON scalar fits."""
    if isinstance(value, bool):
        return frozenset({Kind.BOOLEAN})
    if isinstance(value, (int, float)):
        return frozenset({Kind.BOOLEAN, Kind.NUMBER}) if value in (0, 1) else frozenset({Kind.NUMBER})
    if not isinstance(value, str):
        return frozenset()
    text = value.strip()
    found: set[Kind] = set()
    if text.lower() in _BOOL_WORDS:
        found.add(Kind.BOOLEAN)
    if _NUMBER.match(text):
        found.add(Kind.NUMBER)
    if date_format(text):
        found.add(Kind.DATE)
    elif _DATETIME.match(text):
        try:
            datetime.fromisoformat(text)
            found.add(Kind.DATETIME)
        except ValueError:
            pass
    if "@" in text and is_email(text):
        found.add(Kind.EMAIL)
    if is_url(text):
        found.add(Kind.URL)
    if Kind.NUMBER not in found and Kind.DATE not in found and is_phone(text):
        found.add(Kind.PHONE)
    return frozenset(found)


def decide(votes: Mapping[Kind, int], non_empty: int, *, strings: int, distinct: int, all_distinct: bool,
           id_shaped: int) -> Kind:
    """The inferred kind of a field (see the module docstring)."""
    if non_empty == 0:
        return Kind.UNKNOWN
    for kind in _ORDER:
        if votes.get(kind, 0) >= CONFORMANCE * non_empty:
            return kind
    if strings >= CONFORMANCE * non_empty:
        if distinct <= PICKLIST_MAX_DISTINCT and non_empty >= 2 * distinct:
            return Kind.PICKLIST
        if all_distinct and non_empty >= 3 and id_shaped == non_empty:
            return Kind.ID
    return Kind.TEXT


def salesforce_type(kind: Kind, *, max_length: int = 0, int_digits: int = 0, scale: int = 0,
                    unique: bool = False) -> dict[str, Any]:
    """The Salesforce field an admin would create for a discovered field."""
    if kind is Kind.BOOLEAN:
        return {"type": "Checkbox"}
    if kind is Kind.NUMBER:
        scale = min(scale, 8)
        precision = min(18, max(int_digits + scale + 2, scale + 1))
        return {"type": "Number", "precision": precision, "scale": scale}
    if kind is Kind.DATE:
        return {"type": "Date"}
    if kind is Kind.DATETIME:
        return {"type": "DateTime"}
    if kind is Kind.EMAIL:
        return {"type": "Email"}
    if kind is Kind.PHONE:
        return {"type": "Phone"}
    if kind is Kind.URL:
        return {"type": "Url"}
    if kind is Kind.PICKLIST:
        return {"type": "Picklist"}
    if max_length > 32768:
        return {"type": "LongTextArea", "length": 131072}
    if max_length > 255:
        return {"type": "LongTextArea", "length": 32768}
    out: dict[str, Any] = {"type": "Text", "length": 255 if max_length > 80 else 80 if max_length > 40 else 40}
    if kind is Kind.ID:
        out.update(externalId=True, unique=unique)
    return out
