"""File bodies of ContentVersions, on disk beside the org's database.

Layout under ``<state>/orgs/<NAME>/content/``::

    tmp/<random>.part          a body being received (multipart stream or decoded base64)
    <ab>/<ContentBodyId>       a stored body, named by the version's ContentBodyId (``05T…``)

A body is written once, in blocks, while its MD5 and size are computed (:class:`BodyWriter`), then
renamed into place when its ContentVersion is stored. Stored bodies are never changed (a new version is
a new body). A request that fails after the rename (a rolled-back ``allOrNone``) leaves an unreferenced
body behind; it costs disk, never correctness, since only stored ContentVersions name bodies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

__all__ = ["ContentBodies", "StagedBody", "BodyWriter", "InvalidBase64"]

_BLOCK = 1 << 20
# base64 is decoded in slices of this many characters (a multiple of 4): memory stays flat
_B64_SLICE = 4 * (1 << 18)


class InvalidBase64(ValueError):
    """The text is not base64."""


@dataclass(frozen=True)
class StagedBody:
    """A received body waiting for its record: the temporary file, its size and MD5 (hex)."""

    path: Path
    size: int
    md5: str

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


class BodyWriter:
    """Write a body in blocks; :meth:`finish` gives the :class:`StagedBody`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: BinaryIO = path.open("wb")
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._size = 0

    def write(self, block: bytes) -> None:
        if block:
            self._fh.write(block)
            self._md5.update(block)
            self._size += len(block)

    def finish(self) -> StagedBody:
        self._fh.close()
        return StagedBody(self.path, self._size, self._md5.hexdigest())

    def abort(self) -> None:
        self._fh.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


class ContentBodies:
    """The body folder of one org."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def writer(self) -> BodyWriter:
        tmp = self.folder / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        return BodyWriter(tmp / f"{secrets.token_hex(12)}.part")

    def clear_staging(self) -> None:
        """Remove bodies left half-received (call only while no request is being served)."""
        tmp = self.folder / "tmp"
        if tmp.is_dir():
            for leftover in tmp.glob("*.part"):
                leftover.unlink(missing_ok=True)

    def stage_base64(self, text: str) -> StagedBody:
        """Decode base64 ``text`` into a staged body, slice by slice (whitespace is ignored)."""
        compact = "".join(text.split()) if any(ch in text for ch in " \r\n\t") else text
        out = self.writer()
        try:
            for start in range(0, len(compact), _B64_SLICE):
                out.write(base64.b64decode(compact[start : start + _B64_SLICE], validate=True))
        except (binascii.Error, ValueError):
            out.abort()
            raise InvalidBase64("not base64") from None
        return out.finish()

    def path_of(self, body_id: str) -> Path:
        return self.folder / body_id[-2:].lower() / body_id

    def keep(self, staged: StagedBody, body_id: str) -> Path:
        """Move a staged body into place as ``body_id``."""
        target = self.path_of(body_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)
        return target

    def open(self, body_id: str) -> BinaryIO | None:
        path = self.path_of(body_id)
        return path.open("rb") if path.is_file() else None

    def blocks(self, body_id: str) -> Iterator[bytes]:
        """The stored body in blocks (nothing when it is missing)."""
        fh = self.open(body_id)
        if fh is None:
            return
        with fh:
            while True:
                block = fh.read(_BLOCK)
                if not block:
                    break
                yield block
