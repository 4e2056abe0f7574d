"""Bulk query: run SOQL through the org's engine and write the rows as result files.

Rows are read page by page from the SOQL engine (2,000 at a time) and written straight to files,
so memory stays flat however many rows match. A result file is closed and a new one started when
it passes ``max_file_bytes`` (Salesforce splits at about 1 GB; orgs may set less), each with its
own header. Formats:

* **CSV** (Bulk v1 and 2.0) — header of field paths as the query names them in describe casing
  (``Id``, ``Name``, ``Account.Name``), every value quoted, null as ``""``, booleans
  ``true``/``false``; ``columnDelimiter`` / ``lineEnding`` for Bulk 2.0. No rows: a v1 result
  file reads ``Records not found for this query``; Bulk 2.0 returns just the header.
* **JSON** (v1) — a list of records ``{"attributes": {type, url}, …}``; date and datetime values
  are milliseconds since the epoch, as Bulk API JSON results give them.
* **XML** (v1) — ``<queryResult><records xsi:type="sObject"><type>Account</type>…``.

Queries Bulk cannot run are refused with Salesforce's reasons: parent-to-child sub-queries,
aggregate functions, compound (address / location) fields.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, BinaryIO, Callable, Iterator, NamedTuple

import orjson
from lxml import etree

from emulators.salesforce.bulk.model import ASYNC_NS, ContentType
from emulators.salesforce.bulk.wire import xml_frame
from emulators.salesforce.soql import QueryEngine, SoqlError
from emulators.salesforce.soql.cursor import CursorRegistry
from emulators.salesforce.soql.plan import CompiledQuery, ResolvedPath

__all__ = ["QueryFailure", "BulkQueryResult", "ResultFile", "run_bulk_query", "NO_RECORDS", "csv_columns"]

NO_RECORDS = b"Records not found for this query"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PAGE = 2000


class QueryFailure(Exception):
    """The query cannot run in Bulk: ``message`` is the batch's ``stateMessage`` tail."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BulkQueryResult(NamedTuple):
    rows: int
    files: tuple[str, ...]  # result names, in order


def _check_bulk_supported(compiled: CompiledQuery) -> None:
    if compiled.children:
        raise QueryFailure("FUNCTIONALITY_NOT_ENABLED: Aggregate Relationships not supported in Bulk Query")
    if compiled.aggregate is not None or compiled.count_only:
        raise QueryFailure("FUNCTIONALITY_NOT_ENABLED: Aggregate queries are not supported in Bulk Query")
    for path in compiled.select_paths:
        if path.type in ("address", "location"):
            raise QueryFailure("FUNCTIONALITY_NOT_ENABLED: Selecting compound data not supported in Bulk Query")


def csv_columns(compiled: CompiledQuery) -> list[tuple[str, ResolvedPath]]:
    """``(header, path)`` per selected field, in SELECT order."""
    return [(".".join((*path.rels, path.field.name)), path) for path in compiled.select_paths]


def _walk(record: dict[str, Any], path: ResolvedPath) -> Any:
    node: Any = record
    for rel in path.rels:
        node = node.get(rel) if isinstance(node, dict) else None
        if node is None:
            return None
    return node.get(path.field.name) if isinstance(node, dict) else None


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _epoch_ms(value: str, kind: str) -> int:
    if kind == "date":
        day = dt.date.fromisoformat(value)
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp() * 1000)
    moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(moment.timestamp() * 1000)


def _records(engine: QueryEngine, text: str, include_deleted: bool, api_version: str) -> Iterator[dict[str, Any]]:
    page = engine.open(text, include_deleted=include_deleted, batch_size=_PAGE, api_version=api_version)
    yield from page.records
    locator = page.next_locator
    try:
        while locator:
            page = engine.next_page(locator)
            yield from page.records
            locator = page.next_locator
    finally:
        if locator:
            engine.cursors.close(CursorRegistry.parse_locator(locator)[0])
    if not page.done:  # pragma: no cover - next_page always ends with done
        return


class ResultFile(NamedTuple):
    """A result file being written: its result id, the open handle, and how to finish it."""

    result_id: str
    handle: BinaryIO
    commit: Callable[[], None]  # close and move into place


