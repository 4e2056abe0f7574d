"""The run ledger: runs, steps, the id map, before-images, and the hash-chained audit log.

Every write is one database transaction that changes the ledger's rows **and** appends the audit entry
vouching for them (:mod:`control.ledger.chain`), so the two can never disagree after a crash.

Delivery guarantee (what a caller may rely on after a ``kill -9`` at any point):

* a step is ``completed`` only if :meth:`Ledger.complete_step` returned — call it *after* the work the
  step describes has committed; a step found ``started`` was interrupted and must be redone;
* before-images are recorded with :meth:`Ledger.record_before_images` *before* the change is sent;
* created/updated Ids are recorded after the remote write returned; a crash between the two leaves
  records the ledger does not know, which is why loads upsert on an external Id (a re-run finds them).
"""

from __future__ import annotations

import json
import os
import secrets as _random
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from control.database import create_store_engine, is_sqlite
from control.errors import LedgerError, NotFoundError, St2sfError
from control.ledger import chain
from control.ledger.models import (
    Action, AuditEntry, BeforeImage, IdMapEntry, RunRecord, RunStatus, StepRecord, StepStatus,
)
from control.ledger.schema import audit_log, before_images, id_map, metadata, runs, steps
from control.secrets import redact

__all__ = ["Ledger", "new_run_id", "utc_now"]

