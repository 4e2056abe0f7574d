"""The sandbox's ASGI application: authentication, scopes, rate limiting, routing, error bodies.

Request pipeline (every path under ``/api/v1``)::

    request ─► Bearer key? ──no──► 401 authentication_required / invalid_api_key
                 │ yes
                 ▼
             limiter.check(key) ──refused──► 429 rate_limited (storm: reason throttled) / 503 (fault)
                 │ admitted (one token)
                 ▼
             GET? ──no──► 405 method_not_allowed
                 ▼
             route ─► scope? ──no──► 403 insufficient_scope
                 ▼
             handler ─► 200 page / record / file   (ApiError ─► its status; anything else ─► 500)

Every authenticated response carries the ``X-RateLimit-*`` headers; every response an
``X-Request-Id``. ``GET /health`` (outside the API, no key) tells the process manager the server is up.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import uuid
from pathlib import Path
from typing import AsyncIterator, Callable, NamedTuple

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.servicetracker import handlers
from emulators.servicetracker.api_errors import ApiError, ErrorCode
from emulators.servicetracker.ratelimit import Limiter
from emulators.servicetracker.store import TenantStore
from emulators.servicetracker.tenant import ApiKey, Scope

__all__ = ["AppConfig", "create_app", "API_PREFIX"]

API_PREFIX = "/api/v1"
log = logging.getLogger("emulators.servicetracker")


class AppConfig(NamedTuple):
    db_path: Path
    tenant_dir: Path
    api_keys: tuple[ApiKey, ...]
    cursor_secret: bytes
    limiter: Limiter
    on_ready: Callable[[], None] | None = None
    on_shutdown: Callable[[], None] | None = None


_ADMIN = frozenset({"workflows", "mobile_devices"})


def _error(err: ApiError, request_id: str, headers: dict[str, str]) -> Response:
    return Response(orjson.dumps(err.body()), status_code=err.status, media_type=handlers.JSON_TYPE,
                    headers={**headers, **err.headers, "X-Request-Id": request_id})


def _authenticate(request: Request, keys: tuple[ApiKey, ...]) -> ApiKey:
    header = request.headers.get("authorization")
    if not header or not header.lower().startswith("bearer "):
        raise ApiError(ErrorCode.AUTHENTICATION_REQUIRED,
                       "Send the API key as 'Authorization: Bearer stk_…'.", None)
    presented = header[7:].strip()
    for key in keys:
        if hmac.compare_digest(key.key.encode(), presented.encode()):
            return key
    raise ApiError(ErrorCode.INVALID_API_KEY, "The API key is unknown, malformed or revoked.", None)


def _require(key: ApiKey, scope: Scope) -> None:
    if str(scope) not in key.scopes:
        raise ApiError(ErrorCode.INSUFFICIENT_SCOPE, f"This key lacks the {scope} scope.",
                       {"required_scope": str(scope)})


def _dispatch(call: handlers.Call, key: ApiKey, parts: list[str]) -> Response:
    """Route ``parts`` (the path below /api/v1) to a handler."""
    n = len(parts)
    if n == 1 and parts[0] == "tenant":
        _require(key, Scope.RECORDS_READ)
        return handlers.get_tenant(call)
    if parts[0] == "schema" and n <= 2:
        _require(key, Scope.RECORDS_READ)
        return handlers.get_schema(call, parts[1] if n == 2 else None)
    if n == 1 and parts[0] == "deleted_records":
        _require(key, Scope.RECORDS_READ)
        return handlers.list_deleted(call)
    if n == 3 and parts[0] == "attachments" and parts[2] == "content":
        _require(key, Scope.FILES_READ)
        return handlers.attachment_content(call, parts[1])
    if parts[0] == "custom_tables" and n in (3, 4) and parts[2] == "rows":
        resource, rest = "/".join(parts[:3]), parts[3:]
    elif n in (1, 2):
        resource, rest = parts[0], parts[1:]
    else:
        raise ApiError(ErrorCode.NOT_FOUND, f"No endpoint {API_PREFIX}/{'/'.join(parts)}.", None)
    _require(key, Scope.ADMIN_READ if resource in _ADMIN else Scope.RECORDS_READ)
    handlers.check_resource(call, resource)
    if rest:
        return handlers.get_record(call, resource, rest[0])
    return handlers.list_records(call, resource)


def create_app(config: AppConfig) -> Starlette:
    store = TenantStore(config.db_path, readonly=True)
    limiter = config.limiter
    rate_limit = {"requests_per_second": limiter.rps, "burst": limiter.burst}

    async def api(request: Request) -> Response:
        request_id = uuid.uuid4().hex
        rate_headers: dict[str, str] = {}
        try:
            key = _authenticate(request, config.api_keys)
            decision = limiter.check(key.name)
            rate_headers = decision.headers()
            rate_headers.pop("Retry-After", None)
            if not decision.allowed:
                if decision.reason == "fault":
                    raise ApiError(ErrorCode.SERVICE_UNAVAILABLE, "ServiceTracker is briefly unavailable; retry later.",
                                   {"retry_after_seconds": decision.retry_after},
                                   {"Retry-After": decision.headers()["Retry-After"]})
                raise ApiError(ErrorCode.RATE_LIMITED,
                               "Too many requests for this API key; retry after Retry-After seconds.",
                               {"retry_after_seconds": decision.retry_after, "limit": limiter.burst,
                                "reason": decision.reason},
                               {"Retry-After": decision.headers()["Retry-After"]})
            if request.method not in ("GET", "HEAD"):
                raise ApiError(ErrorCode.METHOD_NOT_ALLOWED, f"{request.method} is not allowed; this API is read-only "
                               "for migration keys.", {"method": request.method})
            parts = [p for p in request.path_params["path"].split("/") if p]
            if not parts:
                raise ApiError(ErrorCode.NOT_FOUND, f"No endpoint {API_PREFIX}/.", None)
            call = handlers.Call(store, request.query_params, config.cursor_secret, config.tenant_dir, rate_limit,
                                 {**rate_headers, "X-Request-Id": request_id})
            return _dispatch(call, key, parts)
        except ApiError as err:
            return _error(err, request_id, rate_headers)
        except Exception:  # a sandbox bug: answer as the contract says, keep the trace in the log
            log.exception("internal error (request %s)", request_id)
            return _error(ApiError(ErrorCode.INTERNAL_ERROR, "Internal error; retry with backoff.",
                                   {"request_id": request_id}), request_id, rate_headers)

    async def health(request: Request) -> Response:
        return Response(orjson.dumps({"status": "ok", "tenant": store.tenant()["name"]}), media_type=handlers.JSON_TYPE)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if config.on_ready:
            config.on_ready()
        try:
            yield
        finally:
            if config.on_shutdown:
                config.on_shutdown()
            store.close()

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(routes=[
        Route("/health", health, methods=["GET"]),
        Route(API_PREFIX + "/{path:path}", api, methods=methods),
    ], lifespan=lifespan)
