"""Attachments to Salesforce Files: ContentVersions uploaded, checksum-verified, linked to their records.

``upload_files`` reads the dataset's ``files.jsonl`` (docs/data-path.md §6) in batches and, per batch:

1. asks the org which files are already there (``ContentVersion`` by ``ServiceTracker_Id__c IN (…)``) —
   those are not uploaded again (``already_present``; their checksum is still compared with the blob);
2. applies the size policy: a body over ``policy.max_mb`` is skipped (``file_too_large``) or, with
   ``oversize="link"``, replaced by a ContentVersion whose ``ContentUrl`` is the entry's source ``url``
   (an entry without one is skipped as ``file_too_large_no_url``);
3. uploads the rest, ``concurrency`` at a time (:mod:`.files_upload`: SHA-256 re-checked against the blob
   store before sending, JSON base64 up to ``json_max_mb``, streamed multipart above);
4. reads every new version's ``Checksum`` back and compares it with the MD5 of the bytes sent — a file
   counts as ``verified`` only then; a mismatch fails it and removes its document;
5. records the new ContentVersion and ContentDocument Ids in the ledger, then creates the batch's
   ContentDocumentLinks (:mod:`.files_links`) and records theirs.

Killed at any point and run again, it uploads nothing twice (the external Id is unique, and the first
step finds what the last run stored) and creates no second link (existing links are queried first).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from control.errors import ConfigError, SalesforceError, UsageError
from control.ledger import Action, IdMapEntry, Ledger
from control.load.files_http import FilesApi, RetryPolicy
from control.load.files_io import file_batches, hash_blob
from control.load.files_links import LinkTask, create_links
from control.load.files_upload import EXTERNAL_ID, Uploaded, Uploader
from control.staging import BlobStore

__all__ = ["FilePolicy", "FilesOutcome", "upload_files", "OVERSIZE_POLICIES"]

OVERSIZE_POLICIES = ("skip", "link")
_MB = 1024 * 1024


class FilePolicy(NamedTuple):
    max_mb: float = 25.0
    oversize: str = "skip"  # "skip" (skip and report) | "link" (a ContentVersion whose ContentUrl is the source URL)


class FilesOutcome(NamedTuple):
    files: int
    uploaded: int
    already_present: int
    skipped: int
    failed: int
    links: int
    links_created: int
    links_existing: int
    bytes: int
    verified: int
    api_requests: int                   # the requests the step sent (every try), one upload per file included
    skipped_reasons: dict[str, int]
    errors: tuple[dict[str, Any], ...]  # lines of errors.jsonl

    def as_dict(self) -> dict[str, Any]:
        """The ``files`` object of accounting.json."""
        out = self._asdict()
        out.pop("errors")
        out["skipped_reasons"] = dict(sorted(self.skipped_reasons.items()))
        return out


class _Tally:
    def __init__(self) -> None:
        self.counts = dict.fromkeys(("files", "uploaded", "already_present", "skipped", "failed", "links",
                                     "links_created", "links_existing", "bytes", "verified"), 0)
        self.reasons: dict[str, int] = {}
        self.errors: list[dict[str, Any]] = []

    def skip(self, reason: str) -> None:
        self.counts["skipped"] += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def outcome(self) -> FilesOutcome:
        return FilesOutcome(**self.counts, api_requests=0, skipped_reasons=dict(self.reasons),
                            errors=tuple(self.errors))


def _resources(dataset_folder: Path) -> dict[str, str]:
    """Step (table) name → source resource, from dataset.json."""
    try:
        manifest = json.loads((dataset_folder / "dataset.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(s.get("name")): str(s.get("resource")) for s in manifest.get("steps") or () if s.get("resource")}


def upload_files(client: Any, *, dataset_folder: Path, blobs: BlobStore,
                 resolve: Callable[[Sequence[str]], Mapping[str, str]], ledger: Ledger, run_id: str, step: str,
                 policy: FilePolicy = FilePolicy(), progress: Callable[[int], None] | None = None,
                 concurrency: int = 4, json_max_mb: float = 2.0, batch_size: int = 100,
                 retry: RetryPolicy = RetryPolicy()) -> FilesOutcome:
    """Upload ``dataset_folder``'s files.jsonl into the org of ``client`` (see the module docstring)."""
    if policy.oversize not in OVERSIZE_POLICIES:
        raise UsageError(f"Unknown oversize policy {policy.oversize!r}.", hint="Use 'skip' or 'link'.")
    if not policy.max_mb > 0:
        raise UsageError(f"The file size limit must be above 0 MB (got {policy.max_mb}).")
    if concurrency < 1 or batch_size < 1:
        raise UsageError("concurrency and batch_size must be at least 1.")
    run = _FilesRun(FilesApi(client, retry=retry), Path(dataset_folder), blobs, resolve, ledger, run_id, step,
                    policy, int(json_max_mb * _MB), concurrency)
    for batch in file_batches(Path(dataset_folder) / "files.jsonl", batch_size):
        run.batch(batch)
        if progress is not None:
            progress(len(batch))
    return run.tally.outcome()._replace(api_requests=run.api.sent)


