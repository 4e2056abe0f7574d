"""Access tokens and refresh tokens, kept in the org's ``sessions`` table.

Kinds of token::

    cli       the token ``start`` prints; never times out (an active admin session kept alive)
    access    issued by /services/oauth2/token; valid while used at least every
              ``session_timeout_minutes`` (the org setting), like a Salesforce session
    refresh   issued with access tokens for the refresh_token grant; never times out

Access tokens look like Salesforce session ids: ``<15-char org id>!<opaque>``, which is what the
sf CLI checks before it accepts a token.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from emulators.salesforce.state.db import Database

__all__ = ["Session", "Sessions", "new_token", "new_refresh_token"]

_TOUCH_EVERY = 30.0  # seconds: how stale last_used may get before a request rewrites it


def new_token(org_id: str) -> str:
    opaque = secrets.token_urlsafe(72).replace("-", ".").replace("_", "A")
    return f"{org_id[:15]}!{opaque}"


def new_refresh_token() -> str:
    return "5Aep" + secrets.token_urlsafe(60).replace("-", ".").replace("_", "A")


@dataclass(frozen=True)
class Session:
    token: str
    kind: str
    user_id: str


class Sessions:
    """Issue and check tokens of one org."""

    def __init__(self, db: Database, *, org_id: str, timeout_seconds: float) -> None:
        self.db = db
        self.org_id = org_id
        self.timeout = timeout_seconds

    def issue(self, user_id: str, *, with_refresh: bool = False) -> tuple[str, str | None]:
        """A new access token (and refresh token) for ``user_id``."""
        now = time.time()
        token = new_token(self.org_id)
        refresh = new_refresh_token() if with_refresh else None
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions (token, kind, user_id, issued, last_used) VALUES (?, 'access', ?, ?, ?)",
                (token, user_id, now, now),
            )
            if refresh:
                conn.execute(
                    "INSERT INTO sessions (token, kind, user_id, issued, last_used) VALUES (?, 'refresh', ?, ?, ?)",
                    (refresh, user_id, now, now),
                )
        return token, refresh

    def check(self, token: str) -> Session | None:
        """The live access session for ``token`` (refreshing its idle timer), or None."""
        row = self.db.conn.execute(
            "SELECT kind, user_id, last_used FROM sessions WHERE token = ?", (token,)
        ).fetchone()
        if row is None or row[0] == "refresh":
            return None
        kind, user_id, last_used = row
        if kind == "access":
            now = time.time()
            if now - last_used > self.timeout:
                return None
            if now - last_used > _TOUCH_EVERY:
                with self.db.transaction() as conn:
                    conn.execute("UPDATE sessions SET last_used = ? WHERE token = ?", (now, token))
        return Session(token, kind, user_id)

    def user_for_refresh(self, refresh_token: str) -> str | None:
        row = self.db.conn.execute(
            "SELECT user_id FROM sessions WHERE token = ? AND kind = 'refresh'", (refresh_token,)
        ).fetchone()
        return row[0] if row else None

    def revoke(self, token: str) -> bool:
        with self.db.transaction() as conn:
            cur = conn.execute("DELETE FROM sessions WHERE token = ? AND kind != 'cli'", (token,))
        return cur.rowcount > 0
