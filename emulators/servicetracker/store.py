"""The served tenant: a SQLite copy of the fixture folder, built once, read page by page.

Why SQLite: the server must keep a flat memory profile for a 2,000,000-record tenant and still
answer keyset pages fast, and ``churn`` must change the tenant *while* the server serves it. One
SQLite file in WAL mode gives both: readers never block on the writer, each ``SELECT`` is one
consistent snapshot, and the page cache is bounded.

Layout::

    meta(key, value)                            epoch (changes on every rebuild),
                                                source folder, source fingerprint, tenant.json
    records(resource, id, updated_us, body)     body = the record's JSON bytes, as served
        UNIQUE (resource, id)                   single-record reads, duplicate detection
        INDEX  (resource, updated_us, id)       the documented order; keyset pages are index range scans
    tombstones(resource, id, deleted_us, body)
        UNIQUE (resource, id);  INDEX (deleted_us, resource, id)

The build writes ``<db>.building`` and renames it over the old file only when complete, so a
crashed build leaves the previous tenant (or none) — never half of one.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import orjson

from emulators.servicetracker.fixture import fingerprint, iter_records, iter_tombstones, resource_files
from emulators.servicetracker.problems import BadInput
from emulators.servicetracker.tenant import read_tenant

__all__ = ["TenantStore", "Row", "TombstoneRow", "build_store", "store_is_current"]

_BATCH = 5_000

_DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records(resource TEXT NOT NULL, id TEXT NOT NULL, updated_us INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE tombstones(resource TEXT NOT NULL, id TEXT NOT NULL, deleted_us INTEGER NOT NULL, body BLOB NOT NULL);
"""
_INDEXES = """
CREATE UNIQUE INDEX records_key ON records(resource, id);
CREATE INDEX records_order ON records(resource, updated_us, id);
CREATE UNIQUE INDEX tombstones_key ON tombstones(resource, id);
CREATE INDEX tombstones_order ON tombstones(deleted_us, resource, id);
"""


class Row(NamedTuple):
    updated_us: int
    id: str
    body: bytes


class TombstoneRow(NamedTuple):
    deleted_us: int
    resource: str
    id: str
    body: bytes


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA cache_size=-16000")  # 16 MB page cache: memory stays flat whatever the tenant size
    if readonly:
        conn.execute("PRAGMA query_only=1")
    return conn


def store_is_current(db_path: Path, folder: Path) -> bool:
    """True when ``db_path`` was built from ``folder`` as it is now."""
    if not db_path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return meta.get("source") == str(folder.resolve()) and meta.get("fingerprint") == fingerprint(folder)


