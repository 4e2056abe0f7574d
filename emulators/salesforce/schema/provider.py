"""What the SOQL engine (and anything else that reads) needs from an org: schemas and rows.

The org runtime implements both protocols over its per-org SQLite state; tests implement them over
plain dicts. Keeping reads behind these two small interfaces lets the query engine be written and
tested on its own.

Row values use the **wire form** Salesforce's REST API returns in JSON:

* text, picklist, e-mail, phone, url, id, reference → ``str``; multipicklist → ``"A;B"``
* boolean → ``bool``; int → ``int``; double/currency/percent → ``int`` or ``float``
* date → ``"2024-01-31"``; datetime → ``"2024-01-31T10:00:00.000+0000"`` (UTC); time → ``"10:00:00.000Z"``
* missing / null → ``None`` (rows carry every field of the object, ``None`` when empty)
* Ids are always the 18-character form.

:class:`IndexedRecordSource` is an optional extension of :class:`RecordSource`: a source that can
find rows by the value of a reference field (an index) implements ``scan_by`` too, and the SOQL
engine then fetches child sub-query rows with it instead of scanning the whole child object.
Sources without it keep working unchanged.
"""

from __future__ import annotations

from typing import Any, Collection, Iterable, Iterator, Protocol, runtime_checkable

from emulators.salesforce.schema.model import ObjectSchema

__all__ = ["SchemaProvider", "RecordSource", "IndexedRecordSource", "Row"]

Row = dict[str, Any]


class SchemaProvider(Protocol):
    def get(self, sobject: str) -> ObjectSchema | None:
        """The schema of ``sobject`` (name matched case-insensitively), or None when it does not exist."""

    def names(self) -> Iterable[str]:
        """Every sObject name the org has."""


class RecordSource(Protocol):
    def scan(
        self,
        sobject: str,
        *,
        include_deleted: bool = False,
        ids: Collection[str] | None = None,
    ) -> Iterator[Row]:
        """Rows of ``sobject`` in creation order (optionally only those whose Id is in ``ids``).

        Deleted rows (``IsDeleted`` true, in the recycle bin) appear only with ``include_deleted``.
        """

    def fetch(self, ids: Collection[str]) -> dict[str, tuple[str, Row]]:
        """Rows by Id across sObject types: ``{id18: (sobject_name, row)}``; unknown Ids are absent."""

    def count(self, sobject: str, *, include_deleted: bool = False) -> int:
        """How many rows ``sobject`` has."""


@runtime_checkable
class IndexedRecordSource(RecordSource, Protocol):
    def scan_by(
        self,
        sobject: str,
        field: str,
        values: Collection[str],
        *,
        include_deleted: bool = False,
    ) -> Iterator[Row]:
        """Rows of ``sobject`` whose ``field`` (a reference field) holds one of ``values``, in creation order."""
