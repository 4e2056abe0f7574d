"""The two kinds of failure the org returns, with Salesforce's shapes.

::

    Exception
    ├── ApiError        call-level: the whole request fails with an HTTP status and
    │                   ``[{"message":…,"errorCode":…}]`` (``fields`` added when given)
    └── RecordFailure   record-level: one record fails; collections, composite and single creates
        │               report ``{"statusCode":…,"message":…,"fields":[…]}`` in its ``errors``
        └── RecordMissing   the record a call addresses (by Id) does not exist: collections report
                            INVALID_CROSS_REFERENCE_KEY, single-record REST calls 404 NOT_FOUND

Both carry Salesforce's codes (``StatusCode`` for records, ``ExceptionCode`` / REST ``errorCode``
for calls) unchanged.
"""

from __future__ import annotations

from typing import Any, Sequence

__all__ = ["ApiError", "RecordFailure", "RecordMissing", "NOT_FOUND_MESSAGE"]

NOT_FOUND_MESSAGE = "The requested resource does not exist"


class ApiError(Exception):
    """A call-level error: HTTP ``status`` with body ``[{"message", "errorCode"[, "fields"]}]``."""

    def __init__(self, status: int, error_code: str, message: str, fields: Sequence[str] | None = None) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = list(fields) if fields is not None else None

    def body(self) -> list[dict[str, Any]]:
        entry: dict[str, Any] = {"message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            entry["fields"] = self.fields
        return [entry]


class RecordFailure(Exception):
    """One record failed: ``status_code`` is Salesforce's StatusCode."""

    def __init__(self, status_code: str, message: str, fields: Sequence[str] = ()) -> None:
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.fields = list(fields)

    def error(self) -> dict[str, Any]:
        """The entry of a result's ``errors`` list."""
        return {"statusCode": self.status_code, "message": self.message, "fields": self.fields}

    def rest_body(self) -> list[dict[str, Any]]:
        """The body of a single-record REST call that failed with this error."""
        return [{"message": self.message, "errorCode": self.status_code, "fields": self.fields}]


class RecordMissing(RecordFailure):
    """The record an update or delete addresses does not exist (or is of another object)."""

    def __init__(self) -> None:
        super().__init__("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
