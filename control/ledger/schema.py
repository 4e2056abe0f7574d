"""The run ledger's tables (SQLAlchemy Core; works on SQLite and PostgreSQL, SQLAlchemy 1.4 and 2.x).

Every row a ledger write creates or changes is covered by an entry of ``audit_log`` written in the
same transaction (see :mod:`control.ledger.chain`); ``id_map`` and ``before_images`` rows carry the
``audit_seq`` of the entry that covers them.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

__all__ = ["metadata", "runs", "steps", "id_map", "before_images", "audit_log"]

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("command", String(200), nullable=False),
    Column("options", Text, nullable=False),  # canonical JSON, secrets redacted
    Column("status", String(20), nullable=False),
    Column("actor", String(200)),
    Column("host", String(200)),
    Column("pid", Integer),
    Column("resumes", String(40)),  # the interrupted run this one continues
    Column("started_at", String(40), nullable=False),
    Column("ended_at", String(40)),
    Column("error", Text),  # canonical JSON of St2sfError.fields(), redacted
)

steps = Table(
    "steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("planned_at", String(40), nullable=False),
    Column("started_at", String(40)),
    Column("ended_at", String(40)),
    Column("counts", Text),  # canonical JSON
    Column("error", Text),
    UniqueConstraint("run_id", "name", name="uq_steps_run_name"),
)

id_map = Table(
    "id_map",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), nullable=False),
    Column("step", String(200), nullable=False),
    Column("sobject", String(100), nullable=False),
    Column("source_key", String(255), nullable=False),
    Column("salesforce_id", String(18), nullable=False),
    Column("action", String(10), nullable=False),
    Column("audit_seq", Integer, nullable=False),
    Index("ix_id_map_lookup", "run_id", "sobject", "source_key"),
    Index("ix_id_map_sfid", "salesforce_id"),
    Index("ix_id_map_audit", "audit_seq"),
)

before_images = Table(
    "before_images",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), nullable=False),
    Column("step", String(200), nullable=False),
    Column("sobject", String(100), nullable=False),
    Column("record_id", String(18), nullable=False),
    Column("fields", Text, nullable=False),  # canonical JSON of the values before the change
    Column("audit_seq", Integer, nullable=False),
    UniqueConstraint("run_id", "sobject", "record_id", name="uq_before_image"),
    Index("ix_before_images_audit", "audit_seq"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("run_id", String(40)),
    Column("actor", String(200)),
    Column("event", String(100), nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
