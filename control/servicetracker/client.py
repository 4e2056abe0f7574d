"""The ServiceTracker API client (httpx, async): authentication, pacing, retries, error mapping.

Every request goes through one loop::

    pacer.acquire() ─► send ─► 2xx ───────────────────────────────► return
                         │     429 / 503 ─► pacer.pause(Retry-After) ─► again (until ``patience``)
                         │     500 ──────► backoff ─────────────────► again (a few times)
                         │     other ────► raise (below)
                         └─ connection error / timeout ─► backoff ─► again (a few times)

Errors (all from :mod:`control.errors`; the API's own ``code`` is kept)::

    401 authentication_required / invalid_api_key ─► ConfigError  naming the variable that holds the key
    403 insufficient_scope                        ─► ConfigError  naming the scope and the variable
    409 cursor_stale                              ─► ServiceTrackerError(code="cursor_stale") (the paginator restarts)
    404, 405, 422, unreadable bodies              ─► ServiceTrackerError (fatal)
    retries exhausted                             ─► ServiceTrackerError (retriable disposition)

The key is a :class:`control.secrets.Secret`, revealed only into the ``Authorization`` header; httpx's
logging and our errors never see it.
"""

from __future__ import annotations

import asyncio
import random
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping, NamedTuple
from urllib.parse import quote

import httpx
import orjson

from control.errors import ConfigError, Disposition, ServiceTrackerError
from control.secrets import Secret
from control.servicetracker.pacing import Pacer
from control.servicetracker.retry import RetryPolicy, parse_retry_after

__all__ = ["ServiceTrackerClient", "ClientStats", "Tenant", "path_segment"]


def path_segment(value: str) -> str:
    """A value made safe as one URL path segment (custom table keys, ids)."""
    return quote(value, safe="")


class Tenant(NamedTuple):
    name: str
    time_zone: str
    api_version: str
    requests_per_second: float | None
    burst: int | None
    record_counts: dict[str, int]
    server_time: str


class ClientStats:
    """Counters of one client's life (a run statistic; not shared between clients)."""

    def __init__(self) -> None:
        self.requests = 0
        self.rate_limited = 0
        self.unavailable = 0
        self.server_errors = 0
        self.transport_errors = 0

    def as_dict(self) -> dict[str, int]:
        return {"requests": self.requests, "rate_limited": self.rate_limited, "unavailable": self.unavailable,
                "server_errors": self.server_errors, "transport_errors": self.transport_errors}


