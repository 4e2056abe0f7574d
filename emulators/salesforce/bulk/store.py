"""Where Bulk jobs, batches and their data live: two tables in the org database, files beside it.

::

    bulk_jobs(seq, id, api, operation, object, external_id, content_type, concurrency, state,
              created_by, created, modstamp, api_version, options JSON)
    bulk_batches(seq, id, job_id, state, state_message, created, modstamp,
                 processed, failed, total_ms, due, result_ids)

    <org folder>/bulk/<batch id>.req      a v1 batch's request body, as uploaded
    <org folder>/bulk/<batch id>.res      a v1 DML batch's results (CSV, JSON or XML)
    <org folder>/bulk/<result id>.res     one v1 query result file
    <org folder>/bulk/<job id>.upload     a Bulk 2.0 ingest job's uploaded CSV (appended per PUT)
    <org folder>/bulk/<job id>.<kind>.csv a Bulk 2.0 job's successful / failed / unprocessed rows,
                                          or its query results

Bodies and results are files because they can be large (a Bulk 2.0 upload is up to 150 MB) and
are read back as streams. A file is written completely (temporary name, then rename) *before*
the database row that points at it commits, so a crash leaves at most an unreferenced file.
Ids come from the org's counters: ``750`` jobs, ``751`` batches, ``752`` query results.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import orjson

from emulators.salesforce.bulk.model import BatchRow, BulkError, JobRow
from emulators.salesforce.state.db import Database
from emulators.salesforce.state.records import RecordStore

__all__ = ["BulkStore", "JOB_PREFIX", "BATCH_PREFIX", "RESULT_PREFIX"]

JOB_PREFIX, BATCH_PREFIX, RESULT_PREFIX = "750", "751", "752"

_DDL = (
    """CREATE TABLE IF NOT EXISTS bulk_jobs (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, api TEXT NOT NULL, operation TEXT NOT NULL,
        object TEXT NOT NULL, external_id TEXT, content_type TEXT NOT NULL, concurrency TEXT NOT NULL,
        state TEXT NOT NULL, created_by TEXT NOT NULL, created TEXT NOT NULL, modstamp TEXT NOT NULL,
        api_version TEXT NOT NULL, options TEXT NOT NULL DEFAULT '{}')""",
    """CREATE TABLE IF NOT EXISTS bulk_batches (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, job_id TEXT NOT NULL, state TEXT NOT NULL,
        state_message TEXT, created TEXT NOT NULL, modstamp TEXT NOT NULL,
        processed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
        total_ms INTEGER NOT NULL DEFAULT 0, due TEXT, result_ids TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS bulk_batches_by_job ON bulk_batches (job_id, seq)",
)
_JOB_COLS = "id, api, operation, object, external_id, content_type, concurrency, state, created_by, created, modstamp, api_version, options"
_BATCH_COLS = "id, job_id, seq, state, state_message, created, modstamp, processed, failed, total_ms, due, result_ids"


def _job(row: tuple) -> JobRow:
    return JobRow(*row[:-1], orjson.loads(row[-1]))


def _batch(row: tuple) -> BatchRow:
    ids = tuple(x for x in row[-1].split(",") if x)
    return BatchRow(*row[:-1], ids)