class _Splitter:
    """Streams rows into successive result files of at most ``max_bytes`` (each ``head … tail``)."""

    def __init__(
        self,
        open_file: Callable[[], ResultFile],
        head: bytes,
        tail: bytes,
        sep: bytes,
        max_bytes: int,
        on_row: Callable[[int], None] | None = None,
    ) -> None:
        self.open_file = open_file
        self.head, self.tail, self.sep = head, tail, sep
        self.max_bytes = max(1, max_bytes)
        self.on_row = on_row
        self.files: list[str] = []
        self._current: ResultFile | None = None
        self._size = 0
        self._rows = 0

    def add(self, encoded: bytes) -> None:
        if self._current is not None and self._rows and self._size + len(encoded) > self.max_bytes:
            self.flush()
        if self._current is None:
            self._current = self.open_file()
            self._current.handle.write(self.head)
            self._size, self._rows = len(self.head), 0
        if self._rows and self.sep:
            self._current.handle.write(self.sep)
            self._size += len(self.sep)
        if self.on_row is not None:
            self.on_row(self._size)
        self._current.handle.write(encoded)
        self._size += len(encoded)
        self._rows += 1

    def flush(self) -> None:
        if self._current is not None:
            self._current.handle.write(self.tail)
            self._current.commit()
            self.files.append(self._current.result_id)
            self._current = None

    def write_whole(self, body: bytes) -> None:
        """A file holding just ``body`` (the empty-result answer)."""
        current = self.open_file()
        current.handle.write(body)
        current.commit()
        self.files.append(current.result_id)


def run_bulk_query(
    engine: QueryEngine,
    text: str,
    *,
    include_deleted: bool,
    api_version: str,
    content_type: ContentType,
    open_file: Callable[[], ResultFile],
    max_file_bytes: int,
    delimiter: str = ",",
    line_ending: str = "\n",
    empty_marker: bool = True,
    on_row: Callable[[int], None] | None = None,
) -> BulkQueryResult:
    """Run ``text``; stream its rows into files from ``open_file``.

    ``on_row(offset)`` (CSV only) is told each row's byte offset in its file before it is written
    (Bulk 2.0 pages its results with it).
    """
    try:
        compiled = engine.compile(text)
    except SoqlError as exc:
        raise QueryFailure(f"{exc.error_code}: {exc.message}") from None
    _check_bulk_supported(compiled)
    columns = csv_columns(compiled)
    count = 0
    try:
        rows = _records(engine, text, include_deleted, api_version)
        if content_type is ContentType.CSV:
            head = _csv_header(columns, delimiter, line_ending)
            splitter = _Splitter(open_file, head, b"", b"", max_file_bytes, on_row)
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator=line_ending)
            for record in rows:
                writer.writerow([_csv_text(_walk(record, path)) for _, path in columns])
                splitter.add(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
                count += 1
        elif content_type is ContentType.JSON:
            splitter = _Splitter(open_file, b"[", b"]", b",", max_file_bytes)
            dated = [p for _, p in columns if p.type in ("date", "datetime")]
            for record in rows:
                for path in dated:
                    _convert_date(record, path)
                splitter.add(orjson.dumps(record))
                count += 1
        else:
            head, tail = xml_frame(f"{{{ASYNC_NS}}}queryResult", {None: ASYNC_NS, "xsi": _XSI})
            splitter = _Splitter(open_file, head, tail, b"", max_file_bytes)
            for record in rows:
                splitter.add(_xml_record(record, "records"))
                count += 1
    except SoqlError as exc:
        raise QueryFailure(f"{exc.error_code}: {exc.message}") from None
    splitter.flush()
    if not splitter.files:
        if content_type is ContentType.CSV:
            splitter.write_whole(NO_RECORDS if empty_marker else splitter.head)
        else:
            splitter.write_whole(splitter.head + splitter.tail)
    return BulkQueryResult(count, tuple(splitter.files))


def _csv_header(columns: list[tuple[str, ResolvedPath]], delimiter: str, line_ending: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator=line_ending).writerow(
        [name for name, _ in columns]
    )
    return buffer.getvalue().encode("utf-8")


def _convert_date(record: dict[str, Any], path: ResolvedPath) -> None:
    node: Any = record
    for rel in path.rels:
        node = node.get(rel) if isinstance(node, dict) else None
        if node is None:
            return
    value = node.get(path.field.name)
    if isinstance(value, str) and value:
        node[path.field.name] = _epoch_ms(value, path.type)


def _xml_record(record: dict[str, Any], tag: str) -> bytes:
    el = _xml_element(record, tag)
    return etree.tostring(el)


def _xml_element(record: dict[str, Any], tag: str) -> etree._Element:
    q = f"{{{ASYNC_NS}}}"
    el = etree.Element(q + tag, nsmap={None: ASYNC_NS, "xsi": _XSI})
    el.set(f"{{{_XSI}}}type", "sObject")
    etree.SubElement(el, q + "type").text = str(record.get("attributes", {}).get("type", ""))
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict):
            el.append(_xml_element(value, key))
        elif value is None:
            etree.SubElement(el, q + key).set(f"{{{_XSI}}}nil", "true")
        else:
            etree.SubElement(el, q + key).text = _csv_text(value)
    return el
