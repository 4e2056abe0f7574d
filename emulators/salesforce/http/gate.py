"""The door every API call goes through: session, one transaction, the API request count.

REST (``/services/data``), Bulk (``/services/async``), Bulk 2.0 and the Metadata SOAP API all
spend the same rolling 24-hour allocation. :func:`api_call` opens the request's transaction, counts
the call, and refuses it with :class:`RequestLimitExceeded` when the count passes the org's maximum
(the count is rolled back with the refused request). Each surface renders that refusal in its
own shape: REST 403 ``[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit
exceeded."}]``, Bulk ``<error>`` with ``ExceededQuota``, SOAP fault ``sf:REQUEST_LIMIT_EXCEEDED``.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping

from starlette.background import BackgroundTask

from emulators.salesforce.org.runtime import Org
from emulators.salesforce.org.sessions import Session

__all__ = [
    "RequestLimitExceeded", "api_call", "token_from_headers", "session_from_headers", "after_reply",
    "REQUEST_LIMIT_MESSAGE",
]

REQUEST_LIMIT_MESSAGE = "TotalRequests Limit exceeded."


class RequestLimitExceeded(Exception):
    """The org has used its API requests for the rolling 24 hours."""

    def __init__(self, maximum: int) -> None:
        super().__init__(REQUEST_LIMIT_MESSAGE)
        self.maximum = maximum


def token_from_headers(headers: Mapping[str, str]) -> str | None:
    """``Authorization: Bearer|OAuth <token>`` or ``X-SFDC-Session`` (names lower-cased)."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() in ("bearer", "oauth") and value.strip():
        return value.strip()
    return headers.get("x-sfdc-session") or None


def session_from_headers(org: Org, headers: Mapping[str, str]) -> Session | None:
    token = token_from_headers(headers)
    return org.sessions.check(token) if token else None


@contextmanager
def api_call(org: Org) -> Iterator[int]:
    """One counted API call in one transaction; yields the 24-hour count including this call."""
    with org.db.transaction():
        used = org.count_api_call()
        maximum = org.api_limit()
        if used > maximum:
            raise RequestLimitExceeded(maximum)
        yield used


def after_reply(org: Org, work: Callable[..., Any], *args: Any) -> BackgroundTask:
    """Run ``work(*args)`` in its own transaction once the reply has been sent (Bulk processing).

    It runs on the server's event loop before the next request is read, so it is done by the
    time the client asks again; a failure is logged (the work is retried by the next request about
    the same job, which processes whatever is still pending).
    """

    async def run() -> None:
        try:
            with org.db.transaction():
                work(*args)
        except Exception:  # an emulator bug: keep the details in the log
            logging.getLogger("emulators.salesforce").exception("background processing failed")

    return BackgroundTask(run)
