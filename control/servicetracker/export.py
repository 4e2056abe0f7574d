"""Reading a tenant's export folder into staging — for tenants that can only export from the UI.

Accepted layout (documented in docs/extract-and-audit.md)::

    tenant.json                     optional: name, time_zone (api_keys are ignored and never stored)
    <resource>.jsonl | .csv         one file per resource (contract §11); a missing file = no records
    custom_tables/<key>.jsonl|.csv  rows of custom table <key> (defined in custom_tables.jsonl|.csv)
    tombstones.jsonl | .csv         deleted records: resource, id, deleted_at
    files/<attachment id>           attachment bodies, by id, or else
    files/<sha256>                  by their SHA-256 (lower-case hex)

Line formats: :mod:`control.servicetracker.export_rows`. A folder that names a resource twice (``.jsonl``
and ``.csv``), an unknown file, or rows of an undefined custom table is refused before anything is read.

Each file is a feed ``export:<resource>`` with the same guarantees as the API: records go to staging in
pages of 1,000, each page in one transaction with its checkpoint (rows committed) and with the ids it
claimed (a repeated id is refused with both line numbers). A re-run skips files whose fingerprint (size,
modification time) is unchanged and already complete, and resumes an interrupted file after its last
committed row. Records absent from a later export are *not* deleted: only tombstones delete.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from control.errors import InputFileError, UsageError
from control.ledger import Ledger
from control.servicetracker.contract import CoreSchema, ResourceRules
from control.servicetracker.export_rows import (
    check_csv_header, record_from_csv_row, record_from_json_line, tombstone_from_csv_row, tombstone_from_json_line,
)
from control.servicetracker.files import FILES_FEED
from control.servicetracker.progress import ExtractProgress
from control.servicetracker.resources import ATTACHMENTS, CUSTOM_TABLES, RESOURCE_NAMES, rows_resource
from control.servicetracker.results import FeedResult, FilesResult, PassKind
from control.staging.blobs import BlobStore
from control.staging.models import Checkpoint, FileRecord, FileStatus, PageCounts, PassStatus, Tombstone, TombstoneCounts
from control.staging.store import DuplicateIdError, StagingStore

__all__ = ["extract_export", "export_files", "ExportFile"]

_PAGE = 1000
_TOMBSTONES = "tombstones"


class ExportFile(NamedTuple):
    resource: str   # a list resource, a rows resource, or "tombstones"
    path: Path


def _pick(folder: Path, stem: str) -> Path | None:
    found = [p for p in (folder / f"{stem}.jsonl", folder / f"{stem}.csv") if p.is_file()]
    if len(found) > 1:
        raise InputFileError(f"{folder}: both {found[0].name} and {found[1].name} exist; keep one of them.",
                             path=str(found[0]))
    return found[0] if found else None


def export_files(folder: Path, resources: tuple[str, ...], schema: CoreSchema) -> list[ExportFile]:
    """The files to read, in extraction order; refuses ambiguous, unknown or orphaned files."""
    if not folder.is_dir():
        raise UsageError(f"The export folder {folder} does not exist.", hint="Pass the folder holding the export files.")
    known = {*RESOURCE_NAMES, _TOMBSTONES}
    unknown = sorted(p.name for p in folder.iterdir() if p.suffix in (".jsonl", ".csv") and p.stem not in known)
    if unknown:
        raise InputFileError(f"{folder}: {', '.join(unknown)} name no ServiceTracker resource.", path=str(folder),
                             hint="Name files <resource>.jsonl or <resource>.csv with a resource of the contract (§11).")
    out = [ExportFile(r, p) for r in resources if (p := _pick(folder, r)) is not None]
    tables_dir = folder / "custom_tables"
    if CUSTOM_TABLES in resources and tables_dir.is_dir():
        defined = set(_table_keys(folder, schema))
        stems = sorted({p.stem for p in tables_dir.iterdir() if p.suffix in (".jsonl", ".csv")})
        for stem in stems:
            if stem not in defined:
                raise InputFileError(f"{tables_dir}: custom table '{stem}' has rows but no definition in custom_tables.",
                                     path=str(tables_dir), hint=f"Add a custom_tables record with id \"{stem}\".")
            path = _pick(tables_dir, stem)
            if path is not None:
                out.append(ExportFile(rows_resource(stem), path))
    tomb = _pick(folder, _TOMBSTONES)
    if tomb is not None:
        out.append(ExportFile(_TOMBSTONES, tomb))
    return out


def _table_keys(folder: Path, schema: CoreSchema) -> Iterator[str]:
    path = _pick(folder, CUSTOM_TABLES)
    if path is None:
        return
    rules = schema.rules(CUSTOM_TABLES)
    assert rules is not None
    for _line, record in _records(path, rules):
        yield record["id"]


def _records(path: Path, rules: ResourceRules, *, skip: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, record)`` of a resource file after its first ``skip`` rows."""
    name = str(path)
    if path.suffix == ".jsonl":
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if number > skip:
                    yield number, record_from_json_line(raw.rstrip(b"\r\n"), rules, name, number)
        return
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        check_csv_header(list(reader.fieldnames or []), rules, name)
        for count, row in enumerate(reader, start=1):
            if count > skip:
                yield reader.line_num, record_from_csv_row(row, rules, name, reader.line_num)


