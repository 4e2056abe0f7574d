"""sObject Collections: ``/composite/sobjects`` — up to 200 records per call.

=======  =======================================  ==========================================
method   path                                     does
=======  =======================================  ==========================================
POST     /composite/sobjects                      insert ``records`` (each with attributes.type)
PATCH    /composite/sobjects                      update (records carry ``Id``)
DELETE   /composite/sobjects?ids=a,b&allOrNone=   delete
PATCH    /composite/sobjects/O/{extField}         upsert (each result has ``created``)
GET      /composite/sobjects/O?ids=&fields=       retrieve (``null`` for Ids not found)
POST     /composite/sobjects/O  {ids, fields}     retrieve, Ids in the body
=======  =======================================  ==========================================

Results are one entry per record, in order: ``{"id", "success": true, "errors": []}``, or
``{"id": null|Id, "success": false, "errors": [{statusCode, message, fields}]}``. With ``allOrNone``
any failure rolls the whole call back (a savepoint inside the request's transaction) and every
record that had not failed reports ALL_OR_NONE_OPERATION_ROLLED_BACK.

Call-level errors (the whole call fails, nothing is written): more than 200 records
(EXCEEDED_ID_LIMIT), a body that is not ``{"records": [...]}``, an unknown object or field
(INVALID_FIELD / NOT_FOUND).
"""

from __future__ import annotations

from typing import Any, Callable

from emulators.salesforce.dml.deletes import delete_record
from emulators.salesforce.dml.errors import ApiError, RecordFailure
from emulators.salesforce.dml.writer import MultipleMatches, ResolvedRecord
from emulators.salesforce.http.context import FORCE_ALL_OR_NONE, RequestContext, SubRequest
from emulators.salesforce.http.reply import Reply
from emulators.salesforce.http.sobjects import _external_field, render_record
from emulators.salesforce.ids import MalformedId, parse_id
from emulators.salesforce.org.schemas import ObjectPlan

__all__ = ["collections", "MAX_RECORDS"]

MAX_RECORDS = 200
_ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _too_many() -> ApiError:
    return ApiError(
        400, "EXCEEDED_ID_LIMIT", f"record limit reached. cannot submit more than {MAX_RECORDS} records into this call"
    )


def _records_of(ctx: RequestContext, req: SubRequest) -> tuple[list[Any], bool]:
    body = req.body
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be an object with a 'records' array.")
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise _too_many()
    return records, _flag(body.get("allOrNone", False)) or bool(ctx.extra.get(FORCE_ALL_OR_NONE))


