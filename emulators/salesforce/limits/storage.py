"""Data and file storage, accounted as Salesforce does and kept current by the database itself.

Salesforce charges **data storage** per record — 2 KB for most objects (Campaign 8 KB, person
accounts 4 KB), nothing for setup objects (users, profiles, record types …) — and **file storage**
by the bytes of files (ContentVersion, Attachment). We keep both totals in one small table,
maintained by SQLite triggers on the ``records`` table, so every write path (REST, composite,
collections, Bulk, seeding) is counted without knowing about storage, and a rolled-back request
rolls its storage back too::

    storage_usage(kind TEXT PRIMARY KEY, bytes INTEGER)        kind: 'data' | 'file'
    storage_weights(sobject TEXT PRIMARY KEY, bytes INTEGER)   exceptions to 2,048 bytes

    records INSERT (live)            → data += weight(sobject); file += size of the file
    records UPDATE deleted 0 → 1     → subtract;   1 → 0 (undelete) → add again
    records DELETE (purge, live row) → subtract

Records in the recycle bin do not count (they are marked deleted). :meth:`StorageAccount.recount`
rebuilds both totals from the rows (run when the triggers are first installed on an older org).
"""

from __future__ import annotations

from typing import Mapping

from emulators.salesforce.state.db import Database

__all__ = ["StorageAccount", "RECORD_BYTES", "WEIGHTS", "weight_of", "FILE_OBJECTS"]

RECORD_BYTES = 2048
# objects that do not cost 2 KB of data storage
WEIGHTS: Mapping[str, int] = {
    "Campaign": 8192,
    "PersonAccount": 4096,
    # setup objects and files (files are charged to file storage instead)
    **dict.fromkeys(
        (
            "User", "Profile", "RecordType", "Organization", "PermissionSet", "PermissionSetAssignment",
            "Group", "UserRole", "BusinessProcess", "TabDefinition", "EntityDefinition", "RecentlyViewed",
            "ContentDocument", "ContentVersion", "ContentDocumentLink", "Attachment",
        ),
        0,
    ),
}
FILE_OBJECTS = ("ContentVersion", "Attachment")

# bytes of a file row: its recorded size (a ContentVersion always has ContentSize; its body is on disk,
# see emulators.salesforce.content), else the decoded length of a base64 body kept in the row (Attachment)
_FILE_BYTES = (
    "COALESCE(json_extract(CAST({row}.data AS TEXT), '$.ContentSize'),"
    " json_extract(CAST({row}.data AS TEXT), '$.BodyLength'),"
    " length(json_extract(CAST({row}.data AS TEXT), '$.VersionData')) * 3 / 4,"
    " length(json_extract(CAST({row}.data AS TEXT), '$.Body')) * 3 / 4, 0)"
)
_WEIGHT = "COALESCE((SELECT bytes FROM storage_weights WHERE sobject = {row}.sobject), " + str(RECORD_BYTES) + ")"
_FILE_LIST = ", ".join(f"'{name}'" for name in FILE_OBJECTS)


def _change(sign: str, row: str) -> str:
    return (
        f"UPDATE storage_usage SET bytes = bytes {sign} {_WEIGHT.format(row=row)} WHERE kind = 'data';\n"
        f"UPDATE storage_usage SET bytes = bytes {sign} {_FILE_BYTES.format(row=row)} "
        f"WHERE kind = 'file' AND {row}.sobject IN ({_FILE_LIST});\n"
    )


_DDL = f"""
CREATE TABLE IF NOT EXISTS storage_usage (kind TEXT PRIMARY KEY, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS storage_weights (sobject TEXT PRIMARY KEY, bytes INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS storage_on_insert AFTER INSERT ON records WHEN NEW.deleted = 0 BEGIN
{_change('+', 'NEW')}END;
CREATE TRIGGER IF NOT EXISTS storage_on_soft_delete AFTER UPDATE OF deleted ON records
WHEN OLD.deleted = 0 AND NEW.deleted = 1 BEGIN
{_change('-', 'OLD')}END;
CREATE TRIGGER IF NOT EXISTS storage_on_undelete AFTER UPDATE OF deleted ON records
WHEN OLD.deleted = 1 AND NEW.deleted = 0 BEGIN
{_change('+', 'NEW')}END;
CREATE TRIGGER IF NOT EXISTS storage_on_purge AFTER DELETE ON records WHEN OLD.deleted = 0 BEGIN
{_change('-', 'OLD')}END;
"""


def weight_of(sobject: str) -> int:
    """Data-storage bytes one record of ``sobject`` costs."""
    return WEIGHTS.get(sobject, RECORD_BYTES)


class StorageAccount:
    """The org's storage totals (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        conn = db.conn
        if db.in_transaction:
            raise RuntimeError("open StorageAccount outside a transaction (its DDL commits)")
        fresh = conn.execute("SELECT name FROM sqlite_master WHERE name = 'storage_usage'").fetchone() is None
        conn.executescript(_DDL)
        with db.transaction():
            conn.execute("DELETE FROM storage_weights")
            conn.executemany("INSERT INTO storage_weights (sobject, bytes) VALUES (?, ?)", list(WEIGHTS.items()))
            if fresh or conn.execute("SELECT count(*) FROM storage_usage").fetchone()[0] != 2:
                self._recount()

    def _recount(self) -> None:
        conn = self.db.conn
        data = conn.execute(
            f"SELECT COALESCE(SUM({_WEIGHT.format(row='r')}), 0) FROM records r WHERE r.deleted = 0"
        ).fetchone()[0]
        files = conn.execute(
            f"SELECT COALESCE(SUM({_FILE_BYTES.format(row='r')}), 0) FROM records r "
            f"WHERE r.deleted = 0 AND r.sobject IN ({_FILE_LIST})"
        ).fetchone()[0]
        conn.execute("INSERT OR REPLACE INTO storage_usage (kind, bytes) VALUES ('data', ?), ('file', ?)", (data, files))

    def recount(self) -> None:
        """Rebuild both totals from the stored rows."""
        with self.db.transaction():
            self._recount()

    def used(self) -> tuple[int, int]:
        """``(data bytes, file bytes)`` in use."""
        rows = dict(self.db.conn.execute("SELECT kind, bytes FROM storage_usage"))
        return int(rows.get("data", 0)), int(rows.get("file", 0))

    def data_bytes(self) -> int:
        row = self.db.conn.execute("SELECT bytes FROM storage_usage WHERE kind = 'data'").fetchone()
        return int(row[0]) if row else 0
