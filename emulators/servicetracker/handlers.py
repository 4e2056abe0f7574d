"""The read endpoints of docs/servicetracker-api.md: pages, single records, tombstones, schema, tenant, files.

Every handler takes the parsed request (:class:`Call`) and returns a Starlette response or raises
:class:`~.api_errors.ApiError`. Pages are assembled from the stored JSON bytes without re-encoding the
records (unless ``fields=`` asks for a projection), which keeps page serving fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, NamedTuple
from urllib.parse import quote

import orjson
from starlette.responses import FileResponse, Response

from emulators.servicetracker.api_errors import ApiError, ErrorCode, invalid_parameter
from emulators.servicetracker.clock import format_utc, now_us, parse_instant
from emulators.servicetracker.cursor import decode_cursor, encode_cursor
from emulators.servicetracker.fixture import attachment_body_path
from emulators.servicetracker.model import RESOURCES, iter_specs, resource_spec
from emulators.servicetracker.store import TenantStore

__all__ = ["Call", "JSON_TYPE", "list_records", "get_record", "list_deleted", "get_schema", "get_tenant",
           "attachment_content", "DEFAULT_LIMIT", "MAX_LIMIT"]

JSON_TYPE = "application/json; charset=utf-8"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class Call(NamedTuple):
    """What a handler needs to know about one request."""

    store: TenantStore
    params: Mapping[str, str]
    cursor_secret: bytes
    tenant_dir: Path
    rate_limit: dict[str, Any]
    extra_headers: dict[str, str]


def _json(payload: bytes, call: Call, status: int = 200) -> Response:
    return Response(payload, status_code=status, media_type=JSON_TYPE, headers=call.extra_headers)


def _check_params(call: Call, allowed: tuple[str, ...]) -> None:
    for name in call.params:
        if name not in allowed:
            raise ApiError(ErrorCode.INVALID_PARAMETER,
                           f"Unknown query parameter {name!r}; this endpoint accepts: {', '.join(allowed) or 'none'}.",
                           {"parameter": name, "value": call.params[name], "allowed": list(allowed)})


def _limit(call: Call) -> int:
    raw = call.params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid_parameter("limit", raw, f"an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def _since(call: Call, name: str) -> int | None:
    raw = call.params.get(name)
    if raw is None:
        return None
    try:
        return parse_instant(raw)
    except ValueError:
        raise invalid_parameter(name, raw, "an ISO-8601 datetime with an offset, e.g. 2024-06-01T00:00:00Z") from None


def _fields(call: Call, resource: str) -> list[str] | None:
    raw = call.params.get("fields")
    if raw is None:
        return None
    spec = resource_spec(resource)
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if spec.field(name) is None]
    if not names or unknown:
        raise invalid_parameter("fields", raw, "a comma-separated list of core field names",
                                allowed=list(spec.field_names))
    return ["id", *[name for name in dict.fromkeys(names) if name != "id"]]


def _project(body: bytes, fields: list[str] | None) -> bytes:
    if fields is None:
        return body
    record = orjson.loads(body)
    return orjson.dumps({name: record.get(name) for name in fields})


def _page(bodies: list[bytes], next_cursor: str | None) -> bytes:
    return b"".join((b'{"data":[', b",".join(bodies), b'],"next_cursor":', orjson.dumps(next_cursor),
                     b',"server_time":"', format_utc(now_us()).encode(), b'"}'))


def check_resource(call: Call, resource: str) -> None:
    """404 for a resource path that names nothing (unknown resource or custom table)."""
    if resource in RESOURCES:
        return
    if resource.startswith("custom_tables/") and resource.endswith("/rows"):
        key = resource[len("custom_tables/"):-len("/rows")]
        if call.store.get("custom_tables", key) is not None:
            return
        raise ApiError(ErrorCode.NOT_FOUND, f"No custom table {key!r}; GET /custom_tables lists them.",
                       {"resource": "custom_tables", "id": key})
    raise ApiError(ErrorCode.NOT_FOUND, f"No resource {resource!r}.", {"resource": resource})


def list_records(call: Call, resource: str) -> Response:
    _check_params(call, ("limit", "cursor", "updated_since", "fields"))
    limit = _limit(call)
    since = _since(call, "updated_since")
    fields = _fields(call, resource)
    after = None
    expect = {"k": "list", "r": resource, "s": since}
    if "cursor" in call.params:
        position = decode_cursor(call.cursor_secret, call.params["cursor"], epoch=call.store.epoch, expect=expect)
        after = (position["u"], position["i"])
    rows = call.store.page(resource, after=after, since_us=since, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode_cursor(call.cursor_secret, {**expect, "u": last.updated_us, "i": last.id,
                                                         "e": call.store.epoch})
    return _json(_page([_project(row.body, fields) for row in rows], next_cursor), call)


def get_record(call: Call, resource: str, record_id: str) -> Response:
    _check_params(call, ("fields",))
    fields = _fields(call, resource)
    body = call.store.get(resource, record_id)
    if body is None:
        deleted = call.store.is_tombstoned(resource, record_id)
        raise ApiError(ErrorCode.NOT_FOUND, f"No {resource} record {record_id!r}" + (" (it was deleted)." if deleted else "."),
                       {"resource": resource, "id": record_id, "deleted": deleted})
    return _json(b'{"data":' + _project(body, fields) + b"}", call)


def list_deleted(call: Call) -> Response:
    _check_params(call, ("limit", "cursor", "deleted_since", "resource"))
    limit = _limit(call)
    since = _since(call, "deleted_since")
    resource = call.params.get("resource")
    expect = {"k": "deleted", "s": since, "f": resource}
    after = None
    if "cursor" in call.params:
        position = decode_cursor(call.cursor_secret, call.params["cursor"], epoch=call.store.epoch, expect=expect)
        after = (position["u"], position["r"], position["i"])
    rows = call.store.tombstone_page(after=after, since_us=since, resource=resource, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode_cursor(call.cursor_secret, {**expect, "u": last.deleted_us, "r": last.resource,
                                                         "i": last.id, "e": call.store.epoch})
    return _json(_page([row.body for row in rows], next_cursor), call)


def get_schema(call: Call, resource: str | None) -> Response:
    _check_params(call, ())
    entries = {spec.resource: {"resource": spec.resource, "label": spec.label, "description": spec.description,
                               "fields": [f.as_schema_entry() for f in spec.fields]} for spec in iter_specs()}
    if resource is None:
        return _json(orjson.dumps({"data": list(entries.values())}), call)
    if resource not in entries:
        raise ApiError(ErrorCode.NOT_FOUND, f"No resource {resource!r} in the schema.", {"resource": resource})
    return _json(orjson.dumps({"data": entries[resource]}), call)


def get_tenant(call: Call) -> Response:
    _check_params(call, ())
    tenant = call.store.tenant()
    data = {
        "name": tenant["name"],
        "time_zone": tenant["time_zone"],
        "api_version": "1",
        "rate_limit": call.rate_limit,
        "record_counts": call.store.counts(),
        "server_time": format_utc(now_us()),
    }
    return _json(orjson.dumps({"data": data}), call)


def attachment_content(call: Call, attachment_id: str) -> FileResponse:
    _check_params(call, ())
    body = call.store.get("attachments", attachment_id)
    if body is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"No attachments record {attachment_id!r}.",
                       {"resource": "attachments", "id": attachment_id})
    record = orjson.loads(body)
    path = attachment_body_path(call.tenant_dir, attachment_id, record.get("sha256"))
    if path is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"The file of attachment {attachment_id!r} is missing on the server.",
                       {"resource": "attachments", "id": attachment_id, "reason": "file_missing"})
    file_name = record.get("file_name") or attachment_id
    headers = {
        **call.extra_headers,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(str(file_name), safe='')}",
        "X-Content-SHA256": str(record.get("sha256") or ""),
        "ETag": f'"{record.get("sha256") or ""}"',
    }
    return FileResponse(path, media_type=record.get("content_type") or "application/octet-stream", headers=headers)
