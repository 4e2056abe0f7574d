"""Reading a tenant folder (the fixture format of docs/servicetracker-api.md §15), one line at a time.

Nothing here holds a whole resource in memory: :func:`iter_records` yields one checked record per
line, with the bytes to serve. A line that already carries every core key is served byte for byte as
written (so a fixture round-trips exactly); a hand-made line that omits core keys gets them as
``null`` (``[]`` for arrays) and is re-serialized. Anything else wrong stops the load with the file
and line, and what to change.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterator, NamedTuple

import orjson

from emulators.servicetracker.clock import parse_instant
from emulators.servicetracker.model import FieldType, RESOURCES, resource_spec
from emulators.servicetracker.problems import BadInput

__all__ = ["FixtureRecord", "Tombstone", "resource_files", "iter_records", "iter_tombstones", "fingerprint",
           "custom_table_keys", "attachment_body_path", "ROWS_PREFIX"]

ROWS_PREFIX = "custom_tables/"
_SCALARS = (str, int, float, bool, type(None))


class FixtureRecord(NamedTuple):
    line: int
    id: str
    updated_us: int
    body: bytes


class Tombstone(NamedTuple):
    line: int
    resource: str
    id: str
    deleted_us: int
    body: bytes


def rows_resource(key: str) -> str:
    return f"{ROWS_PREFIX}{key}/rows"


def custom_table_keys(folder: Path) -> list[str]:
    """Keys of the custom tables defined in ``custom_tables.jsonl`` (file order)."""
    path = folder / "custom_tables.jsonl"
    if not path.is_file():
        return []
    return [orjson.loads(rec.body)["id"] for rec in iter_records(path, "custom_tables")]


def resource_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """``(resource, path)`` for every resource file present, custom table rows last."""
    for resource in RESOURCES:
        path = folder / f"{resource}.jsonl"
        if path.is_file():
            yield resource, path
    rows_dir = folder / "custom_tables"
    defined = set(custom_table_keys(folder))
    if rows_dir.is_dir():
        for path in sorted(rows_dir.glob("*.jsonl")):
            key = path.stem
            if key not in defined:
                raise BadInput(f"{path}: custom table '{key}' has rows but no definition in custom_tables.jsonl; "
                               f"add a line with \"id\": \"{key}\" there.")
            yield rows_resource(key), path
    unknown = sorted(p.name for p in folder.glob("*.jsonl")
                     if p.stem not in RESOURCES and p.stem != "tombstones")
    if unknown:
        raise BadInput(f"{folder}: {', '.join(unknown)} name no ServiceTracker resource; "
                       f"expected <resource>.jsonl with resource one of {', '.join(RESOURCES)}.")


def _check_record(path: Path, line_no: int, resource: str, data: object) -> tuple[str, int, bool]:
    where = f"{path}, line {line_no}"
    if not isinstance(data, dict):
        raise BadInput(f"{where}: each line must be one JSON object (a record).")
    spec = resource_spec(resource)
    record_id = data.get("id")
    if not isinstance(record_id, str) or not 1 <= len(record_id) <= 64:
        raise BadInput(f"{where}: 'id' must be a string of 1 to 64 characters.")
    for key in ("created_at", "updated_at"):
        try:
            instant = parse_instant(data.get(key))
        except ValueError as exc:
            raise BadInput(f"{where}: '{key}' {exc}.") from None
        if key == "updated_at":
            updated_us = instant
    custom = data.get("custom_fields")
    if not isinstance(custom, dict) or not all(isinstance(v, _SCALARS) for v in custom.values()):
        raise BadInput(f"{where}: 'custom_fields' must be an object whose values are strings, numbers, "
                       "booleans or null ({} when the record has none).")
    unknown = [key for key in data if spec.field(key) is None]
    if unknown:
        raise BadInput(f"{where}: {', '.join(map(repr, unknown))} is not a core field of {spec.resource}; "
                       "move tenant-defined values into 'custom_fields'.")
    complete = len(data) == len(spec.fields)
    return record_id, updated_us, complete


def _complete(resource: str, data: dict) -> bytes:
    spec = resource_spec(resource)
    full = {f.name: data.get(f.name, [] if f.type is FieldType.ARRAY else None) for f in spec.fields}
    return orjson.dumps(full)


def iter_records(path: Path, resource: str) -> Iterator[FixtureRecord]:
    """Checked records of one resource file, in file order."""
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                raise BadInput(f"{path}, line {line_no}: blank line; JSON Lines files hold one record per line.")
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadInput(f"{path}, line {line_no}: not valid JSON ({exc}).") from None
            record_id, updated_us, complete = _check_record(path, line_no, resource, data)
            body = line if complete else _complete(resource, data)
            yield FixtureRecord(line_no, record_id, updated_us, body)


def iter_tombstones(path: Path) -> Iterator[Tombstone]:
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\r\n")
            where = f"{path}, line {line_no}"
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadInput(f"{where}: not valid JSON ({exc}).") from None
            if not isinstance(data, dict) or set(data) != {"resource", "id", "deleted_at"}:
                raise BadInput(f"{where}: a tombstone is exactly {{\"resource\", \"id\", \"deleted_at\"}}.")
            if not isinstance(data["resource"], str) or not isinstance(data["id"], str) or not data["id"]:
                raise BadInput(f"{where}: 'resource' and 'id' must be non-empty strings.")
            try:
                deleted_us = parse_instant(data["deleted_at"])
            except ValueError as exc:
                raise BadInput(f"{where}: 'deleted_at' {exc}.") from None
            yield Tombstone(line_no, data["resource"], data["id"], deleted_us, line)


def attachment_body_path(folder: Path, attachment_id: str, sha256: object) -> Path | None:
    """Where the body of an attachment is: ``files/<id>``, else ``files/<sha256>``; None when neither."""
    files = folder / "files"
    for name in (attachment_id, sha256 if isinstance(sha256, str) else None):
        if name and "/" not in name and name not in (".", ".."):
            candidate = files / name
            if candidate.is_file():
                return candidate
    return None


def fingerprint(folder: Path) -> str:
    """A digest of the folder's JSON Lines files and tenant.json (names, sizes, modification times)."""
    digest = hashlib.sha256()
    paths = [folder / "tenant.json", *sorted(folder.glob("*.jsonl")), *sorted((folder / "custom_tables").glob("*.jsonl"))]
    for path in paths:
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