def _tombstone_rows(path: Path, *, skip: int = 0) -> Iterator[tuple[int, Tombstone]]:
    name = str(path)
    if path.suffix == ".jsonl":
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if number > skip:
                    yield number, Tombstone(*tombstone_from_json_line(raw.rstrip(b"\r\n"), name, number))
        return
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for count, row in enumerate(reader, start=1):
            if count > skip:
                yield reader.line_num, Tombstone(*tombstone_from_csv_row(row, name, reader.line_num))


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _read_file(store: StagingStore, item: ExportFile, schema: CoreSchema, progress: ExtractProgress) -> FeedResult:
    feed = f"export:{item.resource}"
    fingerprint = _fingerprint(item.path)
    cp = store.checkpoint(feed)
    if cp is not None and cp.since == fingerprint and cp.status is PassStatus.COMPLETE:
        progress.note(f"extract {item.resource}: {item.path.name} unchanged since it was read; skipped")
        return FeedResult(item.resource, PassKind.FULL, None, 0, 0, 0, 0, 0, 0, None)
    resume = cp is not None and cp.since == fingerprint and cp.status is PassStatus.RUNNING
    done = int(json.loads(cp.cursor)["rows"]) if resume and cp and cp.cursor else 0
    pages = cp.pages if resume and cp else 0
    if not resume:  # the ids table is written with each page, so a resumed pass keeps exactly the committed ones
        store.forget_export_ids(feed)
    progress.feed_started(item.resource, None, done)
    counts, dead = PageCounts(), TombstoneCounts()
    fetched = 0
    page: list[Any] = []
    lines: list[int] = []
    rows = _tombstone_rows(item.path, skip=done) if item.resource == _TOMBSTONES else \
        _records(item.path, schema.rules(item.resource) or _no_rules(item), skip=done)

    def flush(last: bool) -> None:
        nonlocal counts, dead, page, lines, done, pages
        done += len(page)
        pages += 1
        checkpoint = Checkpoint(feed, PassStatus.COMPLETE if last else PassStatus.RUNNING, fingerprint,
                                json.dumps({"rows": done}), None, None, pages, done)
        try:
            if item.resource == _TOMBSTONES:
                dead = dead + store.write_tombstones(page, checkpoint)
            else:
                counts = counts + store.write_page(item.resource, page, checkpoint, unique_in=(feed, lines))
        except DuplicateIdError as exc:
            raise InputFileError(f"{item.path}, line {exc.line}: id {exc.source_id!r} was already on line "
                                 f"{exc.first_line}; ids must be unique within a file.", path=str(item.path),
                                 line=exc.line, hint="Remove or renumber one of the two records.") from None
        progress.feed_advanced(item.resource, len(page))
        page, lines = [], []

    for line, row in rows:
        page.append(row)
        lines.append(line)
        fetched += 1
        if len(page) >= _PAGE:
            flush(False)
    flush(True)
    kind = PassKind.RESUMED if resume else PassKind.FULL
    progress.feed_finished(item.resource, f"{fetched} read from {item.path.name}")
    if item.resource == _TOMBSTONES:
        return FeedResult(item.resource, kind, None, pages, fetched, dead.recorded, 0, fetched - dead.recorded,
                          dead.deleted, None)
    return FeedResult(item.resource, kind, None, pages, fetched, counts.inserted, counts.updated, counts.unchanged,
                      counts.tombstoned, None)


