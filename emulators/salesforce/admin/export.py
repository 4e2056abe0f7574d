"""The org's full state as deterministic JSON: what tests compare before and after a migration.

The export reads through its **own read-only connection** in one read transaction, so it is a
consistent snapshot even while the server keeps writing, and memory stays flat: records are
streamed object by object in creation order. Layout (keys sorted everywhere)::

    {"format": "st2sf-salesforce-org-export", "version": 1,
     "org": {"name", "org_id", "edition", "sandbox", "display_name"},
     "schema": {"<Object>": {"label", "custom", "key_prefix",
                             "fields": {"<Field>": {"type", "label", "length", …}}}},
     "metadata": {"<Type>": {"<fullName>": "<sha256 of the deployed XML>"}},
     "records": {"<Object>": [{"Id": …, "<Field>": value, …}, …]},      # live records
     "recycle_bin": {"<Object>": ["<Id>", …]}}

Records hold their stored (non-null) fields. ``system_fields=False`` leaves out the fields that
change on every write (CreatedDate, LastModifiedDate, SystemModstamp, …, *ById), so two orgs that
hold the same data compare equal after a load and its rollback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterator

import orjson

from emulators.salesforce.org.identity import OrgIdentity
from emulators.salesforce.org.schema_source import build_schemas
from emulators.salesforce.org.schemas import OrgSchemas
from emulators.salesforce.schema.model import FieldSchema, ObjectSchema
from emulators.salesforce.state.db import Database

__all__ = ["export_chunks", "export_org", "SYSTEM_FIELDS", "EXPORT_FORMAT"]

EXPORT_FORMAT = "st2sf-salesforce-org-export"
SYSTEM_FIELDS = frozenset(
    {
        "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
        "LastViewedDate", "LastReferencedDate", "LastActivityDate",
    }
)
_OPTS = orjson.OPT_SORT_KEYS
_ROWS_PER_CHUNK = 500


def _field(f: FieldSchema) -> dict[str, Any]:
    out: dict[str, Any] = {"type": f.type, "label": f.label, "nillable": f.nillable, "custom": f.custom}
    if f.length:
        out["length"] = f.length
    if f.precision:
        out.update(precision=f.precision, scale=f.scale)
    if f.external_id:
        out["external_id"] = True
    if f.unique:
        out["unique"] = True
    if f.reference_to:
        out["reference_to"] = list(f.reference_to)
    if f.picklist_values:
        out["picklist_values"] = [v.value for v in f.picklist_values if v.active]
        out["restricted"] = f.restricted_picklist
    return out


def _object(schema: ObjectSchema) -> dict[str, Any]:
    return {
        "label": schema.label,
        "custom": schema.custom,
        "key_prefix": schema.key_prefix,
        "fields": {f.name: _field(f) for f in schema.fields},
    }


def _open_readonly(db_path: Path) -> Database:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=10000")
    return Database(conn, db_path)


def _metadata_hashes(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'metadata_components'").fetchone()
    if not exists:
        return {}
    out: dict[str, dict[str, str]] = {}
    for kind, full_name, digest in conn.execute(
        "SELECT type, full_name, sha256 FROM metadata_components WHERE deleted = 0 ORDER BY type, full_name"
    ):
        out.setdefault(kind, {})[full_name] = digest
    return out


def export_chunks(db_path: Path, *, system_fields: bool = True) -> Iterator[bytes]:
    """The export of the org whose database is ``db_path``, as JSON text in chunks."""
    db = _open_readonly(db_path)
    conn = db.conn
    try:
        conn.execute("BEGIN")  # one read transaction: a consistent snapshot
        identity = OrgIdentity.from_json(db.get_meta("identity"))
        audit = bool((db.get_meta("settings", {}) or {}).get("set_audit_fields_on_create", False))
        schemas = OrgSchemas(build_schemas(db, audit))
        head = {
            "format": EXPORT_FORMAT,
            "version": 1,
            "org": {
                "name": identity.name,
                "org_id": identity.org_id,
                "edition": identity.edition,
                "sandbox": identity.sandbox,
                "display_name": identity.display_name,
            },
            "schema": {s.name: _object(s) for s in sorted(schemas.all(), key=lambda s: s.name)},
            "metadata": _metadata_hashes(conn),
        }
        text = orjson.dumps(head, option=_OPTS)
        yield text[:-1] + b',"records":{'
        names = sorted(r[0] for r in conn.execute("SELECT DISTINCT sobject FROM records"))
        bins: dict[str, list[str]] = {}
        first_object = True
        for name in names:
            cursor = conn.execute("SELECT id, deleted, data FROM records WHERE sobject = ? ORDER BY seq", (name,))
            started = False
            buffer: list[bytes] = []
            while True:
                rows = cursor.fetchmany(_ROWS_PER_CHUNK)
                if not rows:
                    break
                for rid, deleted, data in rows:
                    if deleted:
                        bins.setdefault(name, []).append(rid)
                        continue
                    record = orjson.loads(data)
                    if not system_fields:
                        record = {k: v for k, v in record.items() if k not in SYSTEM_FIELDS}
                    if not started:
                        prefix = b"" if first_object else b","
                        buffer.append(prefix + orjson.dumps(name) + b":[")
                        first_object = False
                        started = True
                    else:
                        buffer.append(b",")
                    buffer.append(orjson.dumps(record, option=_OPTS))
                yield b"".join(buffer)
                buffer = []
            if started:
                yield b"]"
        yield b'},"recycle_bin":' + orjson.dumps(bins, option=_OPTS) + b"}\n"
        conn.execute("COMMIT")
    finally:
        conn.close()


def export_org(db_path: Path, *, system_fields: bool = True) -> dict[str, Any]:
    """The whole export as one value (tests; small orgs)."""
    return orjson.loads(b"".join(export_chunks(db_path, system_fields=system_fields)))
