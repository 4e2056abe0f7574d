"""The content-addressed blob folder for attachment bodies.

Layout under the root (``<state_dir>/blobs`` by default)::

    sha256/ab/cd/abcd…64 hex…      a finished body, named by the SHA-256 of its bytes
    partial/<attachment id>.part   a download under way (resumed with an HTTP Range request)

A body enters ``sha256/`` only through :meth:`BlobStore.commit`, which hashes the finished partial file,
fsyncs it and renames it into place atomically — so a file under ``sha256/`` always holds exactly the
bytes its name says, even after a crash, and an identical body attached twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import NamedTuple

__all__ = ["BlobStore", "CommittedBlob"]

_SHA = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class CommittedBlob(NamedTuple):
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if not _SHA.match(sha256 or ""):
            raise ValueError(f"not a lower-case hex SHA-256: {sha256!r}")
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str, size: int | None = None) -> bool:
        """Whether the body is stored (and, when ``size`` is given, has that size)."""
        try:
            path = self.path_for(sha256)
        except ValueError:
            return False
        if not path.is_file():
            return False
        return size is None or path.stat().st_size == size

    def partial_path(self, attachment_id: str) -> Path:
        safe = _UNSAFE.sub("_", attachment_id) + "-" + hashlib.sha1(attachment_id.encode("utf-8")).hexdigest()[:8]
        folder = self.root / "partial"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{safe}.part"

    def commit(self, partial: Path) -> CommittedBlob:
        """Move a finished download into the content-addressed folder; returns its real hash and size."""
        digest = hashlib.sha256()
        size = 0
        with partial.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
            os.fsync(fh.fileno())
        sha = digest.hexdigest()
        target = self.path_for(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, target)
        _fsync_dir(target.parent)
        return CommittedBlob(sha, size)

    def verify(self, sha256: str) -> bool:
        """Re-hash a stored body; True when its bytes still match its name."""
        path = self.path_for(sha256)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == sha256


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