def _no_rules(item: ExportFile) -> ResourceRules:
    raise InputFileError(f"{item.path}: no core-field rules are known for '{item.resource}'.", path=str(item.path))


def _copy_files(store: StagingStore, folder: Path, blobs: BlobStore, progress: ExtractProgress) -> dict[str, int]:
    tally = FilesResult().as_dict()
    progress.feed_started(FILES_FEED, None, 0)
    for record in store.iter_records(ATTACHMENTS):
        tally["attachments"] += 1
        sha = record.payload.get("sha256")
        sha = sha.lower() if isinstance(sha, str) else None
        size = record.payload.get("size_bytes") if isinstance(record.payload.get("size_bytes"), int) else None
        state = store.file_state(record.source_id)
        if state is not None and state.expected_sha256 == sha and (
                state.status is not FileStatus.STORED or blobs.has(state.blob_sha256 or "", state.blob_size)):
            key = {FileStatus.STORED: "present", FileStatus.MISSING: "missing"}.get(state.status, "mismatched")
            tally[key] += 1
            continue
        source = _body_path(folder, record.source_id, sha)
        if source is None:
            store.record_file(FileRecord(record.source_id, sha, size, FileStatus.MISSING, None, None))
            tally["missing"] += 1
            continue
        partial = blobs.partial_path(record.source_id)
        with source.open("rb") as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        committed = blobs.commit(partial)
        status = FileStatus.STORED if committed.sha256 == sha else FileStatus.MISMATCH
        store.record_file(FileRecord(record.source_id, sha, size, status, committed.sha256, committed.size))
        tally["downloaded"] += 1
        tally["bytes"] += committed.size
        tally["mismatched"] += status is FileStatus.MISMATCH
        progress.feed_advanced(FILES_FEED, 1)
    progress.feed_finished(FILES_FEED, f"{tally['downloaded']} copied, {tally['missing']} missing")
    return tally


def _body_path(folder: Path, attachment_id: str, sha: str | None) -> Path | None:
    for name in (attachment_id, sha):
        if name and "/" not in name and "\\" not in name and name not in (".", ".."):
            candidate = folder / "files" / name
            if candidate.is_file():
                return candidate
    return None


def _tenant_meta(folder: Path) -> dict[str, Any]:
    path = folder / "tenant.json"
    if not path.is_file():
        return {"name": folder.name, "time_zone": None}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputFileError(f"{path}: not valid JSON ({exc}).", path=str(path)) from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: must hold a JSON object.", path=str(path))
    return {"name": data.get("name") or folder.name, "time_zone": data.get("time_zone"),
            "rate_limit": data.get("rate_limit")}  # api_keys are secrets: never kept


def extract_export(folder: Path, store: StagingStore, ledger: Ledger, run_id: str, options: Any, blobs: BlobStore,
                   progress: ExtractProgress) -> tuple[list[FeedResult], dict[str, int], dict[str, int]]:
    """Read the export folder into staging; one ledger step per file, then the bodies."""
    folder = folder.resolve()
    schema = CoreSchema.packaged()
    items = export_files(folder, options.resources, schema)
    store.put_meta("tenant", _tenant_meta(folder))
    store.put_meta("schema", schema.entries())
    store.put_meta("source", {"kind": "export", "folder": str(folder)})
    with_files = options.files and ATTACHMENTS in options.resources
    ledger.plan_steps(run_id, [f"extract {i.resource}" for i in items] + ([f"extract {FILES_FEED}"] if with_files else []))
    results = []
    for item in items:
        with ledger.step(run_id, f"extract {item.resource}") as counts:
            result = _read_file(store, item, schema, progress)
            counts.update({k: v for k, v in result.as_dict().items() if k != "feed"})
        results.append(result)
    tally = FilesResult().as_dict()
    if with_files:
        with ledger.step(run_id, f"extract {FILES_FEED}") as counts:
            tally = _copy_files(store, folder, blobs, progress)
            counts.update(tally)
    return results, tally, {}

