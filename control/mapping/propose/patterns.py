"""Value patterns: what a column's sample values look like (e-mail, phone, URL, date, money, postal code…).

The audit already votes custom fields into a type (:mod:`control.audit.infer`); this module adds the
*semantic* shapes a Salesforce field name implies and the audit does not type: postal codes, US state and
country codes or names, money (a currency sign or exactly two decimals), identifiers (no spaces, a digit),
long free text. :func:`value_pattern` returns the shape at least 80 % of the samples share, or ``None``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Iterable

from control.audit.infer import date_format, is_email, is_phone, is_url

__all__ = ["Pattern", "value_pattern", "TARGET_PATTERNS"]


class Pattern(StrEnum):
    EMAIL = "e-mail"
    PHONE = "phone"
    URL = "url"
    DATE = "date"
    DATETIME = "datetime"
    MONEY = "currency"
    NUMBER = "number"
    BOOLEAN = "yes/no"
    POSTAL = "postal code"
    REGION = "state/region code"
    COUNTRY = "country"
    ID = "id-like"
    LONG_TEXT = "long text"
    WORDS = "short text"


_US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR ON QC BC AB MB SK NS NB NL PE".split())
_COUNTRIES = frozenset({"us", "usa", "united states", "united states of america", "ca", "canada", "mx", "mexico",
                        "uk", "gb", "united kingdom", "great britain", "ie", "ireland", "de", "germany", "fr",
                        "france", "au", "australia", "nz", "new zealand", "nl", "netherlands", "es", "spain",
                        "it", "italy", "in", "india", "br", "brazil", "za", "south africa"})
_POSTAL = re.compile(r"^(\d{5}(-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4})$", re.I)
_MONEY = re.compile(r"^[-+]?[$€£]\s?\d[\d,]*(\.\d{1,2})?$|^[-+]?\d[\d,]*\.\d{2}$")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ID = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_\-.:/#]{2,63}$")
_BOOL = frozenset({"true", "false", "yes", "no", "y", "n", "t", "f"})


def _shape(text: str) -> Pattern:
    value = text.strip()
    lower = value.lower()
    if lower in _BOOL:
        return Pattern.BOOLEAN
    if "@" in value and is_email(value):
        return Pattern.EMAIL
    if is_url(value):
        return Pattern.URL
    if _DATETIME.match(value):
        return Pattern.DATETIME
    if date_format(value):
        return Pattern.DATE
    if value.upper() in _US_STATES and len(value) == 2 and value.isupper():
        return Pattern.REGION
    if lower in _COUNTRIES and (len(value) > 3 or value.isupper()):
        return Pattern.COUNTRY
    if _MONEY.match(value) and not _POSTAL.match(value):
        return Pattern.MONEY
    if _POSTAL.match(value) and not value.isdigit() or (value.isdigit() and len(value) == 5):
        return Pattern.POSTAL
    if _NUMBER.match(value):
        return Pattern.NUMBER
    if is_phone(value):
        return Pattern.PHONE
    if len(value) > 120:
        return Pattern.LONG_TEXT
    if _ID.match(value) and " " not in value:
        return Pattern.ID
    return Pattern.WORDS


def value_pattern(samples: Iterable[str]) -> Pattern | None:
    """The shape at least 80 % of the (non-empty) samples share; None without samples."""
    shapes = [_shape(s) for s in samples if isinstance(s, str) and s.strip()]
    if not shapes:
        return None
    counts: dict[Pattern, int] = {}
    for shape in shapes:
        counts[shape] = counts.get(shape, 0) + 1
    # money also reads as a number; a postal code as a number: the more specific shape wins when it holds
    if counts.get(Pattern.MONEY, 0) and counts.get(Pattern.MONEY, 0) + counts.get(Pattern.NUMBER, 0) >= 0.8 * len(shapes):
        return Pattern.MONEY if counts[Pattern.MONEY] >= 0.5 * len(shapes) else Pattern.NUMBER
    best = max(counts, key=lambda p: counts[p])
    return best if counts[best] >= 0.8 * len(shapes) else None


# the pattern a target field's describe type or name concept expects
TARGET_PATTERNS: dict[str, frozenset[Pattern]] = {
    "email": frozenset({Pattern.EMAIL}),
    "phone": frozenset({Pattern.PHONE, Pattern.NUMBER}),
    "url": frozenset({Pattern.URL}),
    "date": frozenset({Pattern.DATE}),
    "datetime": frozenset({Pattern.DATETIME}),
    "currency": frozenset({Pattern.MONEY, Pattern.NUMBER}),
    "double": frozenset({Pattern.NUMBER, Pattern.MONEY}),
    "int": frozenset({Pattern.NUMBER}),
    "percent": frozenset({Pattern.NUMBER}),
    "boolean": frozenset({Pattern.BOOLEAN}),
    "textarea": frozenset({Pattern.LONG_TEXT}),
    "zip": frozenset({Pattern.POSTAL}),
    "street": frozenset({Pattern.WORDS, Pattern.LONG_TEXT}),
    "city": frozenset({Pattern.WORDS}),
    "state": frozenset({Pattern.REGION, Pattern.WORDS}),
    "country": frozenset({Pattern.COUNTRY, Pattern.WORDS}),
    "serial": frozenset({Pattern.ID}),
    "number": frozenset({Pattern.ID, Pattern.NUMBER}),
}
