"""The admin endpoint: ``/_emulator/…`` on the org's own port, loopback only, admin token required.

=======  ========================  ==========================================================
method   path                      does
=======  ========================  ==========================================================
GET      /_emulator/limits         allocations, usage and overrides (``OrgLimits.snapshot``)
PATCH    /_emulator/limits         merge overrides ``{"api_requests": 500, "data_storage_mb": 1}``
                                   (``null`` puts a default back)
GET      /_emulator/faults         the fault configuration
PUT      /_emulator/faults         replace it (``{}`` turns faults off); restarts the seeded streams
GET      /_emulator/clock          ``{"now", "offset_seconds"}``
POST     /_emulator/clock          ``{"advance_seconds": n}`` moves the org's clock forward
POST     /_emulator/sessions       ``{"username"}`` → ``{"access_token", "user_id"}``: a session of
                                   any active user (to see the org as that user sees it)
GET      /_emulator/export         the org's full state as deterministic JSON (streamed);
                                   ``?system_fields=false`` leaves audit/system fields out
=======  ========================  ==========================================================

Requests from anywhere but 127.0.0.1/::1 get 403; a missing or wrong ``X-Emulator-Admin-Token``
header 401. Bad input is 400 ``{"error": "…what to change…"}``. None of these count as API calls.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from emulators.salesforce.admin.export import export_chunks
from emulators.salesforce.admin.token import ADMIN_HEADER, token_matches
from emulators.salesforce.faults.config import FaultConfigError, parse_faults
from emulators.salesforce.faults.injector import FaultInjector
from emulators.salesforce.limits import AllocationError
from emulators.salesforce.org.clock import CLOCK_OFFSET_KEY, OrgClock
from emulators.salesforce.dml.coerce import format_datetime
from emulators.salesforce.org.runtime import Org

__all__ = ["admin_routes", "LOOPBACK"]

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
Handler = Callable[[Request], Awaitable[Response]]


def _json(status: int, body: Any) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _bad(message: str) -> Response:
    return _json(400, {"error": message})


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValueError("the body must be JSON") from None


def admin_routes(org: Org, clock: OrgClock, faults: FaultInjector, admin_token: str) -> list[Route]:
    """The ``/_emulator`` routes of one org (see the module docstring)."""

    def guarded(handler: Handler) -> Handler:
        async def wrapper(request: Request) -> Response:
            host = request.client.host if request.client else ""
            if host not in LOOPBACK:
                return _json(403, {"error": "the admin endpoint answers only on the loopback interface"})
            if not token_matches(admin_token, request.headers.get(ADMIN_HEADER)):
                return _json(401, {"error": f"send the org's admin token in the {ADMIN_HEADER} header"})
            try:
                return await handler(request)
            except ValueError as exc:
                return _bad(str(exc))

        return wrapper

    async def limits_get(request: Request) -> Response:
        return _json(200, org.limits.snapshot())

    async def limits_patch(request: Request) -> Response:
        try:
            org.limits.set_overrides(await _body(request))
        except AllocationError as exc:
            return _bad(str(exc))
        return _json(200, org.limits.snapshot())

    async def faults_get(request: Request) -> Response:
        return _json(200, faults.config.to_json())

    async def faults_put(request: Request) -> Response:
        try:
            config = parse_faults(await _body(request))
        except FaultConfigError as exc:
            return _bad(str(exc))
        return _json(200, faults.configure(config).to_json())

    def clock_state() -> dict[str, Any]:
        return {"now": format_datetime(clock()), "offset_seconds": clock.offset_seconds}

    async def clock_get(request: Request) -> Response:
        return _json(200, clock_state())

    async def clock_post(request: Request) -> Response:
        body = await _body(request)
        seconds = body.get("advance_seconds") if isinstance(body, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            return _bad('send {"advance_seconds": n} with n ≥ 0 (the clock only moves forward)')
        offset = clock.advance(float(seconds))
        with org.db.transaction():
            org.db.set_meta(CLOCK_OFFSET_KEY, offset)
        return _json(200, clock_state())

    async def sessions_post(request: Request) -> Response:
        body = await _body(request)
        username = body.get("username") if isinstance(body, dict) else None
        if not isinstance(username, str) or not username:
            return _bad('send {"username": "<a user of this org>"}')
        user = org.user_by_username(username)
        if user is None or not user.get("IsActive"):
            return _bad(f"no active user {username!r} in this org")
        token, _ = org.sessions.issue(user["Id"])
        return _json(200, {"access_token": token, "user_id": user["Id"]})

    async def export(request: Request) -> Response:
        system = request.query_params.get("system_fields", "true").lower() != "false"
        chunks = export_chunks(org.db.path, system_fields=system)
        return StreamingResponse(chunks, media_type="application/json")

    return [
        Route("/_emulator/limits", guarded(limits_get), methods=["GET"]),
        Route("/_emulator/limits", guarded(limits_patch), methods=["PATCH", "PUT"]),
        Route("/_emulator/faults", guarded(faults_get), methods=["GET"]),
        Route("/_emulator/faults", guarded(faults_put), methods=["PUT"]),
        Route("/_emulator/clock", guarded(clock_get), methods=["GET"]),
        Route("/_emulator/clock", guarded(clock_post), methods=["POST"]),
        Route("/_emulator/sessions", guarded(sessions_post), methods=["POST"]),
        Route("/_emulator/export", guarded(export), methods=["GET"]),
    ]
