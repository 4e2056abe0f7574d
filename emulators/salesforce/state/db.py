"""One SQLite database per org: tables, pragmas, and the transaction boundary.

Records stay on disk: the server holds one connection, and memory is bounded by SQLite's page
cache (``cache_size``), not by how many records an org has. The tables::

    meta(key, value)                 org settings, identity, api usage (JSON values)
    counters(prefix, next)           Id counter per key prefix
    records(seq, id, sobject, deleted, data)
                                     one row per record; ``seq`` (the rowid) is creation order,
                                     ``data`` is orjson of the record's non-null fields (wire form)
    keys(sobject, field, value, id)  values of external-Id / unique fields, normalised for matching
    refs(parent, child, field)       lookups from ``child`` to ``parent`` (for delete rules)
    sessions(token, kind, user_id, issued, last_used)
                                     access and refresh tokens
    schema_changes(seq, kind, object, spec, at)
                                     custom objects/fields added to this org, replayed at open

Every HTTP request runs in one transaction (:meth:`Database.transaction`): the work of a request
and the api-usage count it adds commit together or not at all.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import orjson

__all__ = ["Database", "open_database"]

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (prefix TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    sobject TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_type ON records (sobject, seq);
CREATE INDEX IF NOT EXISTS records_live ON records (sobject, deleted);
CREATE TABLE IF NOT EXISTS keys (sobject TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS keys_lookup ON keys (sobject, field, value);
CREATE INDEX IF NOT EXISTS keys_by_id ON keys (id);
CREATE TABLE IF NOT EXISTS refs (parent TEXT NOT NULL, child TEXT NOT NULL, field TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refs_by_parent ON refs (parent);
CREATE INDEX IF NOT EXISTS refs_by_child ON refs (child);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT NOT NULL, issued REAL NOT NULL, last_used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS schema_changes (
    seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, object TEXT NOT NULL, spec TEXT NOT NULL, at TEXT NOT NULL
);
"""


def _ident(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not a savepoint name: {name!r}")
    return name


class Database:
    """The org's SQLite connection with helpers for meta values and transactions."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    def savepoint(self, name: str) -> None:
        """Mark a point inside the open transaction that :meth:`rollback_to` can return to."""
        self.conn.execute(f"SAVEPOINT {_ident(name)}")

    def rollback_to(self, name: str) -> None:
        """Undo everything since :meth:`savepoint` ``name`` (the savepoint is released)."""
        self.conn.execute(f"ROLLBACK TO {_ident(name)}")
        self.conn.execute(f"RELEASE {_ident(name)}")

    def release(self, name: str) -> None:
        """Keep the work since :meth:`savepoint` ``name``."""
        self.conn.execute(f"RELEASE {_ident(name)}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else orjson.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, orjson.dumps(value).decode()),
        )

    def close(self) -> None:
        self.conn.close()


def open_database(path: Path, *, cache_mb: int = 32) -> Database:
    """Open (creating when absent) the org database at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, cached_statements=256)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
    conn.execute("PRAGMA temp_store=FILE")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.executescript(_DDL)
    return Database(conn, path)
