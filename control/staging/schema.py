"""The staging store's tables (SQLAlchemy Core; SQLite and PostgreSQL, SQLAlchemy 1.4 and 2.x).

``records``       one row per source record: the raw payload (canonical JSON), its source id, its
                  ``updated_at`` as sent and as a UTC ordering key, and the SHA-256 of the payload.
``tombstones``    deleted records from ``/deleted_records`` (a tombstoned id never comes back).
``files``         per attachment: the body's state in the blob folder (stored / missing / mismatch).
``checkpoints``   per feed (a resource, or the tombstone feed): the pass under way and its cursor,
                  the watermark of the last completed pass. Written in the same transaction as the page
                  it describes, so it can never run ahead of the data.
``meta``          JSON documents about the source: the tenant summary, its core-field schema, export info.
``export_ids``    the ids read so far from each export file, with their line (duplicate ids are refused);
                  written in the page's transaction, so it never runs ahead of the records.

For export feeds (``export:<resource>``) a checkpoint's ``since`` holds the file's fingerprint (size and
modification time) and ``cursor`` the number of rows committed.

Text keys compare byte-wise on both backends (``COLLATE "C"`` on PostgreSQL), so ordering — and with it
the staging digest — is the same whichever database holds the store.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

__all__ = ["metadata", "records", "tombstones", "files", "checkpoints", "meta", "export_ids", "key_type"]

metadata = MetaData()


def key_type(length: int) -> String:
    """A text key that orders byte-wise on every backend."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")  # type: ignore[return-value]


records = Table(
    "records",
    metadata,
    Column("resource", key_type(200), primary_key=True),
    Column("source_id", key_type(64), primary_key=True),
    Column("updated_at", String(64), nullable=False),       # as the source sent it
    Column("updated_key", String(32), nullable=False),      # UTC, fixed width: string order = instant order
    Column("content_hash", String(64), nullable=False),     # sha256 of payload
    Column("payload", Text, nullable=False),                # canonical JSON of the record
    Index("ix_records_updated", "resource", "updated_key"),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("resource", key_type(200), primary_key=True),
    Column("source_id", key_type(64), primary_key=True),
    Column("deleted_at", String(64), nullable=False),
    Column("deleted_key", String(32), nullable=False),
)

files = Table(
    "files",
    metadata,
    Column("attachment_id", key_type(64), primary_key=True),
    Column("expected_sha256", String(64)),
    Column("expected_size", BigInteger),
    Column("status", String(20), nullable=False),           # stored | missing | mismatch
    Column("blob_sha256", String(64)),                      # what the blob folder holds (content address)
    Column("blob_size", BigInteger),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("feed", key_type(200), primary_key=True),
    Column("status", String(20), nullable=False),           # running | complete
    Column("since", String(32)),                            # updated_since of the pass (None: full pass)
    Column("cursor", Text),                                 # next page of the running pass (None: first page)
    Column("pass_time", String(32)),                        # server_time of the pass's first page
    Column("watermark", String(32)),                        # pass_time of the last completed pass
    Column("pages", Integer, nullable=False, default=0),
    Column("records", BigInteger, nullable=False, default=0),
)

meta = Table(
    "meta",
    metadata,
    Column("key", key_type(100), primary_key=True),
    Column("value", Text, nullable=False),
)

export_ids = Table(
    "export_ids",
    metadata,
    Column("feed", key_type(200), primary_key=True),
    Column("source_id", key_type(64), primary_key=True),
    Column("line", Integer, nullable=False),
)
