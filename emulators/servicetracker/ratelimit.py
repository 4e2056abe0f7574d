"""Per-key rate limiting: a token bucket, plus a seeded "429 storm" for testing clients.

Bucket (docs/servicetracker-api.md §10): capacity ``burst``, refilled continuously at
``requests_per_second``; each admitted request takes one token; a refused one takes none.

Storm: with ``storm_rate`` = p, the n-th request of a key (n counted from 1 after authentication) is
refused with ``429`` (reason ``throttled``) when ``H(seed, key name, n) < p``, H a hash onto [0, 1). The
same seed, key and request sequence give the same refusals on every run — deterministic enough for an
extractor's retry tests. Storm refusals take no token. ``fault_rate`` works the same way for
``503 service_unavailable`` (stream ``"fault"``).

The clock is injectable (``clock``), so tests of the bucket itself need not sleep.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from typing import Callable, NamedTuple

__all__ = ["Decision", "Limiter", "seeded_fraction"]


class Decision(NamedTuple):
    allowed: bool
    reason: str  # "ok", "bucket_empty", "throttled", "fault"
    limit: int | None
    remaining: int | None
    reset_seconds: int | None
    retry_after: float | None

    def headers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.limit is not None:
            out["X-RateLimit-Limit"] = str(self.limit)
            out["X-RateLimit-Remaining"] = str(self.remaining)
            out["X-RateLimit-Reset"] = str(self.reset_seconds)
        if self.retry_after is not None:
            out["Retry-After"] = str(math.ceil(self.retry_after) if self.reason == "bucket_empty"
                                     else int(self.retry_after))
        return out


def seeded_fraction(seed: int, stream: str, key: str, n: int) -> float:
    digest = hashlib.sha256(f"{seed}:{stream}:{key}:{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class _Bucket:
    __slots__ = ("tokens", "stamp", "requests")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp
        self.requests = 0


class Limiter:
    def __init__(self, requests_per_second: float | None, burst: int | None, *, storm_rate: float = 0.0,
                 storm_seed: int = 0, storm_retry_after: int = 1, fault_rate: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rps = requests_per_second
        self.burst = burst if burst is not None else (max(1, math.ceil(requests_per_second)) if requests_per_second else None)
        self.storm_rate = storm_rate
        self.storm_seed = storm_seed
        self.storm_retry_after = storm_retry_after
        self.fault_rate = fault_rate
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key_name: str) -> Decision:
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key_name)
            if bucket is None:
                bucket = self._buckets[key_name] = _Bucket(float(self.burst or 0), now)
            bucket.requests += 1
            n = bucket.requests
            if self.rps is not None:
                bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rps)
                bucket.stamp = now
            if self.storm_rate and seeded_fraction(self.storm_seed, "storm", key_name, n) < self.storm_rate:
                return self._decision(bucket, False, "throttled", float(self.storm_retry_after))
            if self.fault_rate and seeded_fraction(self.storm_seed, "fault", key_name, n) < self.fault_rate:
                return self._decision(bucket, False, "fault", float(self.storm_retry_after))
            if self.rps is None:
                return self._decision(bucket, True, "ok", None)
            if bucket.tokens < 1.0:
                wait = (1.0 - bucket.tokens) / self.rps
                return self._decision(bucket, False, "bucket_empty", max(wait, 1e-6))
            bucket.tokens -= 1.0
            return self._decision(bucket, True, "ok", None)

    def _decision(self, bucket: _Bucket, allowed: bool, reason: str, retry_after: float | None) -> Decision:
        if self.rps is None:
            return Decision(allowed, reason, None, None, None, retry_after)
        remaining = int(bucket.tokens)
        reset = math.ceil((self.burst - bucket.tokens) / self.rps) if bucket.tokens < self.burst else 0
        return Decision(allowed, reason, self.burst, remaining, reset, retry_after)
