"""The org's ASGI application (Starlette): authentication, transactions, headers, error shapes.

Routes::

    POST /services/oauth2/token          OAuth grants (no session needed)
    POST /services/oauth2/revoke         revoke a token
    GET  /services/oauth2/userinfo       OpenID userinfo            (session)
    GET  /id/{org}/{user}                identity document          (session)
    GET  /services/data                  versions                   (no session)
    *    /services/data/vXX.X/…          REST (see ``router.py``)   (session)

A session is ``Authorization: Bearer <token>`` (or ``OAuth <token>``, or ``X-SFDC-Session``); a
missing, unknown or timed-out token gets 401 ``[{"message":"Session expired or invalid",
"errorCode":"INVALID_SESSION_ID"}]``.

Each REST request runs in one database transaction with its API-usage count; handlers do their
work synchronously on the event loop, so requests are serialised and every request sees a
consistent org. Every REST reply carries ``Sforce-Limit-Info: api-usage=<used>/<max>``.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, Sequence
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from emulators.salesforce.dml.errors import ApiError
from emulators.salesforce.http.context import RequestContext, SubRequest, parse_version
from emulators.salesforce.http.discovery import identity_document, userinfo, versions
from emulators.salesforce.http.multipart import MultipartRecord, is_multipart, read_multipart
from emulators.salesforce.http.gate import REQUEST_LIMIT_MESSAGE, RequestLimitExceeded, api_call
from emulators.salesforce.http.oauth import OAuthError, token_grant
from emulators.salesforce.http.reply import Reply
from emulators.salesforce.http.router import OrgService, route
from emulators.salesforce.org.sessions import Session

__all__ = ["build_app", "JSON_TYPE"]

JSON_TYPE = "application/json;charset=UTF-8"
_INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
log = logging.getLogger("emulators.salesforce")


def _json(status: int, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> Response:
    if status in (204, 304):
        return Response(status_code=status, headers=headers)
    content = raw if raw is not None else orjson.dumps(body)
    return Response(content, status_code=status, headers=headers, media_type=JSON_TYPE)


def _token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and value.strip():
        return value.strip()
    return request.headers.get("x-sfdc-session") or None


def _parse_body(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        pos = min(exc.pos, len(exc.doc) - 1) if exc.doc else 0
        char = exc.doc[pos] if exc.doc else "?"
        raise ApiError(
            400,
            "JSON_PARSER_ERROR",
            f"Unexpected character ('{char}' (code {ord(char)})): was expecting a valid JSON value "
            f"at [line:{exc.lineno}, column:{exc.colno}]",
        ) from None


def build_app(service: OrgService, *, instance_url: str, extra_routes: Sequence[BaseRoute] = ()) -> Any:
    """The ASGI app serving ``service``'s org at ``instance_url`` (``https://127.0.0.1:PORT``).

    ``extra_routes`` (Bulk, Metadata, admin …) are matched before the generic REST routes.
    """
    org = service.org

    def session_of(request: Request) -> Session | None:
        token = _token_of(request)
        return org.sessions.check(token) if token else None

    async def oauth_token(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        form.update({k: v for k, v in request.query_params.items() if k not in form})
        try:
            return _json(200, token_grant(org, form, instance_url))
        except OAuthError as exc:
            return _json(exc.status, exc.body())

    async def oauth_revoke(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        token = form.get("token") or request.query_params.get("token") or ""
        if not org.sessions.revoke(token):
            return _json(400, {"error": "unsupported_token_type", "error_description": "this token type is not supported"})
        return Response(status_code=200)

    async def oauth_userinfo(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return PlainTextResponse("Bad_OAuth_Token", status_code=403)
        user = org.store.get(session.user_id)
        row = org.store.materialise("User", user.data) if user else {"Id": session.user_id}
        ident = org.identity
        return _json(200, userinfo(row, instance_url=instance_url, org_id=ident.org_id, login_url=ident.login_url))

    async def identity(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return PlainTextResponse("Bad_OAuth_Token", status_code=403)
        ident = org.identity
        if request.path_params["org"][:15] != ident.org_id[:15]:
            return PlainTextResponse("Bad_Id", status_code=404)
        user = org.store.get(request.path_params["user"])
        if user is None or user.sobject != "User":
            return PlainTextResponse("Bad_Id", status_code=404)
        row = org.store.materialise("User", user.data)
        return _json(200, identity_document(row, instance_url=instance_url, org_id=ident.org_id, login_url=ident.login_url))

    async def data_root(request: Request) -> Response:
        return _json(200, versions(instance_url))

    async def data(request: Request) -> Response:
        version = parse_version(request.path_params["version"])
        if version is None:
            return _json(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
        session = session_of(request)
        if session is None:
            return _json(401, _INVALID_SESSION)
        headers = {k.lower(): v for k, v in request.headers.items()}
        upload: MultipartRecord | None = None
        early: ApiError | None = None
        raw = b""
        if request.method == "POST" and is_multipart(headers.get("content-type")):
            try:  # a record with a binary body: the body streams to a staged file
                upload = await read_multipart(headers["content-type"], request.stream(), org.content.bodies)
            except ApiError as exc:
                early = exc
        else:
            raw = await request.body()
        try:
            with api_call(org) as used:
                try:
                    if early is not None:
                        raise early
                    sub = SubRequest(
                        method=request.method,
                        path="/" + request.path_params.get("rest", ""),
                        query=dict(request.query_params),
                        headers=headers,
                        body=upload.entity if upload is not None else _parse_body(raw),
                        files=upload.files if upload is not None else {},
                    )
                    ctx = RequestContext(org, session.user_id, version, instance_url)
                    reply = route(service, ctx, sub)
                except ApiError as exc:
                    reply = Reply(exc.status, exc.body())
        except RequestLimitExceeded as exc:
            body = [{"message": REQUEST_LIMIT_MESSAGE, "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
            return _json(403, body, {"Sforce-Limit-Info": f"api-usage={exc.maximum}/{exc.maximum}"})
        except Exception:  # an emulator bug: answer like Salesforce does, keep the details in the log
            error_id = str(secrets.randbelow(10**9)).rjust(9, "0") + "-" + str(secrets.randbelow(10**5))
            log.exception("unexpected error (ErrorId %s) on %s %s", error_id, request.method, request.url.path)
            body = [{"errorCode": "UNKNOWN_EXCEPTION", "message": f"An unexpected error occurred. Please include this ErrorId if you contact support: {error_id}"}]
            return _json(500, body)
        finally:
            if upload is not None:
                upload.discard()  # a stored body was moved into place; anything left is not needed
        out_headers = dict(reply.headers)
        out_headers["Sforce-Limit-Info"] = f"api-usage={used}/{org.api_limit()}"
        if reply.blocks is not None:
            return StreamingResponse(reply.blocks, status_code=reply.status, headers=out_headers,
                                     media_type=reply.media_type)
        return _json(reply.status, reply.body, out_headers, reply.raw)

    methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]
    routes = [
        Route("/services/oauth2/token", oauth_token, methods=["POST"]),
        Route("/services/oauth2/revoke", oauth_revoke, methods=["POST", "GET"]),
        Route("/services/oauth2/userinfo", oauth_userinfo, methods=["GET", "POST"]),
        Route("/id/{org}/{user}", identity, methods=["GET", "POST"]),
        Route("/services/data", data_root, methods=["GET"]),
        Route("/services/data/", data_root, methods=["GET"]),
        *extra_routes,
        Route("/services/data/{version}", data, methods=methods),
        Route("/services/data/{version}/{rest:path}", data, methods=methods),
    ]
    return _SlashCollapsing(Starlette(routes=routes))


class _SlashCollapsing:
    """Serve ``//services/data/…`` like ``/services/data/…`` (the sf CLI keeps a trailing ``/`` on
    the instance URL it was given and joins paths onto it; Salesforce's servers accept that)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and "//" in scope.get("path", ""):
            path = scope["path"]
            while "//" in path:
                path = path.replace("//", "/")
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)
