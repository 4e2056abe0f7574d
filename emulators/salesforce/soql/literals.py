"""Typing filter values against fields: which literal fits which field, and in which normal form.

Each field type falls in a comparison *domain*; row values and literals of a domain are brought to
the same normal form before comparing:

==========  ======================================================  ===========================
domain      field types                                             normal form
==========  ======================================================  ===========================
text        string textarea email phone url picklist combobox …     lower-cased str
multi       multipicklist                                           frozenset of lower-cased values
id          id reference                                            18-character Id
number      int long double currency percent                        int / float
boolean     boolean                                                 bool
date        date                                                    ``YYYY-MM-DD`` str
datetime    datetime                                                ``…T…​.000+0000`` str (UTC)
time        time                                                    str
==========  ======================================================  ===========================

A literal of the wrong kind raises Salesforce's ``INVALID_FIELD`` "value of filter criterion …".
"""

from __future__ import annotations

import re
from typing import Any, Callable

from emulators.salesforce.soql.dates import date_literal_valid, datetime_literal_to_wire
from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message
from emulators.salesforce.soql.ids import normalize_id
from emulators.salesforce.soql.plan import ResolvedPath
from emulators.salesforce.soql.syntax import Literal, LiteralKind

__all__ = ["domain", "row_normalizer", "sort_normalizer", "normalize_literal", "like_pattern", "TYPE_NAMES"]

_TEXT = frozenset({"string", "textarea", "email", "phone", "url", "picklist", "combobox", "encryptedstring"})
_NUMBER = frozenset({"int", "long", "double", "currency", "percent"})

TYPE_NAMES = {
    "text": "string",
    "multi": "string",
    "id": "id",
    "boolean": "boolean",
    "date": "date",
    "datetime": "dateTime",
    "time": "time",
}


def domain(field_type: str) -> str:
    if field_type in _TEXT:
        return "text"
    if field_type == "multipicklist":
        return "multi"
    if field_type in ("id", "reference"):
        return "id"
    if field_type in _NUMBER:
        return "number"
    if field_type in ("boolean", "date", "datetime", "time"):
        return field_type
    return "other"


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _multi(value: Any) -> frozenset[str]:
    return frozenset(part.lower() for part in str(value).split(";") if part != "")


def row_normalizer(field_type: str) -> Callable[[Any], Any] | None:
    """How to bring a (non-null) row value into the domain's normal form; None when it already is."""
    dom = domain(field_type)
    if dom == "text":
        return _lower
    if dom == "multi":
        return _multi
    return None


def sort_normalizer(field_type: str) -> Callable[[Any], Any] | None:
    return _lower if domain(field_type) in ("text", "multi") else None


def _number_type_name(field_type: str) -> str:
    return {"int": "integer", "long": "long"}.get(field_type, "double")


def normalize_literal(lit: Literal, path: ResolvedPath, text: str, *, multi_as_set: bool = True) -> Any:
    """``lit`` in the normal form of ``path``'s domain; raises SoqlError when it cannot be."""
    if lit.kind is LiteralKind.NULL:
        return None
    dom = domain(path.type)
    kind = lit.kind

    def wrong(type_name: str, quoted: bool) -> SoqlError:
        return SoqlError(
            ErrorCode.INVALID_FIELD,
            located_message(text, lit.pos, Messages.wrong_value_type(path.name, type_name, quoted)),
        )

    if dom in ("text", "multi"):
        if kind is not LiteralKind.STRING:
            raise wrong("string", True)
        value = str(lit.value)
        return _multi(value) if dom == "multi" and multi_as_set else value.lower()
    if dom == "id":
        if kind is not LiteralKind.STRING:
            raise wrong("id", True)
        full = normalize_id(str(lit.value))
        if full is None:
            raise SoqlError(
                ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                located_message(text, lit.pos, Messages.invalid_id(str(lit.value))),
            )
        return full
    if dom == "number":
        if kind is not LiteralKind.NUMBER:
            raise wrong(_number_type_name(path.type), False)
        return lit.value
    if dom == "boolean":
        if kind is not LiteralKind.BOOLEAN:
            raise wrong("boolean", False)
        return lit.value
    if dom == "date":
        if kind is LiteralKind.DATE and date_literal_valid(str(lit.value)):
            return lit.value
        raise wrong("date", False)
    if dom == "datetime":
        if kind is LiteralKind.DATETIME:
            try:
                return datetime_literal_to_wire(str(lit.value))
            except ValueError:
                raise wrong("dateTime", False) from None
        raise wrong("dateTime", False)
    if dom == "time":
        if kind is not LiteralKind.STRING:
            raise wrong("time", True)
        return lit.value
    if kind is LiteralKind.STRING:
        return lit.value
    raise wrong(path.type, False)


def like_pattern(raw: str) -> re.Pattern[str]:
    """A LIKE pattern (the literal's source text, quotes included) as a case-insensitive regex.

    ``%`` is any run of characters, ``_`` one character; ``\\%`` and ``\\_`` are the characters themselves.
    """
    body = raw[1:-1]
    out: list[str] = []
    i = 0
    escapes = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            e = body[i + 1]
            out.append(re.escape(escapes.get(e, e)))
            i += 2
            continue
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)
