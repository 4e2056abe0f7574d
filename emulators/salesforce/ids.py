"""Salesforce record Ids: the 15-character form, the 18-character checksum form, and parsing input.

A 15-character Id is ``<key prefix: 3><pod: 2><counter: 10 base-62 digits>``. The key prefix names
the sObject (``001`` Account, ``003`` Contact, …); the two pod characters are fixed per org (derived
from the org Id, so Ids of two emulated orgs never collide); the counter is the org's running
number for that prefix, kept in the org's state so it survives restarts.

The 18-character form appends a case checksum: split the 15 characters into three chunks of five;
for each chunk, bit *i* is set when character *i* is an upper-case letter; the 5-bit number picks a
character of ``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``. The REST API returns 18 characters and accepts
both; an 18-character Id whose first 15 characters have lost their case is repaired from the
checksum, as Salesforce does.
"""

from __future__ import annotations

__all__ = [
    "BASE62",
    "MalformedId",
    "checksum",
    "to18",
    "parse_id",
    "looks_like_id",
    "format_id",
    "key_prefix",
]

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ALNUM = frozenset(BASE62)
_COUNTER_WIDTH = 10


class MalformedId(ValueError):
    """The text is not a 15- or 18-character Salesforce Id."""


def checksum(id15: str) -> str:
    """The three checksum characters of a 15-character Id."""
    out = []
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out.append(_CHECKSUM_CHARS[bits])
    return "".join(out)


def to18(id15: str) -> str:
    """The 18-character form of a 15-character Id (an 18-character Id is returned unchanged)."""
    if len(id15) == 18:
        return id15
    return id15 + checksum(id15)


def looks_like_id(text: str) -> bool:
    """True when ``text`` has the shape of an Id (15 or 18 alphanumeric characters)."""
    return len(text) in (15, 18) and all(ch in _ALNUM for ch in text)


def parse_id(text: str) -> str:
    """The canonical 18-character Id for ``text``; :class:`MalformedId` when it is not an Id.

    An 18-character Id carries the case of its first 15 characters in the checksum, so a
    lower- or upper-cased copy still resolves to the same record.
    """
    if not isinstance(text, str) or not looks_like_id(text):
        raise MalformedId(text)
    if len(text) == 15:
        return text + checksum(text)
    head, suffix = text[:15], text[15:].upper()
    if checksum(head) == suffix:
        return head + suffix
    repaired = []
    for chunk in range(3):
        code = _CHECKSUM_CHARS.find(suffix[chunk])
        if code < 0:
            raise MalformedId(text)
        for i, ch in enumerate(head[chunk * 5 : chunk * 5 + 5]):
            upper = bool(code & (1 << i))
            if upper and not ch.isalpha():
                raise MalformedId(text)
            repaired.append(ch.upper() if upper else ch.lower())
    fixed = "".join(repaired)
    if checksum(fixed) != suffix:
        raise MalformedId(text)
    return fixed + suffix


def format_id(prefix: str, pod: str, counter: int) -> str:
    """The 18-character Id numbered ``counter`` for ``prefix`` (3 chars) on ``pod`` (2 chars)."""
    if len(prefix) != 3 or len(pod) != 2:
        raise ValueError(f"key prefix must be 3 and pod 2 characters, got {prefix!r}, {pod!r}")
    digits = []
    n = counter
    while n:
        n, rem = divmod(n, 62)
        digits.append(BASE62[rem])
    body = "".join(reversed(digits)).rjust(_COUNTER_WIDTH, "0")
    if len(body) > _COUNTER_WIDTH:
        raise OverflowError(f"Id counter {counter} does not fit {_COUNTER_WIDTH} base-62 digits")
    return to18(prefix + pod + body)


def key_prefix(record_id: str) -> str:
    """The key prefix (first three characters) of an Id."""
    return record_id[:3]
