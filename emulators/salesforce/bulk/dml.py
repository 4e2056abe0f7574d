"""One Bulk row through the org's write rules: insert, update, upsert, delete, hardDelete.

:class:`RowProcessor` applies one operation to record bodies (from :mod:`.payload`) using the same
:class:`~emulators.salesforce.dml.writer.Writer` and delete rules as REST, so a Bulk row fails for
exactly the reasons and with exactly the codes a REST call would. Each row gives a
:class:`RowOutcome` — in request order, success or failure — which the result writers render as
Salesforce does::

    "Id","Success","Created","Error"                                  (Bulk API, CSV)
    "","false","false","REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"

:func:`error_text` is that ``CODE:message:fields --`` form (Bulk 2.0's ``sf__Error`` too).

Rows run in the caller's transaction; a failing row writes nothing (the rules check before they
write). A hardDelete empties the recycle bin of the record and of what its delete cascaded to. A fault plan may make a row fail with UNABLE_TO_LOCK_ROW before it is tried (parallel
jobs only — running the job in Serial mode is the cure, as in Salesforce).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple

from emulators.salesforce.bulk.model import Operation
from emulators.salesforce.dml.deletes import delete_record
from emulators.salesforce.dml.errors import ApiError, RecordFailure
from emulators.salesforce.dml.writer import MultipleMatches, Writer
from emulators.salesforce.faults.injector import LOCK_ROW_MESSAGE
from emulators.salesforce.ids import MalformedId, parse_id
from emulators.salesforce.org.schemas import ObjectPlan
from emulators.salesforce.schema.model import FieldSchema

__all__ = ["RowOutcome", "RowError", "RowProcessor", "error_text"]


class RowError(NamedTuple):
    status_code: str
    message: str
    fields: tuple[str, ...] = ()


class RowOutcome(NamedTuple):
    id: str | None
    success: bool
    created: bool
    error: RowError | None = None


def error_text(error: RowError) -> str:
    """``CODE:message:Field1,Field2 --`` (``CODE:message:--`` without fields)."""
    fields = ",".join(error.fields)
    return f"{error.status_code}:{error.message}:{fields + ' ' if fields else ''}--"


def _failed(exc: RecordFailure, record_id: str | None = None) -> RowOutcome:
    return RowOutcome(record_id, False, False, RowError(exc.status_code, exc.message, tuple(exc.fields)))


class RowProcessor:
    """Applies ``operation`` to records of ``plan`` (see the module docstring)."""

    def __init__(
        self,
        writer: Writer,
        plan: ObjectPlan,
        operation: Operation,
        *,
        external_id: FieldSchema | None = None,
        lock_row: Callable[[], bool] | None = None,
    ) -> None:
        self.writer = writer
        self.plan = plan
        self.operation = operation
        self.external_id = external_id
        self.lock_row = lock_row
        self._step = {
            Operation.INSERT: self._insert,
            Operation.UPDATE: self._update,
            Operation.UPSERT: self._upsert,
            Operation.DELETE: self._delete,
            Operation.HARD_DELETE: self._hard_delete,
        }[operation]

    def run(self, body: Mapping[str, Any]) -> RowOutcome:
        """One row; never raises for a record-level problem."""
        if self.lock_row is not None and self.lock_row():
            return RowOutcome(_row_id(body), False, False, RowError("UNABLE_TO_LOCK_ROW", LOCK_ROW_MESSAGE))
        try:
            return self._step(body)
        except RecordFailure as exc:
            return _failed(exc)
        except ApiError as exc:
            return RowOutcome(None, False, False, RowError(exc.error_code, exc.message, tuple(exc.fields or ())))

    # ── operations ─────────────────────────────────────────────────────────────────
    def _insert(self, body: Mapping[str, Any]) -> RowOutcome:
        values = {k: v for k, v in body.items() if k.lower() != "id"}
        if len(values) != len(body) and _row_id(body):
            raise RecordFailure(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: Id. Please check the security settings of this field and verify "
                "that it is read/write for your profile or permission set.",
                ["Id"],
            )
        record_id = self.writer.insert(self.plan, self.writer.resolve_fields(self.plan, values))
        return RowOutcome(record_id, True, True)

    def _target_id(self, body: Mapping[str, Any], verb: str) -> str:
        raw = _row_id(body)
        if not raw:
            raise RecordFailure("MISSING_ARGUMENT", f"Id not specified in an {verb} call" if verb == "update" else f"Id not specified in a {verb} call", [])
        try:
            return parse_id(str(raw))
        except MalformedId:
            raise RecordFailure("MALFORMED_ID", f"{self.plan.name} ID: id value of incorrect type: {raw}", ["Id"]) from None

    def _update(self, body: Mapping[str, Any]) -> RowOutcome:
        record_id = self._target_id(body, "update")
        values = {k: v for k, v in body.items() if k.lower() != "id"}
        try:
            self.writer.update(self.plan, record_id, self.writer.resolve_fields(self.plan, values))
        except RecordFailure as exc:
            return _failed(exc, record_id)
        return RowOutcome(record_id, True, False)

    def _upsert(self, body: Mapping[str, Any]) -> RowOutcome:
        field = self.external_id
        assert field is not None
        key = next((v for k, v in body.items() if k.lower() == field.name.lower()), None)
        try:
            record_id, created = self.writer.upsert(self.plan, field, key, self.writer.resolve_fields(self.plan, body))
        except MultipleMatches as many:
            raise RecordFailure(
                "DUPLICATE_EXTERNAL_ID",
                f"{field.name}: more than one record found for external id field: {[m[:15] for m in many.ids]}",
                [field.name],
            ) from None
        return RowOutcome(record_id, True, created)

    def _delete(self, body: Mapping[str, Any]) -> RowOutcome:
        record_id = self._target_id(body, "delete")
        try:
            delete_record(self.writer.store, self.writer.schemas, record_id, now=self.writer.now,
                          expected_sobject=self.plan.name)
        except RecordFailure as exc:
            return _failed(exc, record_id)
        return RowOutcome(record_id, True, False)

    def _hard_delete(self, body: Mapping[str, Any]) -> RowOutcome:
        raw = _row_id(body)
        try:
            cascade = self._cascade(parse_id(raw)) if raw else []
        except MalformedId:
            cascade = []
        outcome = self._delete(body)
        if outcome.success and outcome.id:
            found = self.writer.store.kinds(cascade)
            for record_id in [outcome.id, *cascade]:
                if record_id == outcome.id or found.get(record_id, ("", False))[1]:
                    self.writer.store.purge(record_id)
        return outcome

    def _cascade(self, record_id: str) -> list[str]:
        """Records a delete of ``record_id`` would take with it (master-detail style lookups), before it runs."""
        store, schemas = self.writer.store, self.writer.schemas
        out: list[str] = []
        queue = [record_id]
        seen = {record_id}
        while queue:
            links = store.children(queue.pop())
            kinds = store.kinds(child for child, _ in links)
            for child, field_name in links:
                sobject, deleted = kinds.get(child, ("", True))
                plan = schemas.plan(sobject) if not deleted else None
                f = plan.field(field_name) if plan is not None else None
                if f is not None and f.cascade_delete and child not in seen:
                    seen.add(child)
                    out.append(child)
                    queue.append(child)
        return out


def _row_id(body: Mapping[str, Any]) -> str | None:
    for key, value in body.items():
        if key.lower() == "id":
            return str(value) if value not in (None, "") else None
    return None
