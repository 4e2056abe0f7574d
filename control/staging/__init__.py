"""The staging store: what the extractor read from ServiceTracker, kept raw, for every later stage.

Public API::

    store = StagingStore.open(settings.staging_url)     # SQLite file or PostgreSQL URL
    store.write_page("clients", records, checkpoint)    # upsert a page + its checkpoint, one transaction
    store.write_tombstones(tombstones, checkpoint)      # record deletions, drop the staged records
    for rec in store.iter_records("clients"): ...       # streams, bounded batches
    staging_digest(store)                               # deterministic content digest
    BlobStore(settings.state_dir / "blobs")             # content-addressed attachment bodies
"""

from control.staging.blobs import BlobStore, CommittedBlob
from control.staging.digest import staging_digest
from control.staging.models import (
    Checkpoint, FileRecord, FileStatus, PageCounts, PassStatus, StagedRecord, StagingDigest, Tombstone, TombstoneCounts,
)
from control.staging.store import StagingStore, canonical_payload, record_key

__all__ = [
    "BlobStore", "Checkpoint", "CommittedBlob", "FileRecord", "FileStatus", "PageCounts", "PassStatus",
    "StagedRecord", "StagingDigest", "StagingStore", "Tombstone", "TombstoneCounts", "canonical_payload",
    "record_key", "staging_digest",
]
