"""Reading batch data: CSV, JSON and XML bodies → record bodies the write rules understand.

A record body is what :meth:`Writer.resolve_fields` takes: ``{"Name": "Acme", "Account":
{"ST_Client_Id__c": "C-1"}}``. Conventions of the Bulk APIs:

* **CSV** — the header names fields (``Name``) or parent external Ids through a relationship
  (``Account.ST_Client_Id__c``, ``Owner.Username``). An empty value leaves the field alone (not set
  on insert, unchanged on update); ``#N/A`` sets it to null. Values stay text; the write rules
  convert them (``true``/``false``, numbers, ISO dates). Bulk 2.0 adds ``columnDelimiter``
  (COMMA, TAB, PIPE, SEMICOLON, CARET, BACKQUOTE) and ``lineEnding`` (LF, CRLF).
* **JSON** — a list of objects; ``null`` sets a field to null; a parent by external Id is a nested
  object.
* **XML** — ``<sObjects><sObject><Name>…</Name><Account><Ext__c>…</Ext__c></Account></sObject>…``;
  ``xsi:nil="true"`` sets null.

Problems with the batch as a whole raise :class:`BatchFailure` (the batch ends ``Failed`` with
``stateMessage`` = ``"<code> : <message>"``): a field the object does not have (``InvalidBatch :
Field name not found : Foo__c``), more than 10,000 records, a value over 32,000 characters,
unparseable data.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

import orjson
from lxml import etree

from emulators.salesforce.org.schemas import ObjectPlan

__all__ = [
    "BatchFailure",
    "ParsedBatch",
    "CsvRecords",
    "parse_csv",
    "parse_json",
    "parse_xml",
    "MAX_RECORDS",
    "MAX_FIELD_CHARS",
    "DELIMITERS",
    "NULL_MARKER",
]

MAX_RECORDS = 10_000
MAX_FIELD_CHARS = 32_000
NULL_MARKER = "#N/A"
DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


class BatchFailure(Exception):
    """The batch cannot be processed; ``state_message`` is what Salesforce shows."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} : {message}")
        self.state_message = f"{code} : {message}"


class ParsedBatch(NamedTuple):
    records: list[dict[str, Any]]  # record bodies, in request order
    header: tuple[str, ...] | None = None  # CSV column names as sent


class _Column(NamedTuple):
    name: str  # as sent
    field: str | None  # plain field (describe casing)
    relationship: str | None  # relationship name for Parent.ExtField
    ext_field: str | None


def _not_found(name: str) -> BatchFailure:
    return BatchFailure("InvalidBatch", f"Field name not found : {name}")


def _column(plan: ObjectPlan, name: str) -> _Column:
    clean = name.strip()
    f = plan.field(clean)
    if f is not None:
        return _Column(name, f.name, None, None)
    if "." in clean:
        rel_name, _, ext = clean.partition(".")
        rel_name = rel_name.split(":", 1)[0]  # Parent:Type.Field (polymorphic) keeps the relationship
        ref = plan.schema.field_by_relationship(rel_name)
        if ref is not None and ext:
            return _Column(name, None, ref.relationship_name, ext)
    raise _not_found(clean)


def _check_count(count: int) -> None:
    if count > MAX_RECORDS:
        raise BatchFailure(
            "InvalidBatch",
            f"Exceeded number of records: {count + 1}. Number of records should be less than or equal to {MAX_RECORDS + 1}",
        )


