"""Rolling 24-hour usage counters: API requests, Bulk batches, Bulk 2.0 records.

Salesforce counts these allocations over a *rolling* 24 hours, not per calendar day: a request
made at 10:15 stops counting at 10:15 the next day. We keep one row per (kind, minute) in the
org database and sum the last 1,440 minutes::

    usage_windows(kind TEXT, minute INTEGER, count INTEGER, PRIMARY KEY (kind, minute))

``minute`` is minutes since the Unix epoch on the org's clock (:mod:`emulators.salesforce.org.clock`),
so advancing the clock by a day empties the window. Adding is an upsert of the current minute;
rows older than the window are pruned as new ones are written. All writes happen inside the
caller's transaction, so a request that is rolled back does not count.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Callable

from emulators.salesforce.state.db import Database

__all__ = ["UsageKind", "RollingUsage", "WINDOW_MINUTES"]

WINDOW_MINUTES = 24 * 60

_DDL = """
CREATE TABLE IF NOT EXISTS usage_windows (
    kind TEXT NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (kind, minute)
) WITHOUT ROWID;
"""


class UsageKind(StrEnum):
    API_REQUESTS = "api_requests"
    BULK_BATCHES = "bulk_batches"  # shared by Bulk API and Bulk API 2.0 ingest
    BULK2_RECORDS = "bulk2_records"
    BULK2_QUERY_JOBS = "bulk2_query_jobs"


def _minute(moment: dt.datetime) -> int:
    return int(moment.timestamp() // 60)


class RollingUsage:
    """Counters over the last 24 hours of the org's clock."""

    def __init__(self, db: Database, clock: Callable[[], dt.datetime]) -> None:
        self.db = db
        self.clock = clock
        db.conn.execute(_DDL)

    def add(self, kind: UsageKind, amount: int = 1) -> int:
        """Count ``amount`` now (in the caller's transaction); return the new 24-hour total."""
        now = _minute(self.clock())
        conn = self.db.conn
        conn.execute(
            "INSERT INTO usage_windows (kind, minute, count) VALUES (?, ?, ?) "
            "ON CONFLICT(kind, minute) DO UPDATE SET count = count + excluded.count",
            (str(kind), now, int(amount)),
        )
        conn.execute("DELETE FROM usage_windows WHERE kind = ? AND minute <= ?", (str(kind), now - WINDOW_MINUTES))
        return self.total(kind)

    def total(self, kind: UsageKind) -> int:
        """What was counted in the last 24 hours."""
        now = _minute(self.clock())
        row = self.db.conn.execute(
            "SELECT COALESCE(SUM(count), 0) FROM usage_windows WHERE kind = ? AND minute > ? AND minute <= ?",
            (str(kind), now - WINDOW_MINUTES, now),
        ).fetchone()
        return int(row[0])
