"""Salesforce Id forms: 15-character ids to their 18-character form, validity checks.

The 18-character form appends a checksum: the 15 characters split into three chunks of five; in each
chunk bit *i* is set when character *i* is upper case; each 5-bit number maps through
``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``.
"""

from __future__ import annotations

__all__ = ["to_id18", "normalize_id", "BASE62"]

_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def to_id18(id15: str) -> str:
    suffix = ""
    for chunk in range(3):
        bits = 0
        for i, c in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= c <= "Z":
                bits |= 1 << i
        suffix += _CHECKSUM[bits]
    return id15 + suffix


def normalize_id(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character Id, or None when ``value`` is no Id."""
    if len(value) not in (15, 18) or not value.isascii() or not value.isalnum():
        return None
    full = to_id18(value[:15])
    if len(value) == 18 and full[15:].upper() != value[15:].upper():
        return None
    return full
