"""The audit log's hash chain: canonical JSON, entry hashes, row digests.

Each entry's hash covers its own fields and the previous entry's hash::

    hash(n) = sha256( canonical({seq, at, run_id, actor, event, payload, prev_hash = hash(n-1)}) )

with ``hash(0)`` = 64 zeros. Entries also vouch for the ledger rows written in the same transaction:

* ``run.*`` and ``step.*`` entries carry ``row`` — the digest of the run/step row *after* the change;
  the last such entry for a row must match the row as it is now;
* ``ids.recorded`` and ``before_images.recorded`` entries carry ``count`` and ``digest`` of the batch of
  rows whose ``audit_seq`` is that entry's ``seq``.

So a hand edit anywhere — an audit entry, a run, a step, an id-map row, a before-image — breaks either
the chain or a digest, and :mod:`control.ledger.verify` names the first entry that no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping, Sequence

__all__ = ["GENESIS", "canonical", "entry_hash", "row_digest", "batch_digest", "RUN_ROW_KEYS", "STEP_ROW_KEYS",
           "ID_ROW_KEYS", "IMAGE_ROW_KEYS"]

GENESIS = "0" * 64

RUN_ROW_KEYS = ("id", "command", "options", "status", "actor", "host", "pid", "resumes", "started_at", "ended_at", "error")
STEP_ROW_KEYS = ("run_id", "seq", "name", "status", "planned_at", "started_at", "ended_at", "counts", "error")
ID_ROW_KEYS = ("run_id", "step", "sobject", "source_key", "salesforce_id", "action")
IMAGE_ROW_KEYS = ("run_id", "step", "sobject", "record_id", "fields")


def canonical(value: Any) -> str:
    """The one JSON text of ``value``: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(*, seq: int, at: str, run_id: str | None, actor: str | None, event: str, payload: str,
               prev_hash: str) -> str:
    body = canonical(
        {"seq": seq, "at": at, "run_id": run_id, "actor": actor, "event": event, "payload": payload,
         "prev_hash": prev_hash}
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def row_digest(row: Mapping[str, Any], keys: Sequence[str]) -> str:
    return hashlib.sha256(canonical([row.get(k) for k in keys]).encode("utf-8")).hexdigest()


def batch_digest(rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> tuple[int, str]:
    """(count, digest) of rows in their stored order."""
    h = hashlib.sha256()
    count = 0
    for row in rows:
        h.update(canonical([row.get(k) for k in keys]).encode("utf-8"))
        h.update(b"\n")
        count += 1
    return count, h.hexdigest()