class BulkStore:
    """Bulk jobs and batches of one org (see the module docstring)."""

    def __init__(self, db: Database, records: RecordStore, folder: Path) -> None:
        self.db = db
        self.records = records
        self.folder = folder
        for statement in _DDL:
            db.conn.execute(statement)

    # ── ids and files ──────────────────────────────────────────────────────────────
    def new_id(self, prefix: str) -> str:
        return self.records.allocate_id(prefix)

    def path(self, name: str) -> Path:
        if "/" in name or name.startswith("."):
            raise ValueError(f"not a bulk file name: {name!r}")
        return self.folder / name

    def write_file(self, name: str, chunks: Iterable[bytes]) -> int:
        """Write ``name`` completely (temporary file, then rename); return its size in bytes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(name)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        size = 0
        with open(tmp, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        os.replace(tmp, target)
        return size

    def create_file(self, name: str) -> tuple[BinaryIO, Callable[[], None]]:
        """An open handle for ``name`` and a ``commit()`` that closes it and moves it into place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path(name)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        handle = open(tmp, "wb")

        def commit() -> None:
            handle.close()
            os.replace(tmp, target)

        return handle, commit

    def append_file(self, name: str, chunks: Iterable[bytes]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        size = 0
        with open(self.path(name), "ab") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        return size

    def file_size(self, name: str) -> int:
        try:
            return self.path(name).stat().st_size
        except FileNotFoundError:
            return 0

    def read_file(self, name: str, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        """The file's bytes in chunks (nothing when it does not exist)."""
        try:
            handle = open(self.path(name), "rb")
        except FileNotFoundError:
            return
        with handle:
            while True:
                chunk = handle.read(chunk_size)
                if not chunk:
                    return
                yield chunk

    def remove_file(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    # ── jobs ───────────────────────────────────────────────────────────────────────
    def add_job(self, job: JobRow) -> None:
        self.db.conn.execute(
            f"INSERT INTO bulk_jobs ({_JOB_COLS}) VALUES ({','.join('?' * 13)})",
            (*job[:-1], orjson.dumps(job.options).decode()),
        )

    def job(self, job_id: str, *, api: str | None = None) -> JobRow:
        row = self.db.conn.execute(f"SELECT {_JOB_COLS} FROM bulk_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None and len(job_id) == 15:
            row = self.db.conn.execute(
                f"SELECT {_JOB_COLS} FROM bulk_jobs WHERE substr(id, 1, 15) = ?", (job_id,)
            ).fetchone()
        if row is None or (api is not None and row[1] != api):
            raise BulkError("InvalidJob", f"Invalid job id: {job_id}")
        return _job(row)

    def jobs(self, *, api: str | None = None) -> list[JobRow]:
        sql = f"SELECT {_JOB_COLS} FROM bulk_jobs"
        args: tuple[Any, ...] = ()
        if api:
            sql += " WHERE api = ?"
            args = (api,)
        return [_job(r) for r in self.db.conn.execute(sql + " ORDER BY seq", args)]

    def set_job_state(self, job_id: str, state: str, modstamp: str, **options: Any) -> None:
        conn = self.db.conn
        if options:
            current = orjson.loads(conn.execute("SELECT options FROM bulk_jobs WHERE id = ?", (job_id,)).fetchone()[0])
            current.update(options)
            conn.execute(
                "UPDATE bulk_jobs SET state = ?, modstamp = ?, options = ? WHERE id = ?",
                (state, modstamp, orjson.dumps(current).decode(), job_id),
            )
        else:
            conn.execute("UPDATE bulk_jobs SET state = ?, modstamp = ? WHERE id = ?", (state, modstamp, job_id))

    # ── batches ────────────────────────────────────────────────────────────────────
    def add_batch(self, batch_id: str, job_id: str, state: str, created: str, due: str | None, message: str | None = None) -> None:
        self.db.conn.execute(
            "INSERT INTO bulk_batches (id, job_id, state, state_message, created, modstamp, due) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (batch_id, job_id, state, message, created, created, due),
        )

    def batch(self, job_id: str, batch_id: str) -> BatchRow:
        row = self.db.conn.execute(
            f"SELECT {_BATCH_COLS} FROM bulk_batches WHERE id = ? AND job_id = ?", (batch_id, job_id)
        ).fetchone()
        if row is None and len(batch_id) == 15:
            row = self.db.conn.execute(
                f"SELECT {_BATCH_COLS} FROM bulk_batches WHERE substr(id, 1, 15) = ? AND job_id = ?", (batch_id, job_id)
            ).fetchone()
        if row is None:
            raise BulkError("InvalidBatch", f"Invalid batch id: {batch_id}")
        return _batch(row)

    def batches(self, job_id: str) -> list[BatchRow]:
        return [
            _batch(r)
            for r in self.db.conn.execute(
                f"SELECT {_BATCH_COLS} FROM bulk_batches WHERE job_id = ? ORDER BY seq", (job_id,)
            )
        ]

    def finish_batch(
        self,
        batch_id: str,
        *,
        state: str,
        modstamp: str,
        processed: int = 0,
        failed: int = 0,
        total_ms: int = 0,
        message: str | None = None,
        result_ids: tuple[str, ...] = (),
    ) -> None:
        self.db.conn.execute(
            "UPDATE bulk_batches SET state = ?, modstamp = ?, processed = ?, failed = ?, total_ms = ?, "
            "state_message = ?, due = NULL, result_ids = ? WHERE id = ?",
            (state, modstamp, processed, failed, total_ms, message, ",".join(result_ids), batch_id),
        )

    def set_batch_state(self, batch_id: str, state: str, modstamp: str, message: str | None = None) -> None:
        self.db.conn.execute(
            "UPDATE bulk_batches SET state = ?, modstamp = ?, state_message = COALESCE(?, state_message) WHERE id = ?",
            (state, modstamp, message, batch_id),
        )
