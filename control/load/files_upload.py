"""One file to Salesforce: its body checked against the blob store, sent, then its checksum read back.

:class:`Uploader` turns a ``files.jsonl`` entry into a ContentVersion:

1. the body is read from the blob store and its SHA-256 recomputed — a body that no longer matches the
   name it is stored under is **corrupt** and is not sent (``blob_corrupt``; a missing one is
   ``blob_missing``); its MD5 is computed in the same pass;
2. bodies up to ``json_max_bytes`` go as JSON (``VersionData`` base64, one request); larger ones as
   ``multipart/form-data`` streamed from disk (:class:`~control.load.files_io.MultipartBody`);
3. ``DUPLICATE_VALUE`` on ``ServiceTracker_Id__c`` means an earlier try was stored (a reply lost on the
   way back): the version is looked up by that key and taken as this upload;
4. :meth:`Uploader.verify` reads ``Checksum`` back for a batch and compares it with the MD5 computed
   locally — a mismatch fails the file (``checksum_mismatch``) and its ContentDocument is deleted, so the
   next run uploads it again.

A *link* (the oversize policy ``link``) is a ContentVersion with ``ContentUrl`` and no body.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Mapping, NamedTuple, Sequence

from control.errors import SalesforceError
from control.load.files_http import FilesApi, soql_quote
from control.load.files_io import BlobDigest, MultipartBody, hash_blob
from control.staging import BlobStore

__all__ = ["Uploaded", "Uploader", "version_record", "EXTERNAL_ID"]

EXTERNAL_ID = "ServiceTracker_Id__c"
_NOT_SENT = ("VersionData",)


class Uploaded(NamedTuple):
    """What became of one entry: the version made (or found), its digest, or why it failed."""

    entry: Mapping[str, Any]
    version_id: str | None = None
    digest: BlobDigest | None = None
    code: str | None = None
    message: str | None = None
    fields: tuple[str, ...] = ()
    link_only: bool = False

    @property
    def ok(self) -> bool:
        return self.version_id is not None and self.code is None


def version_record(values: Mapping[str, Any], *, drop: Sequence[str] = ()) -> dict[str, Any]:
    """The ContentVersion fields to send: the entry's values without the body's key and nulls."""
    return {k: v for k, v in values.items() if v is not None and k not in _NOT_SENT and k not in drop}


class Uploader:
    def __init__(self, api: FilesApi, blobs: BlobStore, *, json_max_bytes: int) -> None:
        self.api = api
        self.blobs = blobs
        self.json_max_bytes = json_max_bytes

    # ── one body ────────────────────────────────────────────────────────────────────
    def upload(self, entry: Mapping[str, Any]) -> Uploaded:
        sha = str(entry.get("sha256") or entry["values"].get("VersionData") or "")
        try:
            path = self.blobs.path_for(sha)
        except ValueError:
            return Uploaded(entry, code="blob_missing", message=f"the entry names no body (sha256 {sha!r})")
        if not path.is_file():
            return Uploaded(entry, code="blob_missing",
                            message=f"the body {sha[:12]}… of {entry.get('file_name')!r} is not in the blob store")
        record = version_record(entry["values"])
        if path.stat().st_size <= self.json_max_bytes:
            data = path.read_bytes()
            digest = BlobDigest(hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest(),
                                len(data))
            if digest.sha256 != sha:
                return _corrupt(entry, sha, digest)
            record["VersionData"] = base64.b64encode(data).decode("ascii")
            del data
            payload = _json_body(record)  # built once, sent by every try
            del record["VersionData"]
            return self._send(entry, digest, lambda: payload, {"Content-Type": "application/json"})
        digest = hash_blob(self.blobs, sha)
        if digest is None:
            return Uploaded(entry, code="blob_missing", message=f"the body {sha[:12]}… vanished while it was read")
        if digest.sha256 != sha:
            return _corrupt(entry, sha, digest)
        name = str(record.get("PathOnClient") or entry.get("file_name") or "")
        return self._send(entry, digest, lambda: MultipartBody(record, path, name, entry.get("content_type")),
                          lambda body: {"Content-Type": body.content_type})

    def link(self, entry: Mapping[str, Any], url: str) -> Uploaded:
        """A ContentVersion pointing at ``url`` (no body)."""
        record = version_record(entry["values"], drop=("PathOnClient",))
        record["ContentUrl"] = url
        return self._send(entry, None, lambda: _json_body(record), {"Content-Type": "application/json"},
                          link_only=True)

    def _send(self, entry: Mapping[str, Any], digest: BlobDigest | None, body: Any, headers: Any,
              *, link_only: bool = False) -> Uploaded:
        try:
            reply = self.api.request("POST", "sobjects/ContentVersion", body=body, headers=headers)
            version_id = str(reply.json()["id"])
        except SalesforceError as exc:
            if exc.code == "DUPLICATE_VALUE" and EXTERNAL_ID in (exc.sf_fields or [EXTERNAL_ID]):
                found = self.find(entry)
                if found:
                    return Uploaded(entry, found, digest, link_only=link_only)
            return Uploaded(entry, None, digest, exc.code, exc.message, tuple(exc.sf_fields), link_only)
        return Uploaded(entry, version_id, digest, link_only=link_only)

    def find(self, entry: Mapping[str, Any]) -> str | None:
        key = entry["values"].get(EXTERNAL_ID)
        if not key:
            return None
        rows = list(self.api.query(f"SELECT Id FROM ContentVersion WHERE {EXTERNAL_ID} = {soql_quote(str(key))}"))
        return str(rows[0]["Id"]) if rows else None

    # ── a batch's checksums ─────────────────────────────────────────────────────────
    def read_back(self, version_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{version Id: {ContentDocumentId, Checksum, ContentSize}}`` (18-character Ids)."""
        rows = self.api.query_in("Id, ContentDocumentId, Checksum, ContentSize", "ContentVersion", "Id", version_ids)
        return {str(r["Id"]): r for r in rows}

    def discard(self, document_id: str) -> None:
        """Delete a document whose body arrived wrong (its versions go with it)."""
        self.api.request("DELETE", f"sobjects/ContentDocument/{document_id}")


def _json_body(record: Mapping[str, Any]) -> bytes:
    import json

    return json.dumps(record).encode("utf-8")


def _corrupt(entry: Mapping[str, Any], sha: str, digest: BlobDigest) -> Uploaded:
    return Uploaded(entry, code="blob_corrupt", digest=digest, fields=("VersionData",),
                    message=f"the body stored as sha256 {sha[:12]}… now hashes to {digest.sha256[:12]}…; "
                            "the blob store copy is damaged, so it was not uploaded")
