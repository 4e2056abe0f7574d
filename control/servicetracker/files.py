"""Attachment bodies: downloaded into the content-addressed blob folder, verified, resumable.

For every staged attachment record (streamed in batches)::

    files row says this sha256 was settled, and its blob is there ─► nothing to do
    the blob folder already holds a body with the record's sha256 ─► record "stored" (no request)
    otherwise ─► download into partial/<id>.part
                 ├─ a partial file exists: Range: bytes=<its size>-  (206 appends; a 200 starts over)
                 ├─ connection lost mid-body: the partial keeps what arrived; the retry resumes it
                 ├─ 404 (file_missing) ─► record "missing"
                 └─ finished: hash it, move it to sha256/… atomically
                      matches the record ─► "stored"; differs ─► (a resumed download starts over once)
                      then "mismatch", kept under its real hash

Each download is one request against the rate limit (contract §6), paced like every other request.
A files row is written only after its blob is in place, so a ``kill -9`` costs at most the partial
download under way — and even that resumes.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from control.errors import ServiceTrackerError
from control.servicetracker.client import ServiceTrackerClient, path_segment
from control.servicetracker.feeds import StagingWriter
from control.servicetracker.progress import ExtractProgress
from control.servicetracker.resources import ATTACHMENTS
from control.staging.blobs import BlobStore
from control.staging.models import FileRecord, FileStatus, StagedRecord
from control.staging.store import StagingStore

__all__ = ["sync_files", "FILES_FEED"]

FILES_FEED = "files"
_BATCH = 200


class _Tally:
    def __init__(self) -> None:
        self.attachments = self.downloaded = self.bytes = self.present = self.missing = self.mismatched = 0

    def count(self, status: FileStatus) -> None:
        if status is FileStatus.MISSING:
            self.missing += 1
        elif status is FileStatus.MISMATCH:
            self.mismatched += 1


def _expected(record: StagedRecord) -> tuple[str | None, int | None]:
    sha = record.payload.get("sha256")
    size = record.payload.get("size_bytes")
    sha = sha.lower() if isinstance(sha, str) else None
    return sha, size if isinstance(size, int) and size >= 0 else None


async def sync_files(client: ServiceTrackerClient, writer: StagingWriter, blobs: BlobStore, *, concurrency: int,
                     progress: ExtractProgress, total: int | None = None) -> dict[str, int]:
    """Bring the blob folder up to date with the staged attachment records; returns the tally."""
    store: StagingStore = writer.store
    tally = _Tally()
    gate = asyncio.Semaphore(max(1, concurrency))
    progress.feed_started(FILES_FEED, total, 0)
    after: str | None = None
    while True:
        batch = await writer.call(store.records_after, ATTACHMENTS, after, _BATCH)
        if not batch:
            break
        after = batch[-1].source_id
        states = await writer.call(store.file_states, [r.source_id for r in batch])
        jobs = []
        for record in batch:
            tally.attachments += 1
            sha, size = _expected(record)
            state = states.get(record.source_id)
            if state is not None and state.expected_sha256 == sha and (
                    state.status is not FileStatus.STORED or blobs.has(state.blob_sha256 or "", state.blob_size)):
                tally.present += state.status is FileStatus.STORED
                tally.count(state.status)
                continue
            if sha is not None and blobs.has(sha, size):
                tally.present += 1
                await writer.call(store.record_file, FileRecord(record.source_id, sha, size, FileStatus.STORED, sha,
                                                                blobs.path_for(sha).stat().st_size))
                continue
            jobs.append(_download(client, writer, blobs, record, sha, size, gate, tally))
        if jobs:
            await asyncio.gather(*jobs)
        progress.feed_advanced(FILES_FEED, len(batch))
        if len(batch) < _BATCH:
            break
    progress.feed_finished(FILES_FEED, f"{tally.downloaded} downloaded, {tally.present} present, "
                                       f"{tally.missing} missing, {tally.mismatched} mismatched")
    return {"attachments": tally.attachments, "downloaded": tally.downloaded, "bytes": tally.bytes,
            "present": tally.present, "missing": tally.missing, "mismatched": tally.mismatched}


async def _download(client: ServiceTrackerClient, writer: StagingWriter, blobs: BlobStore, record: StagedRecord,
                    sha: str | None, size: int | None, gate: asyncio.Semaphore, tally: _Tally) -> None:
    async with gate:
        status, blob_sha, blob_size = await _fetch(client, writer, blobs, record.source_id, sha, size, tally)
    tally.count(status)
    await writer.call(writer.store.record_file, FileRecord(record.source_id, sha, size, status, blob_sha, blob_size))


async def _fetch(client: ServiceTrackerClient, writer: StagingWriter, blobs: BlobStore, attachment_id: str,
                 sha: str | None, size: int | None, tally: _Tally) -> tuple[FileStatus, str | None, int | None]:
    partial = blobs.partial_path(attachment_id)
    path = f"attachments/{path_segment(attachment_id)}/content"
    restarted = False
    failures = 0
    while True:
        start = partial.stat().st_size if partial.exists() else 0
        if size is not None and start > size:
            partial.unlink()
            start = 0
        try:
            if not (size is not None and start == size and size > 0):
                await _stream_into(client, path, partial, start, size, tally)
        except ServiceTrackerError as exc:
            if exc.status == 404:
                if partial.exists():
                    partial.unlink()
                return FileStatus.MISSING, None, None
            raise
        except (httpx.TransportError, httpx.StreamError):
            failures += 1  # the partial file keeps what arrived; the next attempt resumes it
            client.stats.transport_errors += 1
            if failures > client.policy.max_transport_errors:
                raise ServiceTrackerError(f"The body of attachment {attachment_id} could not be downloaded after "
                                          f"{failures} attempts.", code="download_failed", path=path,
                                          hint="Run the same command again: the download resumes where it stopped.")
            await asyncio.sleep(client.policy.backoff(failures))
            continue
        committed = await writer.call(blobs.commit, partial)
        if committed.sha256 == sha:
            tally.downloaded += 1
            return FileStatus.STORED, committed.sha256, committed.size
        if start > 0 and not restarted:
            restarted = True  # resumed bytes may be stale: fetch the whole body once more before judging
            continue
        tally.downloaded += 1
        return FileStatus.MISMATCH, committed.sha256, committed.size


async def _stream_into(client: ServiceTrackerClient, path: str, partial: Any, start: int, size: int | None,
                       tally: _Tally) -> None:
    headers = {"Range": f"bytes={start}-{size - 1}" if size else f"bytes={start}-"} if start > 0 else {}
    async with client.stream(path, headers) as response:
        append = response.status_code == 206 and response.headers.get("Content-Range", "").startswith(f"bytes {start}-")
        with partial.open("ab" if append else "wb") as fh:
            async for chunk in response.aiter_bytes(1 << 16):
                fh.write(chunk)
                tally.bytes += len(chunk)
