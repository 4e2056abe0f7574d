"""The REST calls the file upload makes, each retried when Salesforce says "later".

:class:`FilesApi` wraps the simple-salesforce client's session (its URL, session header, trusted CA)
and sends requests itself, so every call — a query page, a JSON or multipart ContentVersion insert, a
collection of links — goes through one retry rule:

=====================================================  ==================================================
answer                                                 what happens
=====================================================  ==================================================
503, 502, 500, a connection error or a cut-off reply   retried with exponential backoff and jitter
``UNABLE_TO_LOCK_ROW`` (in the body, any status)       retried the same way
403 ``REQUEST_LIMIT_EXCEEDED``                         retried the same way (the rolling 24-hour window
                                                       may free requests); the last answer is raised
anything else                                          :class:`~control.errors.SalesforceError` at once
=====================================================  ==================================================

A TLS failure (an untrusted certificate) is not retried. After ``attempts`` tries the last error is
raised as a :class:`SalesforceError` with its code. A retried insert may have been stored by the first
try (a reply lost on the way back): callers make inserts idempotent by the external Id
(``DUPLICATE_VALUE`` → look the record up) — see :mod:`control.load.files`.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Sequence
from urllib.parse import quote

import requests

from control.errors import Disposition, SalesforceError

__all__ = ["RetryPolicy", "FilesApi", "RETRIABLE_CODES", "soql_quote"]

RETRIABLE_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE"})
_RETRIABLE_STATUS = frozenset({500, 502, 503, 504})


class RetryPolicy(NamedTuple):
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Wait before try ``attempt + 1`` (``attempt`` ≥ 1): exponential, capped, ±25 % jitter."""
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * rng.uniform(0.75, 1.25)


def soql_quote(value: str) -> str:
    """A SOQL string literal (quotes and backslashes escaped)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def _error_of(reply: requests.Response) -> tuple[str, str, list[str]]:
    try:
        body = reply.json()
    except ValueError:
        return f"HTTP_{reply.status_code}", (reply.text or "")[:300], []
    first = body[0] if isinstance(body, list) and body else body if isinstance(body, dict) else {}
    code = str(first.get("errorCode") or first.get("statusCode") or f"HTTP_{reply.status_code}")
    return code, str(first.get("message") or "")[:500], list(first.get("fields") or [])


class FilesApi:
    """REST calls against one org through a simple-salesforce client (see the module docstring)."""

    def __init__(self, client: Any, *, retry: RetryPolicy = RetryPolicy(),
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        self.session: requests.Session = client.session
        self.base_url: str = str(client.base_url)  # …/services/data/vXX.X/
        self.instance_root = self.base_url.split("/services/data/")[0]
        self._auth = {"Authorization": f"Bearer {client.session_id}"}
        self.retry = retry
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.retried = 0  # retries made, for the run's accounting
        self.sent = 0     # requests sent (every try), for the run's accounting: the files step's API requests
        self._lock = threading.Lock()

    # ── the one request path ────────────────────────────────────────────────────────
    def request(self, method: str, path: str, *, body: Callable[[], Any] | None = None,
                headers: Mapping[str, str] | Callable[[Any], Mapping[str, str]] | None = None,
                stream: bool = False) -> requests.Response:
        """Send ``method path`` (relative to ``base_url``, or absolute from ``/services``), retrying (see above).

        ``body`` is a factory: each try gets a fresh body (a stream cannot be sent twice). ``headers`` may be
        a function of that body (a multipart body names its own boundary).
        """
        url = self.instance_root + path if path.startswith("/services/") else self.base_url + path
        last: SalesforceError | None = None
        for attempt in range(1, self.retry.attempts + 1):
            data = body() if body else None
            extra = headers(data) if callable(headers) else headers
            wanted = {**self._auth, **(extra or {})}
            with self._lock:
                self.sent += 1
            try:
                reply = self.session.request(method, url, data=data, headers=wanted, stream=stream,
                                             timeout=(30, 600))
            except requests.exceptions.SSLError as exc:  # a certificate problem does not heal by waiting
                raise SalesforceError(f"{method} {path.split('?')[0]}: the TLS connection failed ({exc.__class__.__name__})",
                                      code="TLS_FAILED", hint="Check that the org's certificate is trusted.") from None
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                last = SalesforceError(f"{method} {path.split('?')[0]}: the connection failed ({type(exc).__name__})",
                                       code="CONNECTION_FAILED", disposition=Disposition.RETRIABLE)
            else:
                if reply.status_code < 400:
                    return reply
                code, message, fields = _error_of(reply)
                error = SalesforceError(message or f"{method} {path.split('?')[0]} failed", status=reply.status_code,
                                        code=code, fields=fields)
                if reply.status_code not in _RETRIABLE_STATUS and code not in RETRIABLE_CODES:
                    raise error
                error.disposition = Disposition.RETRIABLE
                last = error
            if attempt < self.retry.attempts:
                self.retried += 1
                self.sleep(self.retry.delay(attempt, self.rng))
        assert last is not None
        raise last

    def json(self, method: str, path: str, payload: Any = None) -> Any:
        import json as _json

        data = None if payload is None else _json.dumps(payload).encode("utf-8")
        reply = self.request(method, path, body=(lambda: data) if data is not None else None,
                             headers={"Content-Type": "application/json"})
        return reply.json() if reply.content else None

    # ── queries ─────────────────────────────────────────────────────────────────────
    def query(self, soql: str) -> Iterator[dict[str, Any]]:
        """Every record of ``soql``, page by page."""
        page = self.json("GET", "query?q=" + quote(soql, safe=""))
        while True:
            for record in page.get("records") or ():
                yield record
            following = page.get("nextRecordsUrl")
            if page.get("done", True) or not following:
                return
            page = self.json("GET", following)

    def query_in(self, select: str, sobject: str, field: str, values: Sequence[str],
                 *, chunk: int = 200) -> Iterator[dict[str, Any]]:
        """``SELECT select FROM sobject WHERE field IN (…)`` over ``values`` in chunks (URL length stays small)."""
        unique = list(dict.fromkeys(v for v in values if v))
        for start in range(0, len(unique), chunk):
            part = unique[start:start + chunk]
            listed = ", ".join(soql_quote(v) for v in part)
            yield from self.query(f"SELECT {select} FROM {sobject} WHERE {field} IN ({listed})")
