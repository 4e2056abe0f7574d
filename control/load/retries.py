"""Retrying rows Salesforce could not lock (``UNABLE_TO_LOCK_ROW``).

Parallel Bulk batches that touch the same parent contend for its lock. CumulusCI already sends a step's
rows ordered by their parent lookups (children of one parent in one batch); rows that still fail are sent
again in Serial mode (one batch at a time), and what is left after that one row per request over REST.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["LOCK_CODE", "Round", "retry_rounds"]

LOCK_CODE = "UNABLE_TO_LOCK_ROW"


class Round(NamedTuple):
    api: str
    bulk_mode: str | None
    batch_size: int | None


def retry_rounds(api: str) -> tuple[Round, ...]:
    """The rounds a write makes: as planned, then Serial (Bulk only), then REST one row at a time."""
    if api == "bulk":
        return (Round("bulk", None, None), Round("bulk", "Serial", None), Round("rest", None, 1))
    return (Round("rest", None, None), Round("rest", None, 1))
