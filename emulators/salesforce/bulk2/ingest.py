"""Processing a Bulk API 2.0 ingest job: the uploaded CSV, streamed in 10,000-row internal batches.

Salesforce splits an ingest job's data into internal batches of 10,000 records; each spends one
of the org's 15,000 daily Bulk batches (shared with Bulk API v1) and its records count toward the
150,000,000 records per rolling 24 hours. When an allocation runs out mid-job, the rest of the data
is not processed: those rows go to ``unprocessedrecords`` and the job ends ``Failed`` with an
``errorMessage``. The same happens when the data cannot be read (unknown column, bad CSV, line
endings that do not match the job's ``lineEnding``).

Result files, in the job's delimiter and line ending, every value quoted::

    successfulResults   "sf__Id","sf__Created",<columns as uploaded>
    failedResults       "sf__Id","sf__Error",<columns as uploaded>   (CODE:message:fields --)
    unprocessedrecords  <columns as uploaded>                       (values quoted only when needed)
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO, Callable, NamedTuple

from emulators.salesforce.bulk.dml import RowProcessor, error_text
from emulators.salesforce.bulk.model import Operation
from emulators.salesforce.bulk.payload import BatchFailure, CsvRecords
from emulators.salesforce.dml.writer import Writer
from emulators.salesforce.limits import OrgLimits, QuotaExceeded, UsageKind
from emulators.salesforce.org.schemas import ObjectPlan
from emulators.salesforce.schema.model import FieldSchema

__all__ = ["IngestOutcome", "process_upload", "BATCH_ROWS", "LINE_ENDINGS"]

BATCH_ROWS = 10_000
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


class IngestOutcome(NamedTuple):
    processed: int
    failed: int
    error_message: str | None  # set when the job failed


class _Outputs:
    """The three result files of a job, written as CSV in the job's dialect."""

    def __init__(self, open_file: Callable[[str], tuple[BinaryIO, Callable[[], None]]], delimiter: str, eol: str) -> None:
        self._files = {kind: open_file(kind) for kind in ("successful", "failed", "unprocessed")}
        self._buffers = {kind: io.StringIO() for kind in self._files}
        # results quote every value; unprocessed rows are echoed as plain CSV, like the upload
        self._writers = {
            kind: csv.writer(buf, delimiter=delimiter, lineterminator=eol,
                             quoting=csv.QUOTE_MINIMAL if kind == "unprocessed" else csv.QUOTE_ALL)
            for kind, buf in self._buffers.items()
        }

    def row(self, kind: str, values: list[str]) -> None:
        self._writers[kind].writerow(values)
        buf = self._buffers[kind]
        if buf.tell() > 256 * 1024:
            self._drain(kind)

    def _drain(self, kind: str) -> None:
        buf = self._buffers[kind]
        self._files[kind][0].write(buf.getvalue().encode("utf-8"))
        buf.seek(0)
        buf.truncate()

    def close(self) -> None:
        for kind, (_, commit) in self._files.items():
            self._drain(kind)
            commit()


def _line_ending_problem(upload: BinaryIO, expected: str) -> str | None:
    head = upload.read(64 * 1024)
    upload.seek(0)
    crlf = b"\r\n" in head
    if (expected == "LF" and crlf) or (expected == "CRLF" and b"\n" in head and not crlf):
        return f"ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is {expected}"
    return None


def process_upload(
    upload: BinaryIO,
    *,
    plan: ObjectPlan,
    operation: Operation,
    external_id: FieldSchema | None,
    writer: Writer,
    limits: OrgLimits,
    lock_row: Callable[[], bool] | None,
    delimiter: str,
    line_ending: str,
    open_file: Callable[[str], tuple[BinaryIO, Callable[[], None]]],
) -> IngestOutcome:
    """Run the uploaded CSV through ``operation``; write the three result files."""
    eol = LINE_ENDINGS[line_ending]
    outputs = _Outputs(open_file, delimiter, eol)
    processed = failed = 0
    message = _line_ending_problem(upload, line_ending)
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        if message is not None:
            raise BatchFailure("ClientInputError", "")  # handled below with the line-ending message
        reader = CsvRecords(text, plan, delimiter=delimiter)
    except (BatchFailure, UnicodeDecodeError) as exc:
        text.seek(0)
        for values in csv.reader(text, delimiter=delimiter):
            outputs.row("unprocessed", values)
        outputs.close()
        detail = message or (exc.state_message if isinstance(exc, BatchFailure) else "ClientInputError : the data is not UTF-8")
        return IngestOutcome(0, 0, detail)
    header = list(reader.header)
    outputs.row("successful", ["sf__Id", "sf__Created", *header])
    outputs.row("failed", ["sf__Id", "sf__Error", *header])
    outputs.row("unprocessed", header)
    processor = RowProcessor(writer, plan, operation, external_id=external_id, lock_row=lock_row)
    rows = iter(reader)
    error: str | None = None
    while error is None:
        chunk: list[tuple[dict[str, Any], list[str]]] = []
        try:
            for item in rows:
                chunk.append(item)
                if len(chunk) == BATCH_ROWS:
                    break
        except BatchFailure as exc:
            error = exc.state_message
        if not chunk:
            break
        if error is None:
            try:
                limits.reserve_batches(1)
                limits.reserve(UsageKind.BULK2_RECORDS, len(chunk), limits.allocations().bulk2_records)
            except QuotaExceeded as exc:
                error = (
                    f"ExceededQuota : the rolling 24-hour allocation of {exc.maximum:,} "
                    f"{'Bulk batches' if exc.kind is UsageKind.BULK_BATCHES else 'Bulk API 2.0 records'} is used up"
                )
        if error is not None:
            for _, values in chunk:
                outputs.row("unprocessed", values)
            break
        for body, values in chunk:
            outcome = processor.run(body)
            processed += 1
            if outcome.success:
                outputs.row("successful", [outcome.id or "", "true" if outcome.created else "false", *values])
            else:
                failed += 1
                assert outcome.error is not None
                outputs.row("failed", [outcome.id or "", error_text(outcome.error), *values])
        if len(chunk) < BATCH_ROWS:
            break
    if error is not None:
        try:
            for _, values in rows:
                outputs.row("unprocessed", values)
        except BatchFailure:
            pass
    outputs.close()
    return IngestOutcome(processed, failed, error)