def _run(
    ctx: RequestContext, count: int, all_or_none: bool, step: Callable[[int], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Apply ``step`` to each index; with ``all_or_none`` undo everything when one fails."""
    db = ctx.org.db
    db.savepoint("collection")
    results: list[dict[str, Any]] = []
    for i in range(count):
        try:
            results.append(step(i))
        except _ItemFailed as failed_item:
            results.append({"id": failed_item.record_id, "success": False, "errors": [failed_item.failure.error()]})
        except RecordFailure as exc:
            results.append({"id": None, "success": False, "errors": [exc.error()]})
    failed = any(not r["success"] for r in results)
    if all_or_none and failed:
        db.rollback_to("collection")
        results = [
            r if not r["success"] else {"id": None, "success": False, "errors": [dict(_ROLLED_BACK)]} for r in results
        ]
    else:
        db.release("collection")
    return results


class _ItemFailed(Exception):
    """A record failed and its result must still carry its Id."""

    def __init__(self, record_id: str | None, failure: RecordFailure) -> None:
        super().__init__(failure.message)
        self.record_id = record_id
        self.failure = failure


def _failure_for(record_id: str | None, exc: RecordFailure) -> _ItemFailed:
    return _ItemFailed(record_id, exc)


def _plan_for_record(ctx: RequestContext, record: Any) -> tuple[ObjectPlan, dict]:
    if not isinstance(record, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "Each entry of 'records' must be an object.")
    sobject = (record.get("attributes") or {}).get("type")
    if not sobject:
        raise ApiError(400, "INVALID_TYPE", "The 'type' attribute of each record is required (attributes.type).")
    plan = ctx.org.schemas.plan(sobject)
    if plan is None:
        raise ApiError(400, "INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
    return plan, record


def _insert(ctx: RequestContext, req: SubRequest) -> Reply:
    records, all_or_none = _records_of(ctx, req)
    writer = ctx.writer()
    prepared = []
    for raw in records:  # names and types are checked for the whole call before anything is written
        plan, rec = _plan_for_record(ctx, raw)
        prepared.append((plan, writer.resolve_fields(plan, rec), "Id" in {k for k in rec if k.lower() == "id"}))

    def step(i: int) -> dict[str, Any]:
        plan, resolved, has_id = prepared[i]
        if has_id:
            raise RecordFailure("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        return {"id": writer.insert(plan, resolved), "success": True, "errors": []}

    return Reply(200, _run(ctx, len(prepared), all_or_none, step))


def _update(ctx: RequestContext, req: SubRequest) -> Reply:
    records, all_or_none = _records_of(ctx, req)
    writer = ctx.writer()
    prepared: list[tuple[ObjectPlan, ResolvedRecord, Any]] = []
    for raw in records:
        plan, rec = _plan_for_record(ctx, raw)
        prepared.append((plan, writer.resolve_fields(plan, rec), rec.get("Id") or rec.get("id")))

    def step(i: int) -> dict[str, Any]:
        plan, resolved, raw_id = prepared[i]
        if not raw_id:
            raise _failure_for(None, RecordFailure("MISSING_ARGUMENT", "Id not specified in an update call", []))
        try:
            record_id = parse_id(str(raw_id))
        except MalformedId:
            raise _failure_for(
                None, RecordFailure("MALFORMED_ID", f"{plan.name} ID: id value of incorrect type: {raw_id}", ["Id"])
            ) from None
        try:
            writer.update(plan, record_id, resolved)
        except RecordFailure as exc:
            raise _failure_for(record_id, exc) from None
        return {"id": record_id, "success": True, "errors": []}

    return Reply(200, _run(ctx, len(prepared), all_or_none, step))


def _upsert(ctx: RequestContext, plan: ObjectPlan, field_name: str, req: SubRequest) -> Reply:
    records, all_or_none = _records_of(ctx, req)
    f = _external_field(plan, field_name)
    writer = ctx.writer()
    prepared = []
    for raw in records:
        rplan, rec = _plan_for_record(ctx, raw)
        if rplan.name != plan.name:
            raise ApiError(400, "INVALID_TYPE", f"Record type {rplan.name} does not match the URL's {plan.name}.")
        prepared.append((writer.resolve_fields(plan, rec), rec))

    def step(i: int) -> dict[str, Any]:
        resolved, rec = prepared[i]
        key = next((v for k, v in rec.items() if k.lower() == f.name.lower()), None)
        try:
            record_id, created = writer.upsert(plan, f, key, resolved)
        except MultipleMatches as many:
            raise RecordFailure(
                "DUPLICATE_EXTERNAL_ID",
                f"{f.name}: more than one record found for external id field: {[m[:15] for m in many.ids]}",
                [f.name],
            ) from None
        return {"id": record_id, "success": True, "errors": [], "created": created}

    return Reply(200, _run(ctx, len(prepared), all_or_none, step))


def _delete(ctx: RequestContext, req: SubRequest) -> Reply:
    ids = [p for p in (req.query.get("ids") or "").split(",") if p]
    if not ids:
        raise ApiError(400, "MISSING_ARGUMENT", "ids parameter is required")
    if len(ids) > MAX_RECORDS:
        raise _too_many()
    all_or_none = _flag(req.query.get("allOrNone", "false")) or bool(ctx.extra.get(FORCE_ALL_OR_NONE))

    def step(i: int) -> dict[str, Any]:
        try:
            record_id = parse_id(ids[i])
        except MalformedId:
            raise _failure_for(None, RecordFailure("MALFORMED_ID", f"malformed id {ids[i]}", [])) from None
        try:
            delete_record(ctx.org.store, ctx.org.schemas, record_id, now=ctx.now)
        except RecordFailure as exc:
            raise _failure_for(record_id, exc) from None
        return {"id": record_id, "success": True, "errors": []}

    return Reply(200, _run(ctx, len(ids), all_or_none, step))


def _retrieve(ctx: RequestContext, plan: ObjectPlan, req: SubRequest) -> Reply:
    if req.method == "POST":
        body = req.body if isinstance(req.body, dict) else {}
        ids = [str(i) for i in body.get("ids") or []]
        fields = [str(f) for f in body.get("fields") or []]
    else:
        ids = [p for p in (req.query.get("ids") or "").split(",") if p]
        fields = [p.strip() for p in (req.query.get("fields") or "").split(",") if p.strip()]
    if not fields:
        raise ApiError(400, "MISSING_ARGUMENT", "fields parameter is required")
    if len(ids) > 2000:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", "too many ids: at most 2000 may be retrieved in one call")
    parsed = []
    for text in ids:
        try:
            parsed.append(parse_id(text))
        except MalformedId:
            raise ApiError(400, "MALFORMED_ID", f"malformed id {text}") from None
    found = ctx.org.store.get_many(parsed)
    out = []
    for rid in parsed:
        rec = found.get(rid)
        if rec is None or rec.deleted or rec.sobject != plan.name:
            out.append(None)
        else:
            out.append(render_record(ctx, plan, rec.data, fields))
    return Reply(200, out)


def collections(ctx: RequestContext, rest: list[str], req: SubRequest) -> Reply:
    """Dispatch ``/composite/sobjects[/…]`` (``rest`` is the path after ``sobjects``)."""
    if not rest:
        if req.method == "POST":
            return _insert(ctx, req)
        if req.method == "PATCH":
            return _update(ctx, req)
        if req.method == "DELETE":
            return _delete(ctx, req)
        raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{req.method}' not allowed. Allowed are POST,PATCH,DELETE")
    plan = ctx.org.schemas.plan(rest[0])
    if plan is None:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    if len(rest) == 1 and req.method in ("GET", "POST"):
        return _retrieve(ctx, plan, req)
    if len(rest) == 2 and req.method == "PATCH":
        return _upsert(ctx, plan, rest[1], req)
    raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
