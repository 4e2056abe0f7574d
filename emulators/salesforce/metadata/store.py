"""What the Metadata API keeps in the org database: deployed components, Flow versions, permission
grants, and the results of deploys and retrieves.

::

    metadata_components(type, full_name, file_name, xml, sha256, id, created, created_by,
                        modified, modified_by)            the last deployed XML of each component
    metadata_flow_versions(full_name, version, status, xml, sha256, created)
                                                          every deployed version of every Flow
    metadata_grants(permission_set, kind, name, readable, editable)
                                                          object ('object') and field ('field')
                                                          permissions of deployed permission sets
    metadata_requests(id, kind, created, result)          deploy / retrieve results (JSON)

Rows are written in the deploy's transaction, so an all-or-none deploy that rolls back leaves
none of them behind. A CustomObject's stored XML holds the object *and* its children (fields,
record types …) as last deployed; retrieve reassembles from it.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, NamedTuple

import orjson

from emulators.salesforce.state.db import Database

__all__ = ["MetadataStore", "StoredComponent", "FlowVersion", "sha256_of"]

_DDL = (
    """CREATE TABLE IF NOT EXISTS metadata_components (
        type TEXT NOT NULL, full_name TEXT NOT NULL, file_name TEXT NOT NULL, xml BLOB NOT NULL, sha256 TEXT NOT NULL,
        id TEXT NOT NULL, created TEXT NOT NULL, created_by TEXT NOT NULL, modified TEXT NOT NULL,
        modified_by TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (type, full_name))""",
    """CREATE TABLE IF NOT EXISTS metadata_flow_versions (
        full_name TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, xml BLOB NOT NULL,
        sha256 TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (full_name, version))""",
    """CREATE TABLE IF NOT EXISTS metadata_grants (
        permission_set TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
        readable INTEGER NOT NULL, editable INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS metadata_grants_by_set ON metadata_grants (permission_set)",
    """CREATE TABLE IF NOT EXISTS metadata_requests (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, created TEXT NOT NULL, result BLOB NOT NULL)""",
)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class StoredComponent(NamedTuple):
    type: str
    full_name: str
    file_name: str
    xml: bytes
    sha256: str
    id: str
    created: str
    created_by: str
    modified: str
    modified_by: str


class FlowVersion(NamedTuple):
    full_name: str
    version: int
    status: str
    sha256: str
    created: str


class MetadataStore:
    """Metadata rows of one org (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        for statement in _DDL:
            db.conn.execute(statement)

    # ── components ─────────────────────────────────────────────────────────────────
    def get(self, kind: str, full_name: str) -> StoredComponent | None:
        row = self.db.conn.execute(
            "SELECT type, full_name, file_name, xml, sha256, id, created, created_by, modified, modified_by "
            "FROM metadata_components WHERE type = ? AND lower(full_name) = lower(?) AND deleted = 0",
            (kind, full_name),
        ).fetchone()
        return StoredComponent(*row) if row else None

    def list(self, kind: str) -> list[StoredComponent]:
        return [
            StoredComponent(*row)
            for row in self.db.conn.execute(
                "SELECT type, full_name, file_name, xml, sha256, id, created, created_by, modified, modified_by "
                "FROM metadata_components WHERE type = ? AND deleted = 0 ORDER BY full_name",
                (kind,),
            )
        ]

    def put(self, kind: str, full_name: str, file_name: str, xml: bytes, *, new_id: str, user_id: str, now: str) -> StoredComponent:
        """Insert or replace a component; keeps its Id and creation stamp when it already exists."""
        current = self.get(kind, full_name)
        digest = sha256_of(xml)
        if current is None:
            self.db.conn.execute(
                "INSERT OR REPLACE INTO metadata_components (type, full_name, file_name, xml, sha256, id, created, "
                "created_by, modified, modified_by, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (kind, full_name, file_name, xml, digest, new_id, now, user_id, now, user_id),
            )
        else:
            self.db.conn.execute(
                "UPDATE metadata_components SET file_name = ?, xml = ?, sha256 = ?, modified = ?, modified_by = ? "
                "WHERE type = ? AND full_name = ?",
                (file_name, xml, digest, now, user_id, kind, current.full_name),
            )
        stored = self.get(kind, full_name)
        assert stored is not None
        return stored

    # ── flows ──────────────────────────────────────────────────────────────────────
    def flow_versions(self, full_name: str) -> list[FlowVersion]:
        return [
            FlowVersion(*row)
            for row in self.db.conn.execute(
                "SELECT full_name, version, status, sha256, created FROM metadata_flow_versions "
                "WHERE lower(full_name) = lower(?) ORDER BY version",
                (full_name,),
            )
        ]

    def add_flow_version(self, full_name: str, status: str, xml: bytes, now: str) -> FlowVersion:
        """A new version (status Active retires the previous active one to Obsolete)."""
        versions = self.flow_versions(full_name)
        number = (versions[-1].version if versions else 0) + 1
        if status == "Active":
            self.db.conn.execute(
                "UPDATE metadata_flow_versions SET status = 'Obsolete' WHERE lower(full_name) = lower(?) AND status = 'Active'",
                (full_name,),
            )
        self.db.conn.execute(
            "INSERT INTO metadata_flow_versions (full_name, version, status, xml, sha256, created) VALUES (?, ?, ?, ?, ?, ?)",
            (full_name, number, status, xml, sha256_of(xml), now),
        )
        return FlowVersion(full_name, number, status, sha256_of(xml), now)

    # ── permission grants ──────────────────────────────────────────────────────────
    def set_grants(self, permission_set: str, grants: Iterable[tuple[str, str, bool, bool]]) -> None:
        conn = self.db.conn
        conn.execute("DELETE FROM metadata_grants WHERE permission_set = ?", (permission_set,))
        conn.executemany(
            "INSERT INTO metadata_grants (permission_set, kind, name, readable, editable) VALUES (?, ?, ?, ?, ?)",
            [(permission_set, kind, name, int(r), int(e)) for kind, name, r, e in grants],
        )

    def readable_fields(self, permission_sets: Iterable[str]) -> set[str]:
        """``{"Object.Field"}`` (lower-cased) readable through any of ``permission_sets``."""
        names = list(permission_sets)
        if not names:
            return set()
        marks = ",".join("?" * len(names))
        rows = self.db.conn.execute(
            f"SELECT name FROM metadata_grants WHERE kind = 'field' AND readable = 1 AND permission_set IN ({marks})",
            names,
        )
        return {r[0].lower() for r in rows}

    # ── requests ───────────────────────────────────────────────────────────────────
    def save_request(self, request_id: str, kind: str, now: str, result: dict[str, Any]) -> None:
        self.db.conn.execute(
            "INSERT OR REPLACE INTO metadata_requests (id, kind, created, result) VALUES (?, ?, ?, ?)",
            (request_id, kind, now, orjson.dumps(result)),
        )

    def request(self, request_id: str) -> tuple[str, dict[str, Any]] | None:
        row = self.db.conn.execute(
            "SELECT kind, result FROM metadata_requests WHERE id = ? OR substr(id, 1, 15) = ?",
            (request_id, request_id[:15]),
        ).fetchone()
        return (row[0], orjson.loads(row[1])) if row else None
