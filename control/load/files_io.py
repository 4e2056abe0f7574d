"""Local side of the file upload: ``files.jsonl`` read in batches, blob bodies hashed and streamed.

* :func:`file_batches` — the dataset's ``files.jsonl`` as lists of at most ``size`` entries; the file is
  read line by line, never whole.
* :func:`hash_blob` — SHA-256 and MD5 of a stored body in one pass (the SHA-256 is the blob's name:
  a body that no longer matches it is corrupt and is not uploaded).
* :class:`MultipartBody` — a ``multipart/form-data`` request body (the record as JSON, then the file)
  that requests sends with a Content-Length while reading the file block by block.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any, Iterator, Mapping, NamedTuple

from control.errors import InputFileError
from control.staging import BlobStore

__all__ = ["file_batches", "BlobDigest", "hash_blob", "MultipartBody"]

_BLOCK = 1 << 20


def file_batches(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    """Entries of ``files.jsonl`` in lists of at most ``size`` (a missing file is no files)."""
    if not path.is_file():
        return
    batch: list[dict[str, Any]] = []
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                raise InputFileError(f"{path.name} line {number} is not JSON.",
                                     hint="Rebuild the dataset (st2sf dataset build).") from None
            if not isinstance(entry, dict) or not entry.get("local_id") or not isinstance(entry.get("values"), dict):
                raise InputFileError(f"{path.name} line {number} is not a file entry (local_id and values are needed).",
                                     hint="Rebuild the dataset (st2sf dataset build).")
            batch.append(entry)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


class BlobDigest(NamedTuple):
    sha256: str
    md5: str
    size: int


def hash_blob(blobs: BlobStore, sha256: str) -> BlobDigest | None:
    """Digests of the stored body named ``sha256`` (None when it is not stored)."""
    try:
        path = blobs.path_for(sha256)
    except ValueError:
        return None
    if not path.is_file():
        return None
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            sha.update(block)
            md5.update(block)
            size += len(block)
    return BlobDigest(sha.hexdigest(), md5.hexdigest(), size)


class MultipartBody:
    """``multipart/form-data`` with an ``entity_content`` JSON part and a ``VersionData`` file part.

    Give it to requests as ``data=``: its ``len()`` becomes the Content-Length and the file is read in
    1 MB blocks while sending. One instance sends once; make a new one per try.
    """

    def __init__(self, record: Mapping[str, Any], path: Path, file_name: str, content_type: str | None) -> None:
        self.boundary = "st2sf-" + secrets.token_hex(16)
        safe_name = (file_name or "file").replace('"', "'").replace("\r", " ").replace("\n", " ")
        self._head = (
            f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"entity_content\"\r\n"
            f"Content-Type: application/json\r\n\r\n").encode() + json.dumps(record).encode("utf-8") + (
            f"\r\n--{self.boundary}\r\nContent-Disposition: form-data; name=\"VersionData\"; "
            f"filename=\"{safe_name}\"\r\nContent-Type: {content_type or 'application/octet-stream'}\r\n\r\n"
        ).encode("utf-8")
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._path = path
        self._size = path.stat().st_size
        self._parts = self._blocks()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self._head) + self._size + len(self._tail)

    def _blocks(self) -> Iterator[bytes]:
        yield self._head
        with self._path.open("rb") as fh:
            for block in iter(lambda: fh.read(_BLOCK), b""):
                yield block
        yield self._tail

    def __iter__(self) -> Iterator[bytes]:
        return self._parts

    def read(self, size: int = -1) -> bytes:
        """File-like reading for the HTTP client (``size`` is a hint: a block is at most 1 MB)."""
        return next(self._parts, b"")