_PG_LOCK_KEY = 0x57325346  # serialises audit appends on PostgreSQL


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id() -> str:
    """Sortable: UTC time to the millisecond, then a short random suffix (``20261127T204939123Z-3f9a1c``)."""
    now = datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{_random.token_hex(3)}"


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class Ledger:
    """The ledger at one SQLAlchemy URL. Open with :meth:`open`; safe for several processes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def open(cls, url: str) -> "Ledger":
        engine = create_store_engine(url, what="ledger")
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise LedgerError(f"The ledger cannot be opened: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}.") from None
        return cls(engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    # ── the one write path ────────────────────────────────────────────────────────────
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                if not is_sqlite(self._engine):
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
                yield conn
        except OperationalError as exc:
            raise LedgerError(f"The ledger could not be written: {exc.orig}.") from None

    def _append(self, conn: Connection, *, run_id: str | None, actor: str | None, event: str,
                payload: Mapping[str, Any]) -> int:
        last = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
        seq = (last.seq + 1) if last else 1
        prev = last.hash if last else chain.GENESIS
        at = utc_now()
        body = chain.canonical(redact(dict(payload)))
        digest = chain.entry_hash(seq=seq, at=at, run_id=run_id, actor=actor, event=event, payload=body, prev_hash=prev)
        conn.execute(audit_log.insert().values(seq=seq, at=at, run_id=run_id, actor=actor, event=event,
                                               payload=body, prev_hash=prev, hash=digest))
        return seq

    def append_event(self, event: str, payload: Mapping[str, Any], *, run_id: str | None = None,
                     actor: str | None = None) -> int:
        """Append a free-standing audit entry (approvals, sign-offs, …); returns its sequence number."""
        with self._write() as conn:
            return self._append(conn, run_id=run_id, actor=actor, event=event, payload=payload)

    # ── runs ──────────────────────────────────────────────────────────────────────────
    def start_run(self, command: str, options: Mapping[str, Any], *, actor: str | None = None,
                  resumes: str | None = None) -> RunRecord:
        row = {
            "id": new_run_id(), "command": command, "options": chain.canonical(redact(dict(options))),
            "status": str(RunStatus.RUNNING), "actor": actor, "host": socket.gethostname(), "pid": os.getpid(),
            "resumes": resumes, "started_at": utc_now(), "ended_at": None, "error": None,
        }
        with self._write() as conn:
            conn.execute(runs.insert().values(**row))
            self._append(conn, run_id=row["id"], actor=actor, event="run.started",
                         payload={"row": chain.row_digest(row, chain.RUN_ROW_KEYS), "command": command})
        return self._run_record(row)

    def finish_run(self, run_id: str, status: RunStatus, *, error: St2sfError | Mapping[str, Any] | None = None) -> None:
        if status not in (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.ABANDONED):
            raise ValueError(f"a run cannot finish as {status}")
        err = error.fields() if isinstance(error, St2sfError) else (dict(error) if error else None)
        with self._write() as conn:
            row = self._get_run_row(conn, run_id)
            row.update(status=str(status), ended_at=utc_now(), error=chain.canonical(redact(err)) if err else None)
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                status=row["status"], ended_at=row["ended_at"], error=row["error"]))
            self._append(conn, run_id=run_id, actor=row["actor"], event=f"run.{status}",
                         payload={"row": chain.row_digest(row, chain.RUN_ROW_KEYS)})

    @contextmanager
    def finishing(self, run_id: str) -> Iterator[None]:
        """``with ledger.finishing(run.id):`` — the run is finished when the block ends: completed, or failed
        with the error that ended it (structured, secrets redacted)."""
        try:
            yield
        except St2sfError as exc:
            self.finish_run(run_id, RunStatus.FAILED, error=exc)
            raise
        except BaseException as exc:
            self.finish_run(run_id, RunStatus.FAILED, error={"error": type(exc).__name__, "message": str(exc)})
            raise
        self.finish_run(run_id, RunStatus.COMPLETED)

    def _get_run_row(self, conn: Connection, run_id: str) -> dict[str, Any]:
        found = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        if found is None:
            raise NotFoundError(f"No run '{run_id}' in the ledger.", hint="List runs with `st2sf runs`.")
        return dict(found)

    def get_run(self, run_id: str) -> RunRecord:
        with self._engine.connect() as conn:
            return self._run_record(self._get_run_row(conn, run_id))

    def list_runs(self, *, limit: int = 50, command: str | None = None) -> list[RunRecord]:
        query = select(runs).order_by(runs.c.id.desc()).limit(limit)
        if command:
            query = query.where(runs.c.command == command)
        with self._engine.connect() as conn:
            return [self._run_record(dict(r)) for r in conn.execute(query).mappings()]

    def unfinished_runs(self, command: str) -> list[RunRecord]:
        """Runs of ``command`` still marked running whose process is gone (interrupted), oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(runs).where(runs.c.command == command, runs.c.status == str(RunStatus.RUNNING))
                                .order_by(runs.c.id)).mappings()
            found = [self._run_record(dict(r)) for r in rows]
        return [r for r in found if r.status is RunStatus.INTERRUPTED]

    @staticmethod
    def _run_record(row: Mapping[str, Any]) -> RunRecord:
        status = RunStatus(row["status"])
        if status is RunStatus.RUNNING and not _alive(row.get("host"), row.get("pid"), row["started_at"]):
            status = RunStatus.INTERRUPTED
        return RunRecord(row["id"], row["command"], _loads(row["options"]) or {}, status, row["actor"], row["host"],
                         row["pid"], row["resumes"], row["started_at"], row["ended_at"], _loads(row["error"]))

    # ── steps ─────────────────────────────────────────────────────────────────────────
    def plan_steps(self, run_id: str, names: Sequence[str]) -> None:
        with self._write() as conn:
            actor = self._get_run_row(conn, run_id)["actor"]
            start = conn.execute(select(func.count()).select_from(steps).where(steps.c.run_id == run_id)).scalar_one()
            for offset, name in enumerate(names, start=1):
                row = {"run_id": run_id, "seq": start + offset, "name": name, "status": str(StepStatus.PLANNED),
                       "planned_at": utc_now(), "started_at": None, "ended_at": None, "counts": None, "error": None}
                conn.execute(steps.insert().values(**row))
                self._append(conn, run_id=run_id, actor=actor, event="step.planned",
                             payload={"step": name, "row": chain.row_digest(row, chain.STEP_ROW_KEYS)})

    def _set_step(self, run_id: str, name: str, status: StepStatus, **values: Any) -> None:
        with self._write() as conn:
            actor = self._get_run_row(conn, run_id)["actor"]
            found = conn.execute(select(steps).where(steps.c.run_id == run_id, steps.c.name == name)).mappings().first()
            if found is None:
                if status is not StepStatus.STARTED:
                    raise NotFoundError(f"Run '{run_id}' has no step '{name}'.")
                seq = conn.execute(select(func.count()).select_from(steps).where(steps.c.run_id == run_id)).scalar_one() + 1
                row = {"run_id": run_id, "seq": seq, "name": name, "status": str(status), "planned_at": utc_now(),
                       "started_at": None, "ended_at": None, "counts": None, "error": None}
                row.update(values)
                conn.execute(steps.insert().values(**row))
            else:
                row = dict(found)
                row.pop("id")
                row.update(status=str(status), **values)
                conn.execute(steps.update().where(steps.c.run_id == run_id, steps.c.name == name)
                             .values(status=row["status"], **values))
            self._append(conn, run_id=run_id, actor=actor, event=f"step.{status}",
                         payload={"step": name, "row": chain.row_digest(row, chain.STEP_ROW_KEYS)})

    def start_step(self, run_id: str, name: str) -> None:
        self._set_step(run_id, name, StepStatus.STARTED, started_at=utc_now(), ended_at=None, error=None)

    def complete_step(self, run_id: str, name: str, counts: Mapping[str, Any] | None = None) -> None:
        """Mark a step completed. Call only after the work it describes has committed."""
        self._set_step(run_id, name, StepStatus.COMPLETED, ended_at=utc_now(),
                       counts=chain.canonical(dict(counts or {})))

    def fail_step(self, run_id: str, name: str, error: St2sfError | Mapping[str, Any]) -> None:
        err = error.fields() if isinstance(error, St2sfError) else dict(error)
        self._set_step(run_id, name, StepStatus.FAILED, ended_at=utc_now(), error=chain.canonical(redact(err)))

    @contextmanager
    def step(self, run_id: str, name: str) -> Iterator[dict[str, Any]]:
        """``with ledger.step(run, "load Account") as counts:`` — started on entry; completed with ``counts``
        on normal exit (the body's work must have committed by then); failed on an exception."""
        counts: dict[str, Any] = {}
        self.start_step(run_id, name)
        try:
            yield counts
        except St2sfError as exc:
            self.fail_step(run_id, name, exc)
            raise
        except BaseException as exc:
            self.fail_step(run_id, name, {"error": type(exc).__name__, "message": str(exc)})
            raise
        self.complete_step(run_id, name, counts)

    def steps(self, run_id: str) -> list[StepRecord]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(steps).where(steps.c.run_id == run_id).order_by(steps.c.seq)).mappings()
            return [StepRecord(r["run_id"], r["seq"], r["name"], StepStatus(r["status"]), r["planned_at"],
                               r["started_at"], r["ended_at"], _loads(r["counts"]) or {}, _loads(r["error"]))
                    for r in rows]

    # ── id map and before-images ──────────────────────────────────────────────────────
    def record_ids(self, run_id: str, step: str, entries: Iterable[IdMapEntry]) -> int:
        """Record one batch of created/updated/deleted Ids (one transaction, one audit entry)."""
        rows = [{"run_id": run_id, "step": step, "sobject": e.sobject, "source_key": e.source_key,
                 "salesforce_id": e.salesforce_id, "action": str(Action(e.action))} for e in entries]
        return self._record_batch(run_id, id_map, rows, "ids.recorded", chain.ID_ROW_KEYS)

    def record_before_images(self, run_id: str, step: str, images: Iterable[BeforeImage]) -> int:
        """Record the values of records *before* a run changes them. The first image of a record wins."""
        rows = [{"run_id": run_id, "step": step, "sobject": i.sobject, "record_id": i.record_id,
                 "fields": chain.canonical(i.fields)} for i in images]
        with self._engine.connect() as conn:
            existing = {(r.sobject, r.record_id) for r in conn.execute(
                select(before_images.c.sobject, before_images.c.record_id).where(
                    before_images.c.run_id == run_id,
                    before_images.c.record_id.in_([r["record_id"] for r in rows])))}
        fresh, seen = [], set(existing)
        for r in rows:
            if (r["sobject"], r["record_id"]) not in seen:
                seen.add((r["sobject"], r["record_id"]))
                fresh.append(r)
        return self._record_batch(run_id, before_images, fresh, "before_images.recorded", chain.IMAGE_ROW_KEYS)

    def _record_batch(self, run_id: str, table, rows: list[dict[str, Any]], event: str, keys: Sequence[str]) -> int:
        if not rows:
            return 0
        count, digest = chain.batch_digest(rows, keys)
        with self._write() as conn:
            actor = self._get_run_row(conn, run_id)["actor"]
            seq = self._append(conn, run_id=run_id, actor=actor, event=event,
                               payload={"table": table.name, "count": count, "digest": digest})
            conn.execute(table.insert(), [{**r, "audit_seq": seq} for r in rows])
        return count

    def id_map(self, run_id: str, *, sobject: str | None = None) -> Iterator[IdMapEntry]:
        query = select(id_map).where(id_map.c.run_id == run_id).order_by(id_map.c.id)
        if sobject:
            query = query.where(id_map.c.sobject == sobject)
        with self._engine.connect() as conn:
            for r in conn.execution_options(stream_results=True).execute(query).mappings():
                yield IdMapEntry(r["sobject"], r["source_key"], r["salesforce_id"], Action(r["action"]))

    def before_images(self, run_id: str) -> Iterator[BeforeImage]:
        query = select(before_images).where(before_images.c.run_id == run_id).order_by(before_images.c.id)
        with self._engine.connect() as conn:
            for r in conn.execution_options(stream_results=True).execute(query).mappings():
                yield BeforeImage(r["sobject"], r["record_id"], json.loads(r["fields"]))

    def id_counts(self, run_id: str) -> dict[tuple[str, str], int]:
        """``{(sobject, action): n}`` for a run."""
        query = (select(id_map.c.sobject, id_map.c.action, func.count()).where(id_map.c.run_id == run_id)
                 .group_by(id_map.c.sobject, id_map.c.action))
        with self._engine.connect() as conn:
            return {(s, a): n for s, a, n in conn.execute(query)}

    def audit_entries(self, *, run_id: str | None = None) -> Iterator[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.seq)
        if run_id:
            query = query.where(audit_log.c.run_id == run_id)
        with self._engine.connect() as conn:
            for r in conn.execution_options(stream_results=True).execute(query).mappings():
                yield AuditEntry(r["seq"], r["at"], r["run_id"], r["actor"], r["event"], json.loads(r["payload"]),
                                 r["prev_hash"], r["hash"])


def _alive(host: str | None, pid: int | None, started_at: str) -> bool:
    """Whether a run's process still exists (and is the same process, not a reused pid).

    Runs recorded on another host are assumed alive: only that host can tell.
    """
    import psutil

    if host != socket.gethostname():
        return True
    if not pid:
        return False
    try:
        created = psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    started = datetime.strptime(started_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
    return created <= started + 1.0
