"""Keeping secrets out of output: redaction of structures and text, and a logging filter.

Two rules, applied together:

* **by key** — a mapping value whose key names a secret (``token``, ``api_key``, ``password``,
  ``authorization``, ``client_secret``, ``private_key``, ``session``, ``cookie``, …) is replaced whole;
* **by shape** — inside any string, values shaped like a Salesforce session id (``00D…!…``),
  a bearer/basic credential, a ServiceTracker API key (``stk_…``) or a JWT are masked.

:class:`Secret` wraps a value that must never print (``repr`` and ``str`` show a mask); call
:meth:`Secret.reveal` at the one place the value is sent over the wire.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["MASK", "Secret", "redact", "redact_text", "is_secret_key", "RedactingFilter"]

MASK = "***"

_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|apikey|authori[sz]ation|private[_-]?key|"
    r"session(id)?|cookie|credential|signature|sid|hub[_-]?key)$",
    re.IGNORECASE,
)

_SHAPES = [
    # Salesforce session ids / access tokens: 00D + org id chars + '!' + opaque part
    re.compile(r"\b00D[0-9A-Za-z]{12,15}![0-9A-Za-z._\-]+"),
    # HTTP credentials in text
    re.compile(r"(?i)\b(bearer|basic)\s+[0-9A-Za-z._~+/=\-]{8,}"),
    # ServiceTracker API keys (see docs/servicetracker-api.md)
    re.compile(r"\bstk_(live|test)_[0-9A-Za-z]{8,}"),
    # JWTs
    re.compile(r"\beyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{8,}"),
    # URL userinfo passwords: scheme://user:password@host
    re.compile(r"(?<=://)([^/\s:@]+):([^/\s@]+)@"),
]


class Secret:
    """A value that must never be printed, logged or stored in a report."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def is_secret_key(key: str) -> bool:
    """True when a mapping key names a secret (``access_token``, ``X-API-Key``, ``password`` …)."""
    normalized = key.replace("-", "_")
    return bool(_SECRET_KEY.search(normalized))


def redact_text(text: str) -> str:
    """Mask every secret-shaped value inside ``text``."""
    for shape in _SHAPES:
        if shape.pattern.startswith("(?<=://)"):
            text = shape.sub(lambda m: f"{m.group(1)}:{MASK}@", text)
        elif shape.pattern.startswith("(?i)"):
            text = shape.sub(lambda m: f"{m.group(1)} {MASK}", text)
        else:
            text = shape.sub(MASK, text)
    return text


def redact(value: Any) -> Any:
    """A copy of ``value`` with secrets masked, by key and by shape, at any depth."""
    if isinstance(value, Secret):
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            k: (MASK if isinstance(k, str) and is_secret_key(k) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(redact(v) for v in value)
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the log line
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True
