"""The staging store: raw source records, tombstones, attachment-file states and extraction checkpoints.

Open with ``StagingStore.open(settings.staging_url)`` — a SQLite file by default, PostgreSQL when
``st2sf.toml`` names one (``[staging] url``; needs the ``[postgres]`` extra). Engines come from
:func:`control.database.create_store_engine`.

**Write rule.** Every write is one transaction that changes the data *and* the checkpoint describing
it (:meth:`write_page`, :meth:`write_tombstones`). After a ``kill -9`` the checkpoint therefore names
exactly the pages that are in the store, and resuming from it rewrites nothing twice and misses nothing.

**Upsert rule.** A record is kept at its latest version: an incoming version replaces the stored one
when its ``updated_at`` *instant* is later (ties: the larger content hash, so replays are
order-independent). Identical content counts as ``unchanged`` — the overlap of incremental passes. A record
whose id has a tombstone is refused (ids are never reused, contract §5).

**Reads stream**: :meth:`iter_records` pages through a resource by source id in bounded batches.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Iterator, Mapping, Sequence

import orjson
from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from control.database import create_store_engine
from control.errors import Failure
from control.servicetracker.instants import utc_key
from control.staging.models import (
    Checkpoint, FileRecord, FileStatus, PageCounts, PassStatus, StagedRecord, Tombstone, TombstoneCounts,
)
from control.staging.schema import checkpoints, export_ids, files, meta, metadata, records, tombstones

__all__ = ["StagingStore", "DuplicateIdError", "canonical_payload", "record_key"]

_CHUNK = 500  # ids per IN (…) — well inside every backend's parameter limit


class DuplicateIdError(ValueError):
    """An export file holds the same id twice (``first_line`` and ``line``)."""

    def __init__(self, source_id: str, first_line: int, line: int) -> None:
        super().__init__(f"id {source_id!r} appears on line {first_line} and again on line {line}")
        self.source_id, self.first_line, self.line = source_id, first_line, line


def canonical_payload(record: Mapping[str, Any]) -> bytes:
    """The record's canonical JSON (sorted keys, no spaces, UTF-8): what is stored and hashed."""
    try:
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits: the standard library handles them
        return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_key(record: Mapping[str, Any]) -> tuple[str, str]:
    """``(source id, updated_at UTC key)`` of a record; ``ValueError`` naming what is wrong."""
    if not isinstance(record, Mapping):
        raise ValueError("the record is not a JSON object")
    source_id = record.get("id")
    if not isinstance(source_id, str) or not 1 <= len(source_id) <= 64:
        raise ValueError(f"'id' must be a string of 1 to 64 characters, not {source_id!r}")
    updated = record.get("updated_at")
    try:
        key = utc_key(updated)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"record {source_id}: 'updated_at' is not a datetime with an offset: {updated!r}") from None
    return source_id, key


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class StagingStore:
    """Staged source data at one SQLAlchemy URL. Safe for several processes; one writer at a time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def open(cls, url: str) -> "StagingStore":
        engine = create_store_engine(url, what="staging store")
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise Failure(f"The staging store cannot be opened: {type(exc).__name__}: "
                          f"{getattr(exc, 'orig', exc)}.") from None
        return cls(engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    # ── writes ──────────────────────────────────────────────────────────────────────
    def write_page(self, resource: str, page: Sequence[Mapping[str, Any]],
                   checkpoint: Checkpoint | None = None, *,
                   unique_in: tuple[str, Sequence[int]] | None = None) -> PageCounts:
        """Upsert one page of records of ``resource`` and save ``checkpoint``, in one transaction.

        ``unique_in=(feed, lines)`` (export files) also records each record's id with its line under
        ``feed`` and raises :class:`DuplicateIdError` — writing nothing — when an id was already read."""
        incoming: dict[str, tuple[str, str, str, str]] = {}  # id → (updated_at, key, hash, payload)
        for record in page:
            source_id, key = record_key(record)
            body = canonical_payload(record)
            digest = hashlib.sha256(body).hexdigest()
            candidate = (str(record["updated_at"]), key, digest, body.decode("utf-8"))
            held = incoming.get(source_id)
            if held is None or (key, digest) > (held[1], held[2]):
                incoming[source_id] = candidate
        with self._engine.begin() as conn:
            if unique_in is not None:
                self._claim_ids(conn, unique_in[0], [str(r["id"]) for r in page], unique_in[1])
            counts = self._upsert(conn, resource, incoming)
            if checkpoint is not None:
                self._put_checkpoint(conn, checkpoint)
        return counts

    @staticmethod
    def _claim_ids(conn: Connection, feed: str, ids: Sequence[str], lines: Sequence[int]) -> None:
        if not ids:
            return
        first: dict[str, int] = {}
        for sid, line in zip(ids, lines):
            if sid in first:
                raise DuplicateIdError(sid, first[sid], line)
            first[sid] = line
        q = select(export_ids.c.source_id, export_ids.c.line).where(
            export_ids.c.feed == feed, export_ids.c.source_id.in_(bindparam("ids", expanding=True)))
        for chunk in _chunks(list(first)):
            for sid, line in conn.execute(q, {"ids": list(chunk)}):
                raise DuplicateIdError(sid, line, first[sid])
        conn.execute(export_ids.insert(), [{"feed": feed, "source_id": s, "line": n} for s, n in first.items()])

    def forget_export_ids(self, feed: str, *, after_line: int = 0) -> None:
        """Drop the ids an export feed recorded beyond ``after_line`` (a fresh or resumed file pass)."""
        with self._engine.begin() as conn:
            conn.execute(export_ids.delete().where(export_ids.c.feed == feed, export_ids.c.line > after_line))

    def _upsert(self, conn: Connection, resource: str, incoming: dict[str, tuple[str, str, str, str]]) -> PageCounts:
        if not incoming:
            return PageCounts()
        ids = list(incoming)
        stored: dict[str, tuple[str, str]] = {}
        dead: set[str] = set()
        existing_q = select(records.c.source_id, records.c.updated_key, records.c.content_hash).where(
            records.c.resource == resource, records.c.source_id.in_(bindparam("ids", expanding=True)))
        dead_q = select(tombstones.c.source_id).where(
            tombstones.c.resource == resource, tombstones.c.source_id.in_(bindparam("ids", expanding=True)))
        for chunk in _chunks(ids):
            for sid, key, digest in conn.execute(existing_q, {"ids": list(chunk)}):
                stored[sid] = (key, digest)
            dead.update(sid for (sid,) in conn.execute(dead_q, {"ids": list(chunk)}))
        inserts, updates = [], []
        unchanged = refused = 0
        for sid, (updated_at, key, digest, payload) in incoming.items():
            if sid in dead:
                refused += 1
                continue
            row = {"resource": resource, "source_id": sid, "updated_at": updated_at, "updated_key": key,
                   "content_hash": digest, "payload": payload}
            held = stored.get(sid)
            if held is None:
                inserts.append(row)
            elif held[1] == digest or (key, digest) < held:
                unchanged += 1
            else:
                updates.append({**row, "b_resource": resource, "b_source_id": sid})
        if inserts:
            conn.execute(records.insert(), inserts)
        if updates:
            conn.execute(
                records.update()
                .where(records.c.resource == bindparam("b_resource"), records.c.source_id == bindparam("b_source_id"))
                .values(updated_at=bindparam("updated_at"), updated_key=bindparam("updated_key"),
                        content_hash=bindparam("content_hash"), payload=bindparam("payload")),
                [{k: v for k, v in u.items() if k not in ("resource", "source_id")} for u in updates],
            )
        return PageCounts(len(inserts), len(updates), unchanged, refused)

    def write_tombstones(self, items: Sequence[Tombstone], checkpoint: Checkpoint | None = None) -> TombstoneCounts:
        """Record tombstones, delete the staged records they name, save ``checkpoint`` — one transaction."""
        unique: dict[tuple[str, str], Tombstone] = {}
        for item in items:
            unique.setdefault((item.resource, item.source_id), item)
        recorded = deleted = 0
        with self._engine.begin() as conn:
            keys = list(unique)
            known: set[tuple[str, str]] = set()
            for chunk in _chunks(keys):
                q = select(tombstones.c.resource, tombstones.c.source_id).where(
                    tuple_(tombstones.c.resource, tombstones.c.source_id).in_(list(chunk)))
                known.update((r, s) for r, s in conn.execute(q))
            fresh = [unique[k] for k in keys if k not in known]
            if fresh:
                conn.execute(tombstones.insert(), [
                    {"resource": t.resource, "source_id": t.source_id, "deleted_at": t.deleted_at,
                     "deleted_key": utc_key(t.deleted_at)} for t in fresh])
                recorded = len(fresh)
            for chunk in _chunks(keys):
                result = conn.execute(records.delete().where(
                    tuple_(records.c.resource, records.c.source_id).in_(list(chunk))))
                deleted += result.rowcount or 0
            if checkpoint is not None:
                self._put_checkpoint(conn, checkpoint)
        return TombstoneCounts(recorded, deleted)

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self._engine.begin() as conn:
            self._put_checkpoint(conn, checkpoint)

    @staticmethod
    def _put_checkpoint(conn: Connection, cp: Checkpoint) -> None:
        values = {"status": str(cp.status), "since": cp.since, "cursor": cp.cursor, "pass_time": cp.pass_time,
                  "watermark": cp.watermark, "pages": cp.pages, "records": cp.records}
        changed = conn.execute(checkpoints.update().where(checkpoints.c.feed == cp.feed).values(**values)).rowcount
        if not changed:
            conn.execute(checkpoints.insert().values(feed=cp.feed, **values))

    def record_file(self, file: FileRecord) -> None:
        values = {"expected_sha256": file.expected_sha256, "expected_size": file.expected_size,
                  "status": str(file.status), "blob_sha256": file.blob_sha256, "blob_size": file.blob_size}
        with self._engine.begin() as conn:
            changed = conn.execute(files.update().where(files.c.attachment_id == file.attachment_id)
                                   .values(**values)).rowcount
            if not changed:
                conn.execute(files.insert().values(attachment_id=file.attachment_id, **values))

    def put_meta(self, key: str, value: Any) -> None:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
        with self._engine.begin() as conn:
            if not conn.execute(meta.update().where(meta.c.key == key).values(value=text)).rowcount:
                conn.execute(meta.insert().values(key=key, value=text))

    # ── reads ───────────────────────────────────────────────────────────────────────
    def get_meta(self, key: str) -> Any:
        with self._engine.connect() as conn:
            text = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
        return None if text is None else json.loads(text)

    def checkpoint(self, feed: str) -> Checkpoint | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(checkpoints).where(checkpoints.c.feed == feed)).mappings().first()
        return None if row is None else _checkpoint(row)

    def checkpoints(self) -> dict[str, Checkpoint]:
        with self._engine.connect() as conn:
            return {r["feed"]: _checkpoint(r) for r in conn.execute(select(checkpoints)).mappings()}

    def counts(self) -> dict[str, int]:
        """Records per resource."""
        q = select(records.c.resource, func.count()).group_by(records.c.resource).order_by(records.c.resource)
        with self._engine.connect() as conn:
            return {r: n for r, n in conn.execute(q)}

    def tombstone_counts(self) -> dict[str, int]:
        q = select(tombstones.c.resource, func.count()).group_by(tombstones.c.resource).order_by(tombstones.c.resource)
        with self._engine.connect() as conn:
            return {r: n for r, n in conn.execute(q)}

    def resources(self) -> list[str]:
        return list(self.counts())

    def iter_records(self, resource: str, *, batch: int = 1000) -> Iterator[StagedRecord]:
        """Every record of ``resource`` in source-id order, read ``batch`` rows at a time."""
        after: str | None = None
        while True:
            rows = self.records_after(resource, after, batch)
            yield from rows
            if len(rows) < batch:
                return
            after = rows[-1].source_id

    def records_after(self, resource: str, after: str | None, limit: int) -> list[StagedRecord]:
        """Up to ``limit`` records of ``resource`` whose id comes after ``after``, in id order (one short read)."""
        q = (select(records.c.source_id, records.c.updated_at, records.c.content_hash, records.c.payload)
             .where(records.c.resource == resource).order_by(records.c.source_id).limit(limit))
        if after is not None:
            q = q.where(records.c.source_id > after)
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
        return [StagedRecord(resource, sid, updated_at, digest, orjson.loads(payload))
                for sid, updated_at, digest, payload in rows]

    def get(self, resource: str, source_id: str) -> StagedRecord | None:
        q = select(records.c.updated_at, records.c.content_hash, records.c.payload).where(
            records.c.resource == resource, records.c.source_id == source_id)
        with self._engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else StagedRecord(resource, source_id, row[0], row[1], orjson.loads(row[2]))

    def existing_ids(self, resource: str, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are staged records of ``resource``."""
        wanted = sorted(set(ids))
        found: set[str] = set()
        q = select(records.c.source_id).where(records.c.resource == resource,
                                              records.c.source_id.in_(bindparam("ids", expanding=True)))
        with self._engine.connect() as conn:
            for chunk in _chunks(wanted):
                found.update(s for (s,) in conn.execute(q, {"ids": list(chunk)}))
        return found

    def tombstoned_ids(self, resource: str, ids: Iterable[str]) -> dict[str, str]:
        """``{id: deleted_at}`` for those of ``ids`` that have a tombstone in ``resource``."""
        wanted = sorted(set(ids))
        found: dict[str, str] = {}
        q = select(tombstones.c.source_id, tombstones.c.deleted_at).where(
            tombstones.c.resource == resource, tombstones.c.source_id.in_(bindparam("ids", expanding=True)))
        with self._engine.connect() as conn:
            for chunk in _chunks(wanted):
                found.update({s: d for s, d in conn.execute(q, {"ids": list(chunk)})})
        return found

    def iter_tombstones(self) -> Iterator[Tombstone]:
        """Every tombstone in (resource, id) order, read in bounded batches."""
        cols = (tombstones.c.resource, tombstones.c.source_id, tombstones.c.deleted_at)
        for r, s, d in self._keyset(cols, (tombstones.c.resource, tombstones.c.source_id)):
            yield Tombstone(r, s, d)

    def _keyset(self, columns: Sequence[Any], key: Sequence[Any], *, batch: int = 1000) -> Iterator[Any]:
        """Rows of ``columns`` ordered by ``key`` (leading columns), ``batch`` rows per short read."""
        last: tuple[Any, ...] | None = None
        while True:
            q = select(*columns).order_by(*key).limit(batch)
            if last is not None:
                q = q.where(tuple_(*key) > last) if len(key) > 1 else q.where(key[0] > last[0])
            with self._engine.connect() as conn:
                rows = conn.execute(q).all()
            yield from rows
            if len(rows) < batch:
                return
            last = tuple(rows[-1][: len(key)])

    def file_state(self, attachment_id: str) -> FileRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(files).where(files.c.attachment_id == attachment_id)).mappings().first()
        return None if row is None else _file(row)

    def file_states(self, attachment_ids: Iterable[str]) -> dict[str, FileRecord]:
        wanted = sorted(set(attachment_ids))
        found: dict[str, FileRecord] = {}
        q = select(files).where(files.c.attachment_id.in_(bindparam("ids", expanding=True)))
        with self._engine.connect() as conn:
            for chunk in _chunks(wanted):
                found.update({r["attachment_id"]: _file(r) for r in conn.execute(q, {"ids": list(chunk)}).mappings()})
        return found

    def iter_files(self) -> Iterator[FileRecord]:
        cols = (files.c.attachment_id, files.c.expected_sha256, files.c.expected_size, files.c.status,
                files.c.blob_sha256, files.c.blob_size)
        for row in self._keyset(cols, (files.c.attachment_id,)):
            yield FileRecord(row[0], row[1], row[2], FileStatus(row[3]), row[4], row[5])

def _checkpoint(row: Mapping[str, Any]) -> Checkpoint:
    return Checkpoint(row["feed"], PassStatus(row["status"]), row["since"], row["cursor"], row["pass_time"],
                      row["watermark"], row["pages"] or 0, row["records"] or 0)


def _file(row: Mapping[str, Any]) -> FileRecord:
    return FileRecord(row["attachment_id"], row["expected_sha256"], row["expected_size"], FileStatus(row["status"]),
                      row["blob_sha256"], row["blob_size"])
