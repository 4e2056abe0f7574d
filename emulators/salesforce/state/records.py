"""The record store: rows on disk in SQLite, read as wire-form dicts.

:class:`RecordStore` is the only code that touches the ``records``, ``keys``, ``refs`` and
``counters`` tables. It does no validation — the write rules (``emulators.salesforce.dml``) decide
what may be written, then call :meth:`insert` / :meth:`update` / :meth:`mark_deleted` inside the
request's transaction. It implements :class:`~emulators.salesforce.schema.provider.RecordSource`
for the SOQL engine.

Stored form: ``data`` holds the record's non-null fields as orjson (wire-form values, Ids in 18
characters). Reading fills every field of the object's current schema (``None`` when absent), so
a field added later reads as null on old rows, and builds compound address/location values from
their components.

``EntityDefinition`` rows are not stored: :mod:`.virtual` computes them from the schema.

Matching keys (external Ids, unique fields) are normalised by :func:`normalise_key`: text is
compared case-insensitively unless the field is case-sensitive; numbers by value.
"""

from __future__ import annotations

from typing import Any, Callable, Collection, Iterable, Iterator

import orjson

from emulators.salesforce.ids import format_id
from emulators.salesforce.org.schemas import ObjectPlan, OrgSchemas
from emulators.salesforce.schema.model import FieldSchema
from emulators.salesforce.state.db import Database
from emulators.salesforce.state.virtual import VirtualRows

__all__ = ["RecordStore", "StoredRecord", "normalise_key"]

_CHUNK = 500