class ServiceTrackerClient:
    """One API key against one tenant. Use as ``async with ServiceTrackerClient(...) as client:``."""

    def __init__(self, base_url: str, api_key: Secret, *, key_env: str, pacer: Pacer | None = None,
                 policy: RetryPolicy = RetryPolicy(), timeout: float = 60.0, max_connections: int = 16,
                 transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.key_env = key_env
        self.pacer = pacer or Pacer()
        self.policy = policy
        self.stats = ClientStats()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers={"Authorization": f"Bearer {api_key.reveal()}", "Accept": "application/json",
                     "User-Agent": "st2sf-extract"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
            follow_redirects=False,
        )

    async def __aenter__(self) -> "ServiceTrackerClient":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ── the one request loop ────────────────────────────────────────────────────────
    async def _send(self, path: str, params: Mapping[str, Any] | None = None,
                    headers: Mapping[str, str] | None = None, *, stream: bool = False) -> httpx.Response:
        server_errors = transport_errors = refusals = 0
        storm_started: float | None = None
        while True:
            await self.pacer.acquire()
            self.stats.requests += 1
            request = self._http.build_request("GET", path.lstrip("/"), params=dict(params or {}),
                                               headers=dict(headers or {}))
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                self.stats.transport_errors += 1
                transport_errors += 1
                if transport_errors > self.policy.max_transport_errors:
                    raise ServiceTrackerError(
                        f"ServiceTracker cannot be reached at {self.base_url} ({type(exc).__name__}) after "
                        f"{transport_errors} attempts.", code="unreachable", disposition=Disposition.RETRIABLE,
                        hint="Check the source URL (source.base_url / ST2SF_SOURCE_URL) and the network, then run "
                             "the same command again: it resumes where it stopped.", path=path) from None
                await self._sleep(self.policy.backoff(transport_errors, self._rng))
                continue
            self.pacer.observe(_int_header(response.headers.get("X-RateLimit-Remaining")))
            if response.status_code < 300:
                return response
            if stream:
                await response.aread()
                await response.aclose()
            code, message, details = _error_body(response)
            if response.status_code in (429, 503):
                if response.status_code == 429:
                    self.stats.rate_limited += 1
                else:
                    self.stats.unavailable += 1
                now = time.monotonic()
                storm_started = storm_started if storm_started is not None else now
                if now - storm_started > self.policy.patience:
                    raise ServiceTrackerError(
                        f"ServiceTracker kept refusing requests ({response.status_code} {code}) for more than "
                        f"{self.policy.patience:.0f} s.", status=response.status_code, code=code,
                        disposition=Disposition.RETRIABLE, path=path,
                        hint="Run the same command again later: it resumes where it stopped.")
                refusals += 1
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if wait is None:
                    wait = self.policy.backoff(refusals, self._rng)
                elif refusals > 5:  # "retry at once" (Retry-After: 0) again and again: back off a little anyway
                    wait = max(wait, self.policy.backoff(refusals - 5, self._rng))
                self.pacer.pause(wait)
                continue
            if response.status_code >= 500:
                self.stats.server_errors += 1
                server_errors += 1
                if server_errors > self.policy.max_server_errors:
                    raise ServiceTrackerError(
                        f"ServiceTracker failed {server_errors} times on {path}: {message}",
                        status=response.status_code, code=code, disposition=Disposition.RETRIABLE, path=path,
                        request_id=response.headers.get("X-Request-Id"),
                        hint="Run the same command again later: it resumes where it stopped.")
                await self._sleep(self.policy.backoff(server_errors, self._rng))
                continue
            raise self._error(response, path, code, message, details)

    def _error(self, response: httpx.Response, path: str, code: str, message: str,
               details: Mapping[str, Any] | None) -> Exception:
        status = response.status_code
        request_id = response.headers.get("X-Request-Id")
        if status == 401:
            return ConfigError(
                f"ServiceTracker refused the API key ({code}): {message}",
                hint=f"Set {self.key_env} to a valid key for this tenant (stk_live_… or stk_test_…).",
                status=status, remote_code=code, request_id=request_id)
        if status == 403 and code == "insufficient_scope":
            scope = (details or {}).get("required_scope", "?")
            return ConfigError(
                f"The ServiceTracker API key lacks the scope '{scope}' needed for /{path.lstrip('/')}.",
                hint=f"Set {self.key_env} to a key with the scopes records:read, files:read and admin:read "
                     f"(or leave out what needs '{scope}': see `st2sf extract --help`).",
                status=status, remote_code=code, required_scope=scope, request_id=request_id)
        return ServiceTrackerError(
            f"ServiceTracker answered {status} {code} on /{path.lstrip('/')}: {message}",
            status=status, code=code, path=path, details=dict(details or {}), request_id=request_id)

    # ── calls ───────────────────────────────────────────────────────────────────────
    async def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = await self._send(path, params)
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ServiceTrackerError(f"ServiceTracker sent a body that is not JSON on /{path}.",
                                      status=response.status_code, code="invalid_body", path=path) from None
        if not isinstance(body, dict):
            raise ServiceTrackerError(f"ServiceTracker sent JSON that is not an object on /{path}.",
                                      status=response.status_code, code="invalid_body", path=path)
        return body

    @asynccontextmanager
    async def stream(self, path: str, headers: Mapping[str, str] | None = None) -> AsyncIterator[httpx.Response]:
        """A streamed 2xx response (attachment bodies); errors raise as for every request."""
        response = await self._send(path, None, headers, stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def tenant(self) -> Tenant:
        data = (await self.get_json("tenant")).get("data") or {}
        limit = data.get("rate_limit") or {}
        try:
            return Tenant(str(data["name"]), str(data.get("time_zone") or ""), str(data.get("api_version") or ""),
                          limit.get("requests_per_second"), limit.get("burst"),
                          {str(k): int(v) for k, v in (data.get("record_counts") or {}).items()},
                          str(data["server_time"]))
        except (KeyError, TypeError, ValueError):
            raise ServiceTrackerError("ServiceTracker's /tenant answer does not have the documented shape.",
                                      code="invalid_body", path="tenant") from None

    async def schema(self) -> list[dict[str, Any]]:
        data = (await self.get_json("schema")).get("data")
        if not isinstance(data, list):
            raise ServiceTrackerError("ServiceTracker's /schema answer does not have the documented shape.",
                                      code="invalid_body", path="schema")
        return data


def _int_header(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _error_body(response: httpx.Response) -> tuple[str, str, Mapping[str, Any] | None]:
    """``(code, message, details)`` of an error answer; tolerant of bodies that break the contract."""
    try:
        body = orjson.loads(response.content)
        error = body["error"]
        return str(error.get("code") or f"http_{response.status_code}"), str(error.get("message") or ""), \
            error.get("details") if isinstance(error.get("details"), dict) else None
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return f"http_{response.status_code}", response.reason_phrase or "", None
