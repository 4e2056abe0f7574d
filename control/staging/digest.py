"""A deterministic digest of what staging holds — the proof that a resumed extraction equals a clean one.

The digest covers the *content* and nothing about how it got there::

    per resource  R:  sha256 over  "<source_id>\\t<content_hash>\\n"  for its records in id order
    records        :  sha256 over  "R\\t<resource>\\t<per-resource digest>\\t<count>\\n"  in resource order
    tombstones     :  "T\\t<resource>\\t<source_id>\\t<deleted_at>\\n"  in (resource, id) order
    files          :  "F\\t<attachment_id>\\t<status>\\t<blob_sha256>\\t<blob_size>\\n"  in id order
    digest = sha256( records digest ‖ tombstones digest ‖ files digest )

Checkpoints, run ids and timings are left out on purpose: two extractions of the same tenant — one
interrupted by ``kill -9`` and resumed, one not — must have the same digest. Keys order byte-wise on both
backends (see :mod:`control.staging.schema`), so SQLite and PostgreSQL agree too. Reading streams.
"""

from __future__ import annotations

import hashlib

from control.staging.models import StagingDigest
from control.staging.store import StagingStore

__all__ = ["staging_digest"]


def staging_digest(store: StagingStore) -> StagingDigest:
    per_resource: dict[str, str] = {}
    outer = hashlib.sha256()
    total = 0
    for resource, count in store.counts().items():
        inner = hashlib.sha256()
        for record in store.iter_records(resource):
            inner.update(f"{record.source_id}\t{record.content_hash}\n".encode("utf-8"))
        per_resource[resource] = inner.hexdigest()
        outer.update(f"R\t{resource}\t{per_resource[resource]}\t{count}\n".encode("utf-8"))
        total += count
    dead = hashlib.sha256()
    n_dead = 0
    for t in store.iter_tombstones():
        dead.update(f"T\t{t.resource}\t{t.source_id}\t{t.deleted_at}\n".encode("utf-8"))
        n_dead += 1
    bodies = hashlib.sha256()
    n_files = 0
    for f in store.iter_files():
        bodies.update(f"F\t{f.attachment_id}\t{f.status}\t{f.blob_sha256}\t{f.blob_size}\n".encode("utf-8"))
        n_files += 1
    final = hashlib.sha256()
    for part in (outer, dead, bodies):
        final.update(part.digest())
    return StagingDigest(final.hexdigest(), total, n_dead, n_files, per_resource)
