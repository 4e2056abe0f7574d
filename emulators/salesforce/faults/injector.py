"""Seeded, reproducible fault decisions for one org.

:class:`FaultInjector` holds the org's :class:`FaultConfig` (kept in ``meta.faults`` so a restart
keeps it) and two random streams seeded from ``config.seed``: one for request faults (latency,
error answers, dropped responses), one for Bulk rows (UNABLE_TO_LOCK_ROW). Decisions are drawn in
the order requests and rows are processed — the server handles one request at a time — so the
same client run against the same configuration meets the same faults. Setting a configuration
(even the same one again) restarts both streams.

The request-limit ceiling is handed to :class:`~emulators.salesforce.limits.OrgLimits` (``ceiling``),
which answers 403 REQUEST_LIMIT_EXCEEDED past it; slow batches are read by the Bulk APIs.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from emulators.salesforce.faults.config import NO_FAULTS, FaultConfig, parse_faults
from emulators.salesforce.limits import OrgLimits
from emulators.salesforce.state.db import Database

__all__ = ["FaultInjector", "RequestFaults", "FAULTS_META_KEY", "LOCK_ROW_MESSAGE"]

FAULTS_META_KEY = "faults"
LOCK_ROW_MESSAGE = "unable to obtain exclusive access to this record"


class RequestFaults(NamedTuple):
    """What happens to one request."""

    delay_seconds: float = 0.0
    error_status: int | None = None  # answer this status instead of handling the request
    drop: bool = False  # handle it, then cut the response off mid-body


class FaultInjector:
    """Fault decisions for one org (see the module docstring)."""

    def __init__(self, db: Database, limits: OrgLimits) -> None:
        self.db = db
        self.limits = limits
        self.config = NO_FAULTS
        self._requests = random.Random(0)
        self._rows = random.Random(0)
        self._apply(parse_faults(db.get_meta(FAULTS_META_KEY, None)))

    def _apply(self, config: FaultConfig) -> None:
        self.config = config
        self._requests = random.Random(f"{config.seed}/requests")
        self._rows = random.Random(f"{config.seed}/rows")
        self.limits.ceiling = config.request_limit

    def configure(self, config: FaultConfig) -> FaultConfig:
        """Switch to ``config`` (kept in the org database) and restart the random streams."""
        with self.db.transaction():
            self.db.set_meta(FAULTS_META_KEY, config.to_json())
        self._apply(config)
        return config

    def for_request(self, path: str) -> RequestFaults:
        """Decide the faults of one request to ``path`` (draws from the request stream)."""
        config = self.config
        if not config.active or not config.applies_to(path):
            return RequestFaults()
        rng = self._requests
        delay = config.latency_ms / 1000.0
        if config.latency_jitter_ms:
            delay += rng.uniform(0, config.latency_jitter_ms) / 1000.0
        if config.error_rate and rng.random() < config.error_rate:
            return RequestFaults(delay, rng.choice(config.error_statuses), False)
        drop = bool(config.drop_rate) and rng.random() < config.drop_rate
        return RequestFaults(delay, None, drop)

    def lock_row(self) -> bool:
        """Whether the next Bulk row fails with UNABLE_TO_LOCK_ROW (draws from the row stream)."""
        rate = self.config.lock_row_rate
        return bool(rate) and self._rows.random() < rate

    @property
    def slow_batch_seconds(self) -> int:
        return self.config.slow_batch_seconds
