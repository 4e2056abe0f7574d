"""Bulk API (v1) documents on the wire: jobInfo, batchInfo, errors and results, in XML or JSON.

XML is in the ``http://www.force.com/2009/06/asyncapi/dataload`` namespace, elements in the order
of Salesforce's recorded responses (the CumulusCI cassettes' ``jobInfo_*.tpl`` and
``batchInfo*.tpl``); datetimes read ``2022-10-20T16:45:36.000Z``. JSON uses the same names with
typed values (numbers are numbers, ``apiVersion`` is ``59.0``) and datetimes ``…000+0000``.
A client that creates its job with JSON (``Content-Type: application/json``) gets JSON back.

DML results::

    CSV   "Id","Success","Created","Error"            one row per record, request order
    JSON  [{"success": true, "created": true, "id": "001…", "errors": []}, …]
    XML   <results><result><id>…</id><success>true</success><created>true</created></result>…
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Iterator, Mapping, Sequence

import orjson
from lxml import etree

from emulators.salesforce.bulk.dml import RowOutcome, error_text
from emulators.salesforce.bulk.model import ASYNC_NS, BatchRow, BulkError, ContentType, JobRow

__all__ = [
    "XML_TYPE",
    "JSON_TYPE",
    "CSV_TYPE",
    "parse_job_request",
    "job_info",
    "batch_info",
    "batch_info_list",
    "error_document",
    "result_list",
    "dml_results",
    "JobCounts",
    "xml_frame",
]

XML_TYPE = "application/xml"
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"
_Q = f"{{{ASYNC_NS}}}"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def xml_frame(tag: str, nsmap: dict[str | None, str]) -> tuple[bytes, bytes]:
    """The opening and closing bytes of a streamed XML document ``<tag>…</tag>`` (declaration included).

    lxml serialises the frame around a marker comment, so a large document's items can be written
    one by one between the two halves.
    """
    root = etree.Element(tag, nsmap=nsmap)
    root.append(etree.Comment("items"))
    head, tail = etree.tostring(root, xml_declaration=True, encoding="UTF-8").split(b"<!--items-->")
    return head, tail


def _xml_time(wire: str) -> str:
    return wire[:-5] + "Z" if wire.endswith("+0000") else wire


def _xml(root_tag: str, items: Iterable[tuple[str, Any]]) -> bytes:
    root = etree.Element(_Q + root_tag, nsmap={None: ASYNC_NS})
    _fill(root, items)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _fill(parent: etree._Element, items: Iterable[tuple[str, Any]]) -> None:
    for name, value in items:
        if value is None:
            continue
        el = etree.SubElement(parent, _Q + name)
        if isinstance(value, bool):
            el.text = "true" if value else "false"
        else:
            el.text = str(value)


# ── requests ─────────────────────────────────────────────────────────────────────────
def parse_job_request(body: bytes, as_json: bool) -> dict[str, Any]:
    """A jobInfo request body (create, close, abort) → ``{name: value}``."""
    if not body.strip():
        raise BulkError("InvalidJob", "The request body is empty; send a jobInfo")
    if as_json:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BulkError("InvalidJob", f"Unable to parse jobInfo JSON: {exc}") from None
        if not isinstance(data, dict):
            raise BulkError("InvalidJob", "The jobInfo must be a JSON object")
        return data
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise BulkError("InvalidXML", f"Unable to parse jobInfo XML: {exc}") from None
    if etree.QName(root).localname != "jobInfo":
        raise BulkError("InvalidXML", f"Expected a jobInfo element, got {etree.QName(root).localname}")
    return {etree.QName(el).localname: (el.text or "").strip() for el in root if isinstance(el.tag, str)}


# ── jobInfo / batchInfo ──────────────────────────────────────────────────────────────
class JobCounts:
    """Batch and record counters of a job, summed from its batches."""

    def __init__(self, batches: Sequence[BatchRow]) -> None:
        states = [b.state for b in batches]
        self.queued = states.count("Queued")
        self.in_progress = states.count("InProgress")
        self.completed = states.count("Completed")
        self.failed = states.count("Failed")
        self.total = len(batches)
        self.processed = sum(b.processed for b in batches)
        self.records_failed = sum(b.failed for b in batches)
        self.total_ms = sum(b.total_ms for b in batches)


def _job_items(job: JobRow, counts: JobCounts, xml: bool) -> list[tuple[str, Any]]:
    time = _xml_time if xml else (lambda v: v)
    version: Any = job.api_version if xml else float(job.api_version)
    return [
        ("id", job.id),
        ("operation", job.operation),
        ("object", job.object),
        ("createdById", job.created_by),
        ("createdDate", time(job.created)),
        ("systemModstamp", time(job.modstamp)),
        ("state", job.state),
        ("externalIdFieldName", job.external_id),
        ("concurrencyMode", job.concurrency),
        ("contentType", job.content_type),
        ("numberBatchesQueued", counts.queued),
        ("numberBatchesInProgress", counts.in_progress),
        ("numberBatchesCompleted", counts.completed),
        ("numberBatchesFailed", counts.failed),
        ("numberBatchesTotal", counts.total),
        ("numberRecordsProcessed", counts.processed),
        ("numberRetries", 0),
        ("apiVersion", version),
        ("numberRecordsFailed", counts.records_failed),
        ("totalProcessingTime", counts.total_ms),
        ("apiActiveProcessingTime", counts.total_ms),
        ("apexProcessingTime", 0),
    ]


def job_info(job: JobRow, batches: Sequence[BatchRow], *, as_json: bool) -> bytes:
    items = _job_items(job, JobCounts(batches), not as_json)
    if as_json:
        return orjson.dumps({k: v for k, v in items if v is not None or k == "externalIdFieldName"})
    return _xml("jobInfo", items)


def _batch_items(batch: BatchRow, xml: bool) -> list[tuple[str, Any]]:
    time = _xml_time if xml else (lambda v: v)
    return [
        ("id", batch.id),
        ("jobId", batch.job_id),
        ("state", batch.state),
        ("stateMessage", batch.state_message),
        ("createdDate", time(batch.created)),
        ("systemModstamp", time(batch.modstamp)),
        ("numberRecordsProcessed", batch.processed),
        ("numberRecordsFailed", batch.failed),
        ("totalProcessingTime", batch.total_ms),
        ("apiActiveProcessingTime", batch.total_ms),
        ("apexProcessingTime", 0),
    ]


def batch_info(batch: BatchRow, *, as_json: bool) -> bytes:
    items = _batch_items(batch, not as_json)
    if as_json:
        return orjson.dumps({k: v for k, v in items if v is not None})
    return _xml("batchInfo", items)


def batch_info_list(batches: Sequence[BatchRow], *, as_json: bool) -> bytes:
    if as_json:
        return orjson.dumps({"batchInfo": [{k: v for k, v in _batch_items(b, False) if v is not None} for b in batches]})
    root = etree.Element(_Q + "batchInfoList", nsmap={None: ASYNC_NS})
    for b in batches:
        _fill(etree.SubElement(root, _Q + "batchInfo"), _batch_items(b, True))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def error_document(exc: BulkError, *, as_json: bool) -> bytes:
    if as_json:
        return orjson.dumps({"exceptionCode": exc.code, "exceptionMessage": exc.message})
    return _xml("error", [("exceptionCode", exc.code), ("exceptionMessage", exc.message)])


def result_list(result_ids: Sequence[str], *, as_json: bool) -> bytes:
    if as_json:
        return orjson.dumps(list(result_ids))
    return _xml("result-list", [("result", rid) for rid in result_ids])


# ── DML results ──────────────────────────────────────────────────────────────────────
def dml_results(outcomes: Iterable[RowOutcome], content_type: ContentType) -> Iterator[bytes]:
    """The result document of a DML batch, in chunks."""
    if content_type is ContentType.CSV:
        yield b'"Id","Success","Created","Error"\n'
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for n, o in enumerate(outcomes, start=1):
            writer.writerow([o.id or "", "true" if o.success else "false", "true" if o.created else "false",
                             error_text(o.error) if o.error else ""])
            if n % 1000 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")
        return
    if content_type is ContentType.JSON:
        yield b"["
        for n, o in enumerate(outcomes):
            entry: Mapping[str, Any] = {
                "success": o.success,
                "created": o.created,
                "id": o.id,
                "errors": [] if o.error is None else [
                    {"fields": list(o.error.fields), "message": o.error.message, "statusCode": o.error.status_code}
                ],
            }
            yield (b"," if n else b"") + orjson.dumps(entry)
        yield b"]"
        return
    head, tail = xml_frame(_Q + "results", {None: ASYNC_NS, "xsi": _XSI})
    yield head
    for o in outcomes:
        el = etree.Element(_Q + "result", nsmap={None: ASYNC_NS, "xsi": _XSI})
        if o.error is not None:
            err = etree.SubElement(el, _Q + "errors")
            for name in o.error.fields:
                etree.SubElement(err, _Q + "fields").text = name
            etree.SubElement(err, _Q + "message").text = o.error.message
            etree.SubElement(err, _Q + "statusCode").text = o.error.status_code
        if o.id:
            etree.SubElement(el, _Q + "id").text = o.id
        else:
            etree.SubElement(el, _Q + "id").set(f"{{{_XSI}}}nil", "true")
        etree.SubElement(el, _Q + "success").text = "true" if o.success else "false"
        etree.SubElement(el, _Q + "created").text = "true" if o.created else "false"
        yield etree.tostring(el)
    yield tail