def normalise_key(field: FieldSchema, value: Any) -> str:
    """The form a key value is indexed and matched in."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    text = str(value)
    return text if field.case_sensitive else text.lower()


class StoredRecord:
    """One record as read from the store."""

    __slots__ = ("id", "sobject", "deleted", "data", "seq")

    def __init__(self, record_id: str, sobject: str, deleted: bool, data: dict[str, Any], seq: int = 0) -> None:
        self.id = record_id
        self.sobject = sobject
        self.deleted = deleted
        self.data = data  # stored (sparse) fields only
        self.seq = seq  # creation order


class RecordStore:
    """Records of one org (see the module docstring)."""

    def __init__(self, db: Database, schemas: OrgSchemas, *, pod: str) -> None:
        self.db = db
        self.schemas = schemas
        self.pod = pod
        self.virtual = VirtualRows(schemas, pod)
        # called with the sObject name before each insert; may raise to refuse it (storage allocation)
        self.insert_checks: list[Callable[[str], None]] = []

    # ── Ids ──────────────────────────────────────────────────────────────────────────
    def allocate_id(self, prefix: str) -> str:
        conn = self.db.conn
        row = conn.execute("SELECT next FROM counters WHERE prefix = ?", (prefix,)).fetchone()
        number = row[0] if row else 1
        conn.execute(
            "INSERT INTO counters (prefix, next) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE SET next = excluded.next",
            (prefix, number + 1),
        )
        return format_id(prefix, self.pod, number)

    # ── reading ──────────────────────────────────────────────────────────────────────
    def materialise(self, sobject: str, data: dict[str, Any], plan: ObjectPlan | None = None) -> dict[str, Any]:
        """A full wire-form row from stored data: every field present, compound values built."""
        plan = plan or self.schemas.plan(sobject)
        if plan is None:
            return dict(data)
        row = plan.blank_row()
        row.update(data)
        for compound, parts in plan.compound.items():
            if not parts:
                continue
            value = {key: data.get(name) for name, key in parts}
            row[compound] = value if any(v is not None for v in value.values()) else None
        return row

    def get(self, record_id: str) -> StoredRecord | None:
        hit = self.db.conn.execute(
            "SELECT sobject, deleted, data FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if hit is None:
            return None
        return StoredRecord(record_id, hit[0], bool(hit[1]), orjson.loads(hit[2]))

    def get_many(self, ids: Iterable[str]) -> dict[str, StoredRecord]:
        out: dict[str, StoredRecord] = {}
        wanted = list(dict.fromkeys(ids))
        conn = self.db.conn
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for rid, sobject, deleted, data, seq in conn.execute(
                f"SELECT id, sobject, deleted, data, seq FROM records WHERE id IN ({marks})", chunk
            ):
                out[rid] = StoredRecord(rid, sobject, bool(deleted), orjson.loads(data), seq)
        return out

    def kinds(self, ids: Iterable[str]) -> dict[str, tuple[str, bool]]:
        """``{id: (sobject, deleted)}`` for the Ids that exist (no row data read)."""
        out: dict[str, tuple[str, bool]] = {}
        wanted = list(dict.fromkeys(ids))
        conn = self.db.conn
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for rid, sobject, deleted in conn.execute(
                f"SELECT id, sobject, deleted FROM records WHERE id IN ({marks})", chunk
            ):
                out[rid] = (sobject, bool(deleted))
        return out

    # RecordSource ────────────────────────────────────────────────────────────────────
    def scan(
        self,
        sobject: str,
        *,
        include_deleted: bool = False,
        ids: Collection[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        plan = self.schemas.plan(sobject)
        name = plan.name if plan else sobject
        if self.virtual.handles(name):
            wanted = None if ids is None else set(ids)
            yield from (r for r in self.virtual.scan(name) if wanted is None or r["Id"] in wanted)
            return
        if ids is not None:
            found = self.get_many(ids)
            ordered = sorted(
                (r for r in found.values() if r.sobject == name and (include_deleted or not r.deleted)),
                key=lambda r: r.seq,
            )
            for rec in ordered:
                yield self.materialise(name, rec.data, plan)
            return
        sql = "SELECT data FROM records WHERE sobject = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        sql += " ORDER BY seq"
        # a private cursor: its rows stay readable while other statements run on the connection
        cursor = self.db.conn.cursor()
        cursor.arraysize = 256
        cursor.execute(sql, (name,))
        loads = orjson.loads
        materialise = self.materialise
        while True:
            batch = cursor.fetchmany()
            if not batch:
                break
            for (data,) in batch:
                yield materialise(name, loads(data), plan)

    def fetch(self, ids: Collection[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        out = {
            rid: (rec.sobject, self.materialise(rec.sobject, rec.data))
            for rid, rec in self.get_many(ids).items()
        }
        for rid in ids:
            if rid not in out and rid.startswith("000"):
                row = self.virtual.get(rid)
                if row is not None:
                    out[rid] = ("EntityDefinition", row)
        return out

    def count(self, sobject: str, *, include_deleted: bool = False) -> int:
        plan = self.schemas.plan(sobject)
        name = plan.name if plan else sobject
        if self.virtual.handles(name):
            return self.virtual.count()
        if include_deleted:
            row = self.db.conn.execute("SELECT count(*) FROM records WHERE sobject = ?", (name,)).fetchone()
        else:
            row = self.db.conn.execute(
                "SELECT count(*) FROM records WHERE sobject = ? AND deleted = 0", (name,)
            ).fetchone()
        return int(row[0])

    def total(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM records WHERE deleted = 0").fetchone()[0])

    # ── matching keys and lookups ────────────────────────────────────────────────────
    def ids_by_key(self, sobject: str, field: FieldSchema, value: Any) -> list[str]:
        """Live records of ``sobject`` whose indexed ``field`` matches ``value``, oldest first."""
        rows = self.db.conn.execute(
            "SELECT k.id FROM keys k JOIN records r ON r.id = k.id "
            "WHERE k.sobject = ? AND k.field = ? AND k.value = ? ORDER BY r.seq",
            (sobject, field.name, normalise_key(field, value)),
        ).fetchall()
        return [r[0] for r in rows]

    def children(self, parent_id: str) -> list[tuple[str, str]]:
        """``[(child id, field)]`` of records whose tracked lookups point at ``parent_id``."""
        return [
            (child, field)
            for child, field in self.db.conn.execute(
                "SELECT child, field FROM refs WHERE parent = ? ORDER BY rowid", (parent_id,)
            )
        ]

    # ── writing (callers hold the transaction) ───────────────────────────────────────
    def insert(self, sobject: str, record_id: str, data: dict[str, Any]) -> None:
        """Store a new record (``data`` in wire form; null values are dropped)."""
        for check in self.insert_checks:
            check(sobject)
        stored = {k: v for k, v in data.items() if v is not None}
        conn = self.db.conn
        conn.execute(
            "INSERT INTO records (id, sobject, deleted, data) VALUES (?, ?, 0, ?)",
            (record_id, sobject, orjson.dumps(stored)),
        )
        self._index(sobject, record_id, stored)

    def update(self, sobject: str, record_id: str, data: dict[str, Any]) -> None:
        """Replace the stored fields of a record (``data`` is the whole new state)."""
        stored = {k: v for k, v in data.items() if v is not None}
        conn = self.db.conn
        conn.execute("UPDATE records SET data = ? WHERE id = ?", (orjson.dumps(stored), record_id))
        conn.execute("DELETE FROM keys WHERE id = ?", (record_id,))
        conn.execute("DELETE FROM refs WHERE child = ?", (record_id,))
        self._index(sobject, record_id, stored)

    def mark_deleted(self, record_id: str, data: dict[str, Any]) -> None:
        """Move a record to the recycle bin: ``IsDeleted`` true, keys released, lookups kept."""
        stored = {k: v for k, v in data.items() if v is not None}
        conn = self.db.conn
        conn.execute("UPDATE records SET deleted = 1, data = ? WHERE id = ?", (orjson.dumps(stored), record_id))
        conn.execute("DELETE FROM keys WHERE id = ?", (record_id,))
        conn.execute("DELETE FROM refs WHERE child = ?", (record_id,))

    def purge(self, record_id: str) -> None:
        """Remove a record for good (hard delete / emptied recycle bin): row, keys and lookups."""
        conn = self.db.conn
        conn.execute("DELETE FROM keys WHERE id = ?", (record_id,))
        conn.execute("DELETE FROM refs WHERE child = ?", (record_id,))
        conn.execute("DELETE FROM records WHERE id = ?", (record_id,))

    def _index(self, sobject: str, record_id: str, stored: dict[str, Any]) -> None:
        plan = self.schemas.plan(sobject)
        if plan is None:
            return
        conn = self.db.conn
        for f in plan.key_fields:
            value = stored.get(f.name)
            if value is not None and value != "":
                conn.execute(
                    "INSERT INTO keys (sobject, field, value, id) VALUES (?, ?, ?, ?)",
                    (plan.name, f.name, normalise_key(f, value), record_id),
                )
        for f in plan.tracked_refs:
            parent = stored.get(f.name)
            if parent:
                conn.execute("INSERT INTO refs (parent, child, field) VALUES (?, ?, ?)", (parent, record_id, f.name))

    def reindex(self, sobject: str) -> None:
        """Rebuild keys and refs of every live record of ``sobject`` (after a schema change)."""
        plan = self.schemas.plan(sobject)
        if plan is None:
            return
        conn = self.db.conn
        conn.execute("DELETE FROM keys WHERE sobject = ?", (plan.name,))
        conn.execute(
            "DELETE FROM refs WHERE child IN (SELECT id FROM records WHERE sobject = ?)", (plan.name,)
        )
        rows = conn.execute("SELECT id, data FROM records WHERE sobject = ? AND deleted = 0", (plan.name,)).fetchall()
        for rid, data in rows:
            self._index(plan.name, rid, orjson.loads(data))
