"""The org's admin token: what the loopback-only admin endpoint (``/_emulator/…``) asks for.

It is not a Salesforce credential: it only lets a local test or operator change the emulator
itself (faults, limits, clock) and read its state. It is made once per org (``meta.admin_token``),
printed by ``start --json`` as ``admin_token``, and compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
from pathlib import Path

import orjson

__all__ = ["ensure_admin_token", "token_matches", "ADMIN_TOKEN_KEY", "ADMIN_HEADER"]

ADMIN_TOKEN_KEY = "admin_token"
ADMIN_HEADER = "x-emulator-admin-token"


def ensure_admin_token(db_path: Path) -> str:
    """The org's admin token, made on first use."""
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        with conn:
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (ADMIN_TOKEN_KEY, orjson.dumps("adm_" + secrets.token_urlsafe(32)).decode()),
            )
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (ADMIN_TOKEN_KEY,)).fetchone()
    finally:
        conn.close()
    return str(orjson.loads(row[0]))


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
