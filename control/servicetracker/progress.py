"""How an extraction reports progress: a small observer the CLI renders (rich bars or plain lines).

The extractor calls these from its event loop; implementations must be quick and never raise.
:class:`NullProgress` is the silent default for library callers and tests.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ExtractProgress", "NullProgress"]


class ExtractProgress(Protocol):
    def feed_started(self, feed: str, total: int | None, done: int) -> None:
        """A feed begins (``done`` > 0 when a pass resumes); ``total`` is the tenant's count, when known."""

    def feed_advanced(self, feed: str, records: int) -> None:
        """``records`` more records of ``feed`` have committed to staging."""

    def feed_finished(self, feed: str, summary: str) -> None:
        """The feed's last page committed."""

    def note(self, text: str) -> None:
        """A one-line remark (resuming a run, waiting out a rate limit, …)."""


class NullProgress:
    def feed_started(self, feed: str, total: int | None, done: int) -> None:
        return None

    def feed_advanced(self, feed: str, records: int) -> None:
        return None

    def feed_finished(self, feed: str, summary: str) -> None:
        return None

    def note(self, text: str) -> None:
        return None
