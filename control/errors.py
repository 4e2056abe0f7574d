"""The one error tree of the st2sf control plane.

Every error st2sf raises on purpose is an :class:`St2sfError`. The tree::

    St2sfError                      base; .code, .fields(), .exit_code
    ├── UsageError                  exit 2: the input is wrong; the message says what to change
    │   ├── ConfigError             st2sf.toml, environment or keyring is wrong or incomplete
    │   ├── InputFileError          a file the user handed us cannot be read as what it should be
    │   ├── NotFoundError           a named thing (run, org, step, file) does not exist
    │   ├── NotApprovedError        the map's content hash is not the approved one; names what changed
    │   └── LimitExceededError      a load plan needs more than the org has left (API requests, storage…)
    └── Failure                     exit 1: the work could not be done
        ├── RemoteError             a remote system answered with an error; keeps its own codes
        │   ├── ServiceTrackerError     .status, .code (the API's error code)
        │   └── SalesforceError         .status, .code (Salesforce errorCode / statusCode), .fields
        ├── RecordError             one record cannot be moved; carries the source key and the cause
        ├── LedgerError             the run ledger cannot be read or written
        │   └── LedgerTamperedError     the audit log's hash chain is broken at .entry_seq
        └── InterruptedRunError     a previous run of this command did not finish; resume or abandon it

Orthogonal to the tree, every error carries a **disposition** — how a caller should react:

* ``Disposition.FATAL``       stop the command (the default),
* ``Disposition.RETRIABLE``   the same request may succeed later (429, 5xx, UNABLE_TO_LOCK_ROW, timeouts),
* ``Disposition.RECORD``      only one record is affected; quarantine it and carry on.

Errors never hold secrets: the messages and fields are built from values the caller passes, and
:meth:`St2sfError.fields` runs everything through :func:`control.secrets.redact`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from control.secrets import redact

__all__ = [
    "Disposition",
    "St2sfError",
    "UsageError",
    "ConfigError",
    "InputFileError",
    "NotFoundError",
    "NotApprovedError",
    "LimitExceededError",
    "Failure",
    "RemoteError",
    "ServiceTrackerError",
    "SalesforceError",
    "RecordError",
    "LedgerError",
    "LedgerTamperedError",
    "InterruptedRunError",
]


class Disposition(StrEnum):
    """How a caller should react to an error."""

    FATAL = "fatal"
    RETRIABLE = "retriable"
    RECORD = "record"


class St2sfError(Exception):
    """Base of every error st2sf raises on purpose.

    ``message`` is one sentence a person can act on. ``hint`` (optional) says what to change.
    """

    exit_code: int = 1
    code: str = "ST2SF_ERROR"
    disposition: Disposition = Disposition.FATAL

    def __init__(self, message: str, *, hint: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context: dict[str, Any] = dict(context)

    @property
    def retriable(self) -> bool:
        return self.disposition is Disposition.RETRIABLE

    @property
    def record_level(self) -> bool:
        return self.disposition is Disposition.RECORD

    def fields(self) -> dict[str, Any]:
        """Structured fields for logs, reports and ``--json`` output (secrets redacted)."""
        out: dict[str, Any] = {
            "error": type(self).__name__,
            "code": self.code,
            "disposition": str(self.disposition),
            "message": self.message,
        }
        if self.hint:
            out["hint"] = self.hint
        out.update(self.context)
        return redact(out)

    def one_line(self) -> str:
        """The message and the hint as one line for a terminal."""
        text = redact(self.message)
        if self.hint:
            text = f"{text} {redact(self.hint)}"
        return text

    def __str__(self) -> str:
        return self.one_line()


# ── usage errors: exit 2 ─────────────────────────────────────────────────────────────────


class UsageError(St2sfError):
    """The input is wrong. The message says what is wrong and what to change."""

    exit_code = 2
    code = "USAGE"


class ConfigError(UsageError):
    """st2sf.toml, an environment variable or the keyring is wrong or incomplete."""

    code = "CONFIG"


class InputFileError(UsageError):
    """A file the user handed us cannot be read as what it should be."""

    code = "INPUT_FILE"

    def __init__(self, message: str, *, path: str, line: int | None = None, hint: str | None = None, **context: Any) -> None:
        super().__init__(message, hint=hint, path=path, line=line, **context)
        self.path = path
        self.line = line


class NotFoundError(UsageError):
    """A named thing (run, org, step, file) does not exist."""

    code = "NOT_FOUND"


class NotApprovedError(UsageError):
    """Nothing moves unapproved: the map's content hash differs from the approved one (or none was approved)."""

    code = "NOT_APPROVED"


class LimitExceededError(UsageError):
    """A plan does not fit the org's remaining allocations; ``limits`` names each one: need and what is left."""

    code = "LIMIT_EXCEEDED"


# ── failures: exit 1 ─────────────────────────────────────────────────────────────────────


class Failure(St2sfError):
    """The work could not be done."""

    exit_code = 1
    code = "FAILURE"


class RemoteError(Failure):
    """A remote system answered with an error. Its own status and code are kept, not flattened."""

    code = "REMOTE"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        disposition: Disposition | None = None,
        hint: str | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, hint=hint, status=status, remote_code=code, **context)
        self.status = status
        if code:
            self.code = code
        if disposition is not None:
            self.disposition = disposition


class ServiceTrackerError(RemoteError):
    """The ServiceTracker API answered with an error body ``{"error": {"code", "message"}}``."""


class SalesforceError(RemoteError):
    """Salesforce answered with an error: ``errorCode``/``statusCode``, message and the fields involved."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 fields: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, status=status, code=code, fields_involved=list(fields or []), **kwargs)
        self.sf_fields = list(fields or [])


class RecordError(Failure):
    """One record cannot be moved. Quarantine it with this reason and carry on."""

    code = "RECORD"
    disposition = Disposition.RECORD

    def __init__(self, message: str, *, object_name: str, source_key: str, reason_code: str,
                 field: str | None = None, hint: str | None = None, **context: Any) -> None:
        super().__init__(message, hint=hint, object=object_name, source_key=source_key,
                         reason_code=reason_code, field=field, **context)
        self.object_name = object_name
        self.source_key = source_key
        self.reason_code = reason_code
        self.field = field


class LedgerError(Failure):
    """The run ledger cannot be read or written."""

    code = "LEDGER"


class LedgerTamperedError(LedgerError):
    """The audit log's hash chain does not verify; ``entry_seq`` is the first entry that fails."""

    code = "LEDGER_TAMPERED"

    def __init__(self, message: str, *, entry_seq: int, reason: str, **context: Any) -> None:
        super().__init__(message, entry_seq=entry_seq, reason=reason, **context)
        self.entry_seq = entry_seq
        self.reason = reason


class InterruptedRunError(Failure):
    """A previous run of this command did not finish. Resume it (run the command again) or abandon it."""

    code = "INTERRUPTED_RUN"

