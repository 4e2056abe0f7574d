"""API errors as the contract documents them (docs/servicetracker-api.md §12).

Handlers raise :class:`ApiError`; the application turns it into ``{"error": {"code", "message",
"details"}}`` with the status the code implies, plus any headers (``Retry-After``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = ["ErrorCode", "ApiError", "STATUS", "invalid_parameter"]


class ErrorCode(StrEnum):
    AUTHENTICATION_REQUIRED = "authentication_required"
    INVALID_API_KEY = "invalid_api_key"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CURSOR_STALE = "cursor_stale"
    INVALID_PARAMETER = "invalid_parameter"
    INVALID_CURSOR = "invalid_cursor"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    SERVICE_UNAVAILABLE = "service_unavailable"


STATUS: dict[ErrorCode, int] = {
    ErrorCode.AUTHENTICATION_REQUIRED: 401,
    ErrorCode.INVALID_API_KEY: 401,
    ErrorCode.INSUFFICIENT_SCOPE: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CURSOR_STALE: 409,
    ErrorCode.INVALID_PARAMETER: 422,
    ErrorCode.INVALID_CURSOR: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}


class ApiError(Exception):
    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = STATUS[code]
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": str(self.code), "message": self.message, "details": self.details}}


def invalid_parameter(parameter: str, value: object, expected: str, **extra: Any) -> ApiError:
    return ApiError(ErrorCode.INVALID_PARAMETER, f"{parameter} must be {expected}.",
                    {"parameter": parameter, "value": value, "expected": expected, **extra})
