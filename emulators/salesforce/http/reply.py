"""What a REST handler returns, independent of Starlette: status, JSON body, extra headers.

Handlers return :class:`Reply` values so the same handler serves a top-level request and a
``/composite`` subrequest (whose reply becomes ``{body, httpHeaders, httpStatusCode, referenceId}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from emulators.salesforce.dml.errors import ApiError, RecordFailure

__all__ = ["Reply", "error_reply", "failure_reply", "not_found"]


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None  # JSON-able; None with 204/304
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # the body already serialised (memoised describes); wins over ``body``
    blocks: Iterator[bytes] | None = None  # a binary body streamed as it is read (blob fields); wins over both
    media_type: str = "application/octet-stream"

    def json_body(self) -> Any:
        """The body as JSON values (parsing ``raw`` when that is how it was given)."""
        if self.raw is not None:
            import orjson

            return orjson.loads(self.raw)
        return self.body


def error_reply(exc: ApiError) -> Reply:
    return Reply(exc.status, exc.body())


def failure_reply(exc: RecordFailure, status: int = 400) -> Reply:
    """A single-record REST call that failed on one record rule."""
    return Reply(status, exc.rest_body())


def not_found() -> Reply:
    return Reply(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