class _FilesRun:
    def __init__(self, api: FilesApi, folder: Path, blobs: BlobStore, resolve: Callable[[Sequence[str]], Mapping[str, str]],
                 ledger: Ledger, run_id: str, step: str, policy: FilePolicy, json_max_bytes: int,
                 concurrency: int) -> None:
        self.api, self.blobs, self.resolve, self.ledger = api, blobs, resolve, ledger
        self.run_id, self.step, self.policy, self.concurrency = run_id, step, policy, concurrency
        self.uploader = Uploader(api, blobs, json_max_bytes=json_max_bytes)
        self.resources = _resources(folder)
        self.tally = _Tally()

    # ── errors ──────────────────────────────────────────────────────────────────────
    def _error(self, entry: Mapping[str, Any], sobject: str, local_id: str, code: str, message: str,
               fields: Iterable[str] = ()) -> None:
        self.tally.errors.append({
            "step": self.step, "sobject": sobject, "local_id": local_id,
            "resource": self.resources.get(str(entry.get("table")), "attachments"),
            "source_id": entry.get("attachment_id"), "code": code, "message": message, "fields": list(fields)})

    # ── one batch ───────────────────────────────────────────────────────────────────
    def batch(self, entries: list[dict[str, Any]]) -> None:
        counts = self.tally.counts
        counts["files"] += len(entries)
        keys = [str(e["values"].get(EXTERNAL_ID) or "") for e in entries]
        present = self._present(keys)
        documents: dict[str, str] = {}  # file row local id → ContentDocumentId, for the links
        uploads: list[dict[str, Any]] = []
        links: list[tuple[dict[str, Any], str]] = []
        limit = self.policy.max_mb * _MB
        for entry, key in zip(entries, keys):
            found = present.get(key.lower()) if key else None
            if not key:
                counts["failed"] += 1
                self._error(entry, "ContentVersion", str(entry["local_id"]), "no_external_id",
                            f"the entry has no {EXTERNAL_ID}, so a re-run could not tell it was uploaded; not sent",
                            [EXTERNAL_ID])
            elif found is not None:
                self._already_present(entry, found, documents)
            elif int(entry.get("size") or 0) > limit:
                url = entry.get("url") or entry.get("source_url")
                if self.policy.oversize == "skip":
                    self.tally.skip("file_too_large")
                elif not url:
                    self.tally.skip("file_too_large_no_url")
                else:
                    links.append((entry, str(url)))
            else:
                uploads.append(entry)
        done = self._upload(uploads, links)
        self._verify(done, documents)
        self._link(entries, documents)

    def _present(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        try:
            rows = self.api.query_in(f"Id, ContentDocumentId, Checksum, ContentUrl, {EXTERNAL_ID}", "ContentVersion",
                                     EXTERNAL_ID, keys)
            return {str(r[EXTERNAL_ID]).lower(): r for r in rows}
        except SalesforceError as exc:
            if exc.code == "INVALID_FIELD":
                raise ConfigError(f"The org's ContentVersion has no {EXTERNAL_ID} field, which files are matched by.",
                                  hint="Deploy the map's metadata first: st2sf metadata deploy --org NAME.") from None
            raise

    def _already_present(self, entry: Mapping[str, Any], found: Mapping[str, Any], documents: dict[str, str]) -> None:
        checksum = found.get("Checksum")
        if checksum:
            digest = hash_blob(self.blobs, str(entry.get("sha256") or ""))
            if digest is not None and digest.sha256 == entry.get("sha256"):
                if digest.md5 != checksum:
                    self.tally.counts["failed"] += 1
                    self._error(entry, "ContentVersion", str(entry["local_id"]), "checksum_mismatch",
                                f"the file already in the org ({found['Id']}) has MD5 {checksum}, the blob {digest.md5}",
                                ["Checksum"])
                    return
                self.tally.counts["verified"] += 1
        self.tally.counts["already_present"] += 1
        documents[str(entry["local_id"])] = str(found["ContentDocumentId"])

    def _upload(self, uploads: list[dict[str, Any]], links: list[tuple[dict[str, Any], str]]) -> list[Uploaded]:
        jobs: list[Callable[[], Uploaded]] = [lambda e=e: self.uploader.upload(e) for e in uploads]
        jobs += [lambda e=e, u=u: self.uploader.link(e, u) for e, u in links]
        if not jobs:
            return []
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(jobs))) as pool:
            results = list(pool.map(lambda job: job(), jobs))
        for result in results:
            if not result.ok:
                self.tally.counts["failed"] += 1
                self._error(result.entry, "ContentVersion", str(result.entry["local_id"]), str(result.code),
                            str(result.message or ""), result.fields)
        return [r for r in results if r.ok]

    def _verify(self, done: list[Uploaded], documents: dict[str, str]) -> None:
        if not done:
            return
        rows = self.uploader.read_back([str(r.version_id) for r in done])
        created: list[IdMapEntry] = []
        for result in done:
            local_id = str(result.entry["local_id"])
            row = rows.get(str(result.version_id))
            if row is None:
                self.tally.counts["failed"] += 1
                self._error(result.entry, "ContentVersion", local_id, "not_found_after_upload",
                            f"ContentVersion {result.version_id} cannot be read back")
                continue
            document = str(row["ContentDocumentId"])
            created += [IdMapEntry("ContentVersion", local_id, str(result.version_id), Action.CREATED),
                        IdMapEntry("ContentDocument", local_id, document, Action.CREATED)]
            if not result.link_only:
                assert result.digest is not None
                if row.get("Checksum") != result.digest.md5:
                    self.uploader.discard(document)
                    created.append(IdMapEntry("ContentDocument", local_id, document, Action.DELETED))
                    self.tally.counts["failed"] += 1
                    self._error(result.entry, "ContentVersion", local_id, "checksum_mismatch",
                                f"Salesforce stored MD5 {row.get('Checksum')}, the bytes sent have MD5 "
                                f"{result.digest.md5}; the upload was removed and will be retried by the next run",
                                ["Checksum"])
                    continue
                self.tally.counts["verified"] += 1
                self.tally.counts["bytes"] += result.digest.size
            self.tally.counts["uploaded"] += 1
            documents[local_id] = document
        self.ledger.record_ids(self.run_id, self.step, created)

    def _link(self, entries: list[dict[str, Any]], documents: Mapping[str, str]) -> None:
        tasks = [LinkTask(e, link) for e in entries if str(e["local_id"]) in documents for link in e.get("links") or ()]
        self.tally.counts["links"] += len(tasks)
        results = create_links(self.api, tasks, documents, self.resolve)
        self.tally.counts["links_created"] += len(results.created)
        self.tally.counts["links_existing"] += len(results.existing)
        for task, code, message, fields in results.failed:
            self._error(task.entry, "ContentDocumentLink", str(task.link.get("local_id")), code, message, fields)
        self.ledger.record_ids(self.run_id, self.step, [
            IdMapEntry("ContentDocumentLink", str(task.link.get("local_id")), link_id, Action.CREATED)
            for task, link_id in results.created])
