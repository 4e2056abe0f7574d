"""Opaque, tamper-evident keyset cursors.

A cursor is ``base64url(JSON position) "." base64url(HMAC-SHA256(secret, JSON)[:12])``. The position
names what the cursor was issued for (list or deleted feed, resource, ``updated_since``/``deleted_since``,
the ``resource`` filter) and the store's *epoch*, which changes whenever the tenant database is rebuilt.
A cursor edited by hand, or replayed against another resource or filter, is ``422 invalid_cursor``; one
issued before a rebuild is ``409 cursor_stale``. The secret lives in the sandbox's state folder, so
cursors stay valid across server restarts and key rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import orjson

from emulators.servicetracker.api_errors import ApiError, ErrorCode

__all__ = ["encode_cursor", "decode_cursor"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(secret: bytes, position: dict[str, Any]) -> str:
    payload = orjson.dumps(position, option=orjson.OPT_SORT_KEYS)
    tag = hmac.new(secret, payload, hashlib.sha256).digest()[:12]
    return f"{_b64(payload)}.{_b64(tag)}"


def decode_cursor(secret: bytes, token: str, *, epoch: str, expect: dict[str, Any]) -> dict[str, Any]:
    """The position in ``token``; checks its integrity, that it matches ``expect``, and the epoch."""
    invalid = ApiError(ErrorCode.INVALID_CURSOR, "The cursor is not one this API issued; pass next_cursor verbatim.",
                       {"parameter": "cursor"})
    try:
        payload_b64, tag_b64 = token.split(".")
        payload, tag = _unb64(payload_b64), _unb64(tag_b64)
    except ValueError:
        raise invalid from None
    if not hmac.compare_digest(hmac.new(secret, payload, hashlib.sha256).digest()[:12], tag):
        raise invalid
    position = orjson.loads(payload)
    for key, value in expect.items():
        if position.get(key) != value:
            raise ApiError(ErrorCode.INVALID_CURSOR,
                           "The cursor was issued for another resource or other filters; send it with the same "
                           "resource and updated_since/deleted_since/resource it came with.",
                           {"parameter": "cursor", "mismatch": key})
    if position.get("e") != epoch:
        raise ApiError(ErrorCode.CURSOR_STALE,
                       "The tenant was restored or re-indexed after this cursor was issued; restart the pass "
                       "from its updated_since.", {"parameter": "cursor"})
    return position
