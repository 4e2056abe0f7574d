"""What inserting a ContentVersion or a ContentDocumentLink does, as Salesforce does it.

**ContentVersion** (a body in ``VersionData`` — base64 in JSON, or the binary part of a multipart
request — or a link in ``ContentUrl``; exactly one of the two):

* without ``ContentDocumentId`` a new **ContentDocument** is created (Title, owner, size, type, the
  version as ``LatestPublishedVersionId``) and the version is ``VersionNumber`` ``1``; with one, the
  version is the document's next (``VersionNumber`` + 1, the previous one no longer ``IsLatest``, the
  document's title, size and latest version follow it);
* ``Checksum`` is the MD5 of the body (lower-case hex), ``ContentSize`` its bytes (0 for a link),
  ``FileExtension`` the lower-cased extension of ``PathOnClient``, ``FileType`` from it (``LINK`` for a
  link, ``UNKNOWN`` when not recognised), ``IsLatest`` true, ``ContentBodyId`` the stored body's Id;
* ``VersionData`` reads back as the URL of the body (``/services/data/vXX.X/sobjects/ContentVersion/
  {id}/VersionData``), which serves the bytes; the body itself lives in :class:`ContentBodies`;
* the document is linked to its owner (``ShareType`` I) and, when ``FirstPublishLocationId`` is given,
  to that record.

Errors: neither body nor link → REQUIRED_FIELD_MISSING ``[VersionData]``; both, or a link with a
``PathOnClient`` → FIELD_INTEGRITY_EXCEPTION; a body without ``PathOnClient`` → REQUIRED_FIELD_MISSING
``[PathOnClient]``; a body that is not base64 → INVALID_TYPE_ON_FIELD_IN_RECORD.

**ContentDocumentLink**: its lookups are checked like any other (a ContentDocumentId that names no
document → INVALID_CROSS_REFERENCE_KEY); a second link between the same document and record is refused
with DUPLICATE_VALUE ``Document with ID: 069… is already linked with the entity with ID: 001…``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from emulators.salesforce.content.bodies import ContentBodies, InvalidBase64, StagedBody
from emulators.salesforce.dml.errors import RecordFailure
from emulators.salesforce.org.schemas import ObjectPlan
from emulators.salesforce.schema.model import FieldSchema

if TYPE_CHECKING:  # pragma: no cover
    from emulators.salesforce.dml.writer import Writer

__all__ = ["ContentRules", "PendingVersion", "FILE_TYPES", "body_url"]

VERSION, DOCUMENT, LINK = "ContentVersion", "ContentDocument", "ContentDocumentLink"
_DOCUMENT_PREFIX, _BODY_PREFIX = "069", "05T"

FILE_TYPES: Mapping[str, str] = {
    "jpg": "JPG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP", "tif": "TIFF", "tiff": "TIFF",
    "pdf": "PDF", "txt": "TEXT", "csv": "CSV", "rtf": "RTF", "htm": "HTML", "html": "HTML", "xml": "XML",
    "json": "JSON", "zip": "ZIP", "doc": "WORD", "docx": "WORD_X", "xls": "EXCEL", "xlsx": "EXCEL_X",
    "ppt": "POWER_POINT", "pptx": "POWER_POINT_X", "mp4": "MP4", "mp3": "MP3", "eml": "EML", "msg": "MSG",
}


def body_url(version: str, record_id: str) -> str:
    return f"/services/data/v{version}/sobjects/{VERSION}/{record_id}/VersionData"


@dataclass
class PendingVersion:
    """A ContentVersion insert between its checks and its storing."""

    raw_body: Any = None  # VersionData as given in JSON (base64 text)
    body_field: FieldSchema | None = None
    staged: StagedBody | None = None

    def discard(self) -> None:
        if self.staged is not None:
            self.staged.discard()
            self.staged = None


class ContentRules:
    """The Content objects' insert rules for one org (see the module docstring)."""

    def __init__(self, bodies: ContentBodies) -> None:
        self.bodies = bodies

    @staticmethod
    def handles(sobject: str) -> bool:
        return sobject in (VERSION, LINK)

    # ── before the generic checks ───────────────────────────────────────────────────
    def take_body(
        self, plan: ObjectPlan, values: Mapping[str, tuple[FieldSchema, Any]], body: StagedBody | None
    ) -> tuple[dict[str, tuple[FieldSchema, Any]], PendingVersion | None]:
        """Set ``VersionData`` aside (it is never coerced nor stored in the row)."""
        if plan.name != VERSION:
            return dict(values), None
        rest = dict(values)
        given = rest.pop("VersionData", None)
        pending = PendingVersion(staged=body)
        if given is not None and body is None:
            pending.body_field, pending.raw_body = given
            if pending.raw_body == "":
                pending.raw_body = None
        return rest, pending

    # ── after the generic checks, before an Id is given ─────────────────────────────
    def check(self, writer: "Writer", plan: ObjectPlan, data: dict[str, Any], pending: PendingVersion | None) -> None:
        if plan.name == LINK:
            self._check_link(writer, data)
            return
        assert pending is not None
        has_body = pending.staged is not None or pending.raw_body is not None
        has_url = bool(data.get("ContentUrl"))
        if not has_body and not has_url:
            raise RecordFailure("REQUIRED_FIELD_MISSING", "Required fields are missing: [VersionData]", ["VersionData"])
        if has_body and has_url:
            raise RecordFailure(
                "FIELD_INTEGRITY_EXCEPTION", "ContentUrl and VersionData can't both be specified", ["ContentUrl"]
            )
        if has_url and data.get("PathOnClient"):
            raise RecordFailure(
                "FIELD_INTEGRITY_EXCEPTION", "PathOnClient can't be specified for a link (ContentUrl)", ["PathOnClient"]
            )
        if has_body and not data.get("PathOnClient"):
            raise RecordFailure("REQUIRED_FIELD_MISSING", "Required fields are missing: [PathOnClient]", ["PathOnClient"])
        if pending.staged is None and pending.raw_body is not None:
            f = pending.body_field
            assert f is not None
            if not isinstance(pending.raw_body, str):
                raise _wrong_type(f, pending.raw_body)
            try:
                pending.staged = self.bodies.stage_base64(pending.raw_body)
            except InvalidBase64:
                raise _wrong_type(f, pending.raw_body) from None
            pending.raw_body = None

    def _check_link(self, writer: "Writer", data: dict[str, Any]) -> None:
        doc, entity = data.get("ContentDocumentId"), data.get("LinkedEntityId")
        if not doc or not entity:
            return
        for other in self._links_of(writer, doc):
            if other.get("LinkedEntityId") == entity:
                raise RecordFailure(
                    "DUPLICATE_VALUE",
                    f"Document with ID: {doc[:15]} is already linked with the entity with ID: {entity[:15]}",
                    ["LinkedEntityId"],
                )

    @staticmethod
    def _links_of(writer: "Writer", document_id: str) -> list[dict[str, Any]]:
        ids = [child for child, field in writer.store.children(document_id) if field == "ContentDocumentId"]
        found = writer.store.get_many(ids)
        return [r.data for r in found.values() if r.sobject == LINK and not r.deleted]

    # ── the Id is known: fill the version, make or advance its document ─────────────
    def before_store(
        self, writer: "Writer", plan: ObjectPlan, record_id: str, data: dict[str, Any], pending: PendingVersion | None
    ) -> None:
        if plan.name != VERSION:
            return
        assert pending is not None
        staged = pending.staged
        if staged is not None:
            body_id = writer.store.allocate_id(_BODY_PREFIX)
            extension = _extension(data.get("PathOnClient"))
            data.update(
                VersionData=body_url(writer.api_version, record_id), ContentBodyId=body_id, Checksum=staged.md5,
                ContentSize=staged.size, FileExtension=extension,
                FileType=FILE_TYPES.get(extension or "", "UNKNOWN"),
            )
        else:
            data.update(ContentSize=0, FileType="LINK", FileExtension=None, Checksum=None)
        data["IsLatest"] = True
        data["PublishStatus"] = "P" if data.get("FirstPublishLocationId") else "R"
        if data.get("ContentModifiedDate") is None:
            data["ContentModifiedDate"] = data.get("CreatedDate")
        data["ContentModifiedById"] = data.get("CreatedById")
        if data.get("ContentDocumentId"):
            self._next_version(writer, record_id, data)
        else:
            self._new_document(writer, record_id, data)
        if staged is not None:
            self.bodies.keep(staged, str(data["ContentBodyId"]))
            pending.staged = None

    def _document_values(self, record_id: str, version: Mapping[str, Any]) -> dict[str, Any]:
        keys = ("Title", "OwnerId", "ContentSize", "FileType", "FileExtension", "SharingOption", "SharingPrivacy",
                "Description", "PublishStatus", "ContentModifiedDate")
        out = {k: version.get(k) for k in keys}
        out["LatestPublishedVersionId"] = record_id
        return out

    def _new_document(self, writer: "Writer", record_id: str, data: dict[str, Any]) -> None:
        doc_id = writer.store.allocate_id(_DOCUMENT_PREFIX)
        doc = self._document_values(record_id, data)
        doc.update(
            Id=doc_id, IsDeleted=False, IsArchived=False, CreatedDate=data.get("CreatedDate"),
            CreatedById=data.get("CreatedById"), LastModifiedDate=data.get("LastModifiedDate"),
            LastModifiedById=data.get("LastModifiedById"), SystemModstamp=data.get("SystemModstamp") or writer.now,
        )
        writer.store.insert(DOCUMENT, doc_id, doc)
        data["ContentDocumentId"] = doc_id
        data["VersionNumber"] = "1"

    def _next_version(self, writer: "Writer", record_id: str, data: dict[str, Any]) -> None:
        doc_id = str(data["ContentDocumentId"])
        found = writer.store.get(doc_id)
        assert found is not None  # the lookup check found it
        numbers = []
        for child, field in writer.store.children(doc_id):
            if field != "ContentDocumentId":
                continue
            prior = writer.store.get(child)
            if prior is None or prior.sobject != VERSION:
                continue
            numbers.append(int(prior.data.get("VersionNumber") or 0))
            if prior.data.get("IsLatest"):
                prior.data["IsLatest"] = False
                writer.store.update(VERSION, child, prior.data)
        data["VersionNumber"] = str(max(numbers, default=0) + 1)
        doc = dict(found.data)
        doc.update(self._document_values(record_id, data))
        doc.update(LastModifiedDate=writer.now, LastModifiedById=writer.user_id, SystemModstamp=writer.now)
        writer.store.update(DOCUMENT, doc_id, doc)

    # ── stored: the document's links ────────────────────────────────────────────────
    def after_store(self, writer: "Writer", plan: ObjectPlan, record_id: str, data: dict[str, Any]) -> None:
        if plan.name != VERSION or data.get("VersionNumber") != "1":
            return
        doc_id = str(data["ContentDocumentId"])
        targets = [(data.get("OwnerId") or writer.user_id, "I")]
        location = data.get("FirstPublishLocationId")
        if location and location != targets[0][0]:
            targets.append((location, "I"))
        for entity, share in targets:
            link_id = writer.store.allocate_id(writer.schemas.plan(LINK).schema.key_prefix or "06A")
            writer.store.insert(LINK, link_id, {
                "Id": link_id, "ContentDocumentId": doc_id, "LinkedEntityId": entity, "ShareType": share,
                "Visibility": "AllUsers", "IsDeleted": False, "SystemModstamp": writer.now,
            })


def _extension(path: Any) -> str | None:
    name = str(path or "").replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in name.strip("."):
        return None
    ext = name.rsplit(".", 1)[-1].strip().lower()
    return ext or None


def _wrong_type(f: FieldSchema, value: Any) -> RecordFailure:
    shown = value if isinstance(value, str) and len(value) <= 40 else (str(value)[:40] + "…")
    return RecordFailure("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{f.label}: value not of required type: {shown}", [f.name])
