"""Client-side pacing: a token bucket shaped like the tenant's (contract §10), shared by every request.

ServiceTracker gives each key a bucket of ``burst`` tokens refilled at ``requests_per_second``; every
request takes one. A client that paces itself the same way is never refused and gets the full rate, so
every request of a run — pages of all resources, attachment downloads — first takes a token here::

    tokens ──(refill at rate, capped at burst)──► acquire() ──► request
       ▲                                                          │
       └── observe(X-RateLimit-Remaining): never believe we hold more than the server says
           pause(Retry-After) after a 429/503: nobody sends until then, and the bucket is emptied

Waiters are served in arrival order (one lock), so concurrent resources share the rate fairly.
``rate=None`` means unlimited (the tenant said ``null``). Time and sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable

__all__ = ["Pacer"]


class Pacer:
    def __init__(self, rate: float | None = None, burst: int | None = None, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._paused_until = 0.0
        self.rate: float | None = None
        self.capacity = 1.0
        self._tokens = 1.0
        self._stamp = clock()
        self.waited = 0.0  # seconds spent waiting for tokens or pauses (a run statistic)
        self.configure(rate, burst)

    def configure(self, rate: float | None, burst: int | None) -> None:
        """Adopt the tenant's limits (``GET /tenant``); the bucket starts full, as the server's does."""
        self.rate = float(rate) if rate else None
        self.capacity = float(max(1, burst or 1)) if self.rate else 1.0
        self._tokens = self.capacity
        self._stamp = self._clock()

    def _refill(self, now: float) -> None:
        if self.rate:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Wait until a request may be sent, and take its token."""
        async with self._lock:
            while True:
                now = self._clock()
                if now < self._paused_until:
                    delay = self._paused_until - now
                elif self.rate is None:
                    return
                else:
                    self._refill(now)
                    if self._tokens >= 1.0:
                        self._tokens -= 1.0
                        return
                    delay = (1.0 - self._tokens) / self.rate
                self.waited += delay
                await self._sleep(delay)

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` (a 429/503 ``Retry-After``); our bucket estimate was wrong: empty it."""
        now = self._clock()
        self._paused_until = max(self._paused_until, now + max(0.0, seconds))
        self._refill(now)
        self._tokens = 0.0
        self._stamp = max(now, self._paused_until)

    def observe(self, remaining: int | None) -> None:
        """Align with the server's ``X-RateLimit-Remaining`` when it says we hold fewer tokens."""
        if remaining is None or self.rate is None:
            return
        self._refill(self._clock())
        if remaining < self._tokens:
            self._tokens = float(remaining)