def build_store(folder: Path, db_path: Path, *, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Load ``folder`` into a fresh SQLite file at ``db_path``; return record counts per resource."""
    folder = folder.resolve()
    config = read_tenant(folder)
    tmp = db_path.with_name(db_path.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    conn = sqlite3.connect(str(tmp), isolation_level=None)
    counts: dict[str, int] = {}
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(_DDL)
        conn.execute("BEGIN")
        for resource, path in resource_files(folder):
            counts[resource] = _load(conn, resource, iter_records(path, resource), progress)
        tomb_path = folder / "tombstones.jsonl"
        if tomb_path.is_file():
            counts["tombstones"] = _load_tombstones(conn, iter_tombstones(tomb_path))
        conn.execute("COMMIT")
        try:
            conn.executescript(_INDEXES)
        except sqlite3.IntegrityError:
            raise BadInput(_duplicate_message(conn, folder)) from None
        meta = {
            "epoch": secrets.token_hex(8),
            "source": str(folder),
            "fingerprint": fingerprint(folder),
            "tenant": orjson.dumps({"name": config.name, "time_zone": config.time_zone}).decode(),
        }
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.execute("ANALYZE")
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    for stale in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return counts


def _load(conn: sqlite3.Connection, resource: str, records: Iterable, progress: Callable[[str, int], None] | None) -> int:
    count = 0
    batch: list[tuple[str, str, int, bytes]] = []
    for rec in records:
        batch.append((resource, rec.id, rec.updated_us, rec.body))
        if len(batch) >= _BATCH:
            conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", batch)
            count += len(batch)
            batch.clear()
            if progress:
                progress(resource, count)
    if batch:
        conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", batch)
        count += len(batch)
    if progress:
        progress(resource, count)
    return count


def _load_tombstones(conn: sqlite3.Connection, tombstones: Iterable) -> int:
    count = 0
    batch: list[tuple[str, str, int, bytes]] = []
    for tomb in tombstones:
        batch.append((tomb.resource, tomb.id, tomb.deleted_us, tomb.body))
        if len(batch) >= _BATCH:
            conn.executemany("INSERT INTO tombstones VALUES (?, ?, ?, ?)", batch)
            count += len(batch)
            batch.clear()
    conn.executemany("INSERT INTO tombstones VALUES (?, ?, ?, ?)", batch)
    return count + len(batch)


def _duplicate_message(conn: sqlite3.Connection, folder: Path) -> str:
    row = conn.execute("SELECT resource, id FROM records GROUP BY resource, id HAVING count(*) > 1 LIMIT 1").fetchone()
    if row:
        resource, record_id = row
        name = f"{resource}.jsonl" if "/" not in resource else f"custom_tables/{resource.split('/')[1]}.jsonl"
        return f"{folder / name}: id {record_id!r} appears more than once; ids must be unique within a resource."
    row = conn.execute("SELECT resource, id FROM tombstones GROUP BY resource, id HAVING count(*) > 1 LIMIT 1").fetchone()
    return f"{folder / 'tombstones.jsonl'}: {row[0]} {row[1]!r} is tombstoned twice; keep one line per deleted record."


class TenantStore:
    """Read (and, for churn, write) access to a built tenant database."""

    def __init__(self, db_path: Path, *, readonly: bool = False) -> None:
        self.path = db_path
        self._conn = _connect(db_path, readonly=readonly)
        self.meta: dict[str, str] = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def close(self) -> None:
        self._conn.close()

    @property
    def epoch(self) -> str:
        return self.meta["epoch"]

    @property
    def source(self) -> Path:
        return Path(self.meta["source"])

    def tenant(self) -> dict:
        return orjson.loads(self.meta["tenant"])

    # ── reads ───────────────────────────────────────────────────────────────────────────

    def page(self, resource: str, *, after: tuple[int, str] | None, since_us: int | None, limit: int) -> list[Row]:
        """Up to ``limit`` rows in (updated_us, id) order strictly after ``after`` and at/after ``since_us``."""
        sql = "SELECT updated_us, id, body FROM records WHERE resource = ?"
        args: list[object] = [resource]
        if after is not None:
            sql += " AND (updated_us, id) > (?, ?)"
            args += [after[0], after[1]]
        if since_us is not None:
            sql += " AND updated_us >= ?"
            args.append(since_us)
        sql += " ORDER BY updated_us, id LIMIT ?"
        args.append(limit)
        return [Row(*row) for row in self._conn.execute(sql, args)]

    def get(self, resource: str, record_id: str) -> bytes | None:
        row = self._conn.execute("SELECT body FROM records WHERE resource = ? AND id = ?",
                                 (resource, record_id)).fetchone()
        return row[0] if row else None

    def tombstone_page(self, *, after: tuple[int, str, str] | None, since_us: int | None, resource: str | None,
                       limit: int) -> list[TombstoneRow]:
        sql = "SELECT deleted_us, resource, id, body FROM tombstones WHERE 1 = 1"
        args: list[object] = []
        if after is not None:
            sql += " AND (deleted_us, resource, id) > (?, ?, ?)"
            args += list(after)
        if since_us is not None:
            sql += " AND deleted_us >= ?"
            args.append(since_us)
        if resource is not None:
            sql += " AND resource = ?"
            args.append(resource)
        sql += " ORDER BY deleted_us, resource, id LIMIT ?"
        args.append(limit)
        return [TombstoneRow(*row) for row in self._conn.execute(sql, args)]

    def is_tombstoned(self, resource: str, record_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM tombstones WHERE resource = ? AND id = ?",
                                  (resource, record_id)).fetchone() is not None

    def counts(self) -> dict[str, int]:
        return dict(self._conn.execute("SELECT resource, count(*) FROM records GROUP BY resource ORDER BY resource"))

    def count(self, resource: str) -> int:
        return self._conn.execute("SELECT count(*) FROM records WHERE resource = ?", (resource,)).fetchone()[0]

    def id_at(self, resource: str, offset: int) -> str | None:
        row = self._conn.execute("SELECT id FROM records WHERE resource = ? ORDER BY id LIMIT 1 OFFSET ?",
                                 (resource, offset)).fetchone()
        return row[0] if row else None

    def ids(self, resource: str) -> Iterator[str]:
        for (record_id,) in self._conn.execute("SELECT id FROM records WHERE resource = ? ORDER BY id", (resource,)):
            yield record_id

    # ── writes (churn) ──────────────────────────────────────────────────────────────────

    def write(self, upserts: Iterable[tuple[str, str, int, bytes]],
              deletes: Iterable[tuple[str, str, int, bytes]], *, meta: dict[str, str] | None = None) -> None:
        """Apply record upserts, deletions (each with its tombstone) and meta values in one transaction."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for resource, record_id, updated_us, body in upserts:
                conn.execute("INSERT INTO records VALUES (?, ?, ?, ?) ON CONFLICT(resource, id) DO UPDATE SET "
                             "updated_us = excluded.updated_us, body = excluded.body",
                             (resource, record_id, updated_us, body))
            for resource, record_id, deleted_us, tomb_body in deletes:
                conn.execute("DELETE FROM records WHERE resource = ? AND id = ?", (resource, record_id))
                conn.execute("INSERT INTO tombstones VALUES (?, ?, ?, ?)", (resource, record_id, deleted_us, tomb_body))
            for key, value in (meta or {}).items():
                conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             (key, value))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.meta.update(meta or {})