def _too_long(field: str, number: int) -> BatchFailure:
    return BatchFailure(
        "InvalidBatch",
        f"Field {field} of record {number} is longer than {MAX_FIELD_CHARS:,} characters; split the value or load it "
        "through the REST API",
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchFailure("ClientInputError", f"The data is not UTF-8 (byte {exc.start})") from None


class CsvRecords:
    """A CSV batch read row by row: the header is checked first, then rows stream from ``lines``.

    ``lines`` is any iterable of text lines (a decoded file, or ``io.StringIO``), so a 150 MB
    Bulk 2.0 upload is never held in memory.
    """

    def __init__(self, lines: Iterable[str], plan: ObjectPlan, *, delimiter: str = ",") -> None:
        self._reader = csv.reader(lines, delimiter=delimiter, strict=True)
        self.line = 1
        try:
            header = next(self._reader)
        except StopIteration:
            raise BatchFailure("ClientInputError", "The batch has no header row") from None
        except csv.Error as exc:
            raise BatchFailure("ClientInputError", f"Invalid CSV on line 1: {exc}") from None
        if not header or all(not h.strip() for h in header):
            raise BatchFailure("ClientInputError", "The batch has no header row")
        if header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        seen: set[str] = set()
        columns = []
        for name in header:
            col = _column(plan, name)
            key = (col.field or f"{col.relationship}.{col.ext_field}").lower()
            if key in seen:
                raise BatchFailure("InvalidBatch", f"Duplicate field name: {name.strip()}")
            seen.add(key)
            columns.append(col)
        self.header = tuple(header)
        self._columns = columns
        self.count = 0

    def __iter__(self) -> Iterator[tuple[dict[str, Any], list[str]]]:
        """``(record body, values as sent)`` per data row."""
        columns = self._columns
        width = len(columns)
        try:
            for values in self._reader:
                self.line += 1
                if not values or (len(values) == 1 and values[0] == "" and width > 1):
                    continue  # blank line
                if len(values) != width:
                    raise BatchFailure(
                        "InvalidBatch",
                        f"Wrong number of fields on line {self.line}: expected {width}, found {len(values)}",
                    )
                self.count += 1
                body: dict[str, Any] = {}
                for col, value in zip(columns, values):
                    if value == "":
                        continue
                    if len(value) > MAX_FIELD_CHARS:
                        raise _too_long(col.name.strip(), self.count)
                    parsed = None if value == NULL_MARKER else value
                    if col.field is not None:
                        body[col.field] = parsed
                    elif parsed is not None:
                        body.setdefault(col.relationship, {})[col.ext_field] = parsed
                yield body, values
        except csv.Error as exc:
            raise BatchFailure("ClientInputError", f"Invalid CSV on line {self.line + 1}: {exc}") from None


def parse_csv(data: bytes, plan: ObjectPlan) -> ParsedBatch:
    """A whole (Bulk v1) CSV batch → record bodies; at most 10,000 records."""
    reader = CsvRecords(io.StringIO(_decode(data), newline=""), plan)
    records: list[dict[str, Any]] = []
    for body, _ in reader:
        records.append(body)
        if len(records) > MAX_RECORDS:
            _check_count(len(records) + sum(1 for _ in reader))
    return ParsedBatch(records, reader.header)


def _check_keys(plan: ObjectPlan, record: Mapping[str, Any], number: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        f = plan.field(key)
        if f is not None:
            if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                raise _too_long(f.name, number)
            out[f.name] = value
            continue
        rel = plan.schema.field_by_relationship(key)
        if rel is not None and isinstance(value, Mapping):
            out[rel.relationship_name or key] = dict(value)
            continue
        raise _not_found(key)
    return out


def parse_json(data: bytes, plan: ObjectPlan) -> ParsedBatch:
    """JSON batch data (a list of objects) → record bodies."""
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BatchFailure("InvalidBatch", f"Unable to parse JSON: {exc}") from None
    if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
        raise BatchFailure("InvalidBatch", "The JSON batch must be an array of record objects")
    _check_count(len(parsed))
    return ParsedBatch([_check_keys(plan, r, i + 1) for i, r in enumerate(parsed)])


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_xml(data: bytes, plan: ObjectPlan) -> ParsedBatch:
    """XML batch data (``<sObjects><sObject>…``) → record bodies."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise BatchFailure("InvalidBatch", f"Unable to parse XML: {exc}") from None
    if _local(root.tag) != "sObjects":
        raise BatchFailure("InvalidBatch", f"The XML batch's root element must be sObjects, not {_local(root.tag)}")
    items = [el for el in root if _local(el.tag) == "sObject"]
    _check_count(len(items))
    records = []
    for number, item in enumerate(items, start=1):
        raw: dict[str, Any] = {}
        for el in item:
            name = _local(el.tag)
            if not name or name == "type":
                continue
            children = [c for c in el if _local(c.tag)]
            if children:
                raw[name] = {_local(c.tag): c.text for c in children if _local(c.tag) != "type"}
            elif el.get(_XSI_NIL) == "true":
                raw[name] = None
            else:
                raw[name] = el.text or ""
        records.append(_check_keys(plan, raw, number))
    return ParsedBatch(records)
