"""``/sobjects/{O}[/{id}]`` and ``/sobjects/{O}/{field}/{value}``: single-record REST calls.

=======  ===============================  ==================================================
method   path                             reply
=======  ===============================  ==================================================
POST     /sobjects/O                      201 ``{id, success, errors}``
GET      /sobjects/O/{id}[?fields=]       200 record; 404 NOT_FOUND / ENTITY_IS_DELETED
PATCH    /sobjects/O/{id}                 204
DELETE   /sobjects/O/{id}                 204
PATCH    /sobjects/O/{field}/{value}      upsert: 201 ``{…, created: true}`` / 200 ``created: false``
                                          (204 before API 46.0); 300 with the matching URLs
GET      /sobjects/O/{field}/{value}      the matching record; 300 when several match
DELETE   /sobjects/O/{field}/{value}      204
=======  ===============================  ==================================================

A record rule failing gives 400 with ``[{"message","errorCode","fields"}]``; a record that does
not exist 404 NOT_FOUND; one in the recycle bin 404 ENTITY_IS_DELETED; an Id of the wrong shape
400 MALFORMED_ID.
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.dml.deletes import delete_record
from emulators.salesforce.dml.errors import ApiError, RecordFailure, RecordMissing
from emulators.salesforce.dml.writer import MultipleMatches
from emulators.salesforce.http.context import RequestContext, SubRequest
from emulators.salesforce.http.reply import Reply, failure_reply, not_found
from emulators.salesforce.ids import MalformedId, parse_id
from emulators.salesforce.org.schemas import ObjectPlan

__all__ = ["record_reply", "create", "by_id", "by_external_id", "render_record", "invalid_field_error", "blob"]

_STATUS_FOR = {"ENTITY_IS_DELETED": 404, "NOT_FOUND": 404}


def invalid_field_error(plan: ObjectPlan, name: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_FIELD",
        f"No such column '{name}' on entity '{plan.name}'. If you are attempting to use a custom field, be sure to "
        "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
        "appropriate names.",
    )


def render_record(ctx: RequestContext, plan: ObjectPlan, data: dict[str, Any], fields: list[str] | None) -> dict:
    """A record as the REST API returns it: ``attributes`` then the fields."""
    row = ctx.org.store.materialise(plan.name, data, plan)
    out: dict[str, Any] = {"attributes": {"type": plan.name, "url": ctx.record_url(plan.name, row["Id"])}}
    if fields is None:
        out.update(row)
        return out
    for name in fields:
        f = plan.field(name)
        if f is None:
            raise invalid_field_error(plan, name)
        out[f.name] = row.get(f.name)
    out.setdefault("Id", row["Id"])
    return out


def _fields_param(query: dict[str, str] | Any) -> list[str] | None:
    text = query.get("fields")
    if not text:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _parse_path_id(plan: ObjectPlan, text: str) -> str:
    try:
        return parse_id(text)
    except MalformedId:
        id_field = plan.field("Id")
        label = id_field.label if id_field else f"{plan.name} ID"
        raise ApiError(400, "MALFORMED_ID", f"{label}: id value of incorrect type: {text}") from None


def record_reply(ctx: RequestContext, plan: ObjectPlan, record_id: str, fields: list[str] | None) -> Reply:
    found = ctx.org.store.get(record_id)
    if found is None or found.sobject != plan.name:
        return not_found()
    if found.deleted:
        return Reply(404, [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}])
    return Reply(200, render_record(ctx, plan, found.data, fields))


def _failure(exc: RecordFailure) -> Reply:
    if isinstance(exc, RecordMissing):
        return not_found()
    return failure_reply(exc, _STATUS_FOR.get(exc.status_code, 400))


def create(ctx: RequestContext, plan: ObjectPlan, req: SubRequest) -> Reply:
    writer = ctx.writer()
    record = writer.resolve_fields(plan, req.body if req.body is not None else {})
    body = None
    if req.files:
        blobs = [f.name for f in plan.schema.fields if f.type == "base64"]
        unknown = [name for name in req.files if name not in blobs]
        if unknown or writer.content is None or not writer.content.handles(plan.name):
            raise ApiError(400, "INVALID_MULTIPART_REQUEST",
                           f"Binary part '{(unknown or list(req.files))[0]}' is not a blob field this API accepts on {plan.name}")
        body = req.files.get("VersionData")
    try:
        new_id = writer.insert(plan, record, body=body)
    except RecordFailure as exc:
        return failure_reply(exc)
    return Reply(201, {"id": new_id, "success": True, "errors": []}, {"Location": ctx.record_url(plan.name, new_id)})


def by_id(ctx: RequestContext, plan: ObjectPlan, id_text: str, req: SubRequest) -> Reply:
    record_id = _parse_path_id(plan, id_text)
    if req.method == "GET":
        return record_reply(ctx, plan, record_id, _fields_param(req.query))
    if req.method == "PATCH":
        writer = ctx.writer()
        record = writer.resolve_fields(plan, req.body if req.body is not None else {})
        try:
            writer.update(plan, record_id, record)
        except RecordFailure as exc:
            return _failure(exc)
        return Reply(204)
    if req.method == "DELETE":
        try:
            delete_record(ctx.org.store, ctx.org.schemas, record_id, now=ctx.now, expected_sobject=plan.name)
        except RecordFailure as exc:
            return _failure(exc)
        return Reply(204)
    raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{req.method}' not allowed. Allowed are GET,PATCH,DELETE")


def _external_field(plan: ObjectPlan, name: str):
    f = plan.field(name)
    if f is None or not (f.external_id or f.id_lookup or f.name == "Id"):
        raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {name}")
    return f


def _many(ctx: RequestContext, plan: ObjectPlan, ids: list[str]) -> Reply:
    return Reply(300, [ctx.record_url(plan.name, rid) for rid in ids])


def by_external_id(ctx: RequestContext, plan: ObjectPlan, field_name: str, value: str, req: SubRequest) -> Reply:
    f = _external_field(plan, field_name)
    writer = ctx.writer()
    if req.method == "PATCH":
        record = writer.resolve_fields(plan, req.body if req.body is not None else {})
        try:
            record_id, created = writer.upsert(plan, f, value, record)
        except MultipleMatches as many:
            return _many(ctx, plan, many.ids)
        except RecordFailure as exc:
            return _failure(exc)
        body = {"id": record_id, "success": True, "errors": [], "created": created}
        if created:
            return Reply(201, body if float(ctx.version) >= 46.0 else {"id": record_id, "success": True, "errors": []})
        return Reply(200, body) if float(ctx.version) >= 46.0 else Reply(204)
    if req.method == "POST" and f.name == "Id":
        return create(ctx, plan, req)
    try:
        matches = writer.match_external(plan, f, value)
    except RecordFailure as exc:
        return _failure(exc)
    if len(matches) > 1:
        return _many(ctx, plan, matches)
    if not matches:
        return not_found()
    if req.method == "GET":
        return record_reply(ctx, plan, matches[0], _fields_param(req.query))
    if req.method == "DELETE":
        try:
            delete_record(ctx.org.store, ctx.org.schemas, matches[0], now=ctx.now, expected_sobject=plan.name)
        except RecordFailure as exc:
            return _failure(exc)
        return Reply(204)
    raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{req.method}' not allowed. Allowed are GET,PATCH,DELETE")


def blob(ctx: RequestContext, plan: ObjectPlan, id_text: str, field_name: str, req: SubRequest) -> Reply:
    """``GET /sobjects/ContentVersion/{id}/VersionData``: the stored body's bytes, streamed."""
    if req.method != "GET":
        raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{req.method}' not allowed. Allowed are GET")
    record_id = _parse_path_id(plan, id_text)
    found = ctx.org.store.get(record_id)
    if found is None or found.sobject != plan.name:
        return not_found()
    if found.deleted:
        return Reply(404, [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}])
    body_id = found.data.get("ContentBodyId")
    if not body_id or not ctx.org.content.bodies.path_of(str(body_id)).is_file():
        return not_found()
    return Reply(200, blocks=ctx.org.content.bodies.blocks(str(body_id)))
