"""The token bucket's arithmetic with an injected clock (the socket-level behaviour is in tests/contract)."""

from __future__ import annotations

from emulators.servicetracker.ratelimit import Limiter, seeded_fraction


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_drains_refills_and_reports_headers() -> None:
    clock = FakeClock()
    limiter = Limiter(2.0, 4, clock=clock)
    decisions = [limiter.check("k") for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, True, False]
    assert [d.remaining for d in decisions[:4]] == [3, 2, 1, 0]
    refused = decisions[4]
    assert refused.reason == "bucket_empty" and refused.retry_after == 0.5
    assert refused.headers()["Retry-After"] == "1" and refused.headers()["X-RateLimit-Reset"] == "2"
    clock.now += 0.5
    assert limiter.check("k").allowed
    assert not limiter.check("k").allowed
    assert limiter.check("other").allowed  # per key
    clock.now += 100
    assert limiter.check("k").remaining == 3  # refilled to the burst, not beyond


def test_unlimited_sends_no_headers_and_storms_are_seeded() -> None:
    limiter = Limiter(None, None, storm_rate=0.5, storm_seed=1, storm_retry_after=0, clock=FakeClock())
    decisions = [limiter.check("k") for _ in range(40)]
    expected = [seeded_fraction(1, "storm", "k", n) >= 0.5 for n in range(1, 41)]
    assert [d.allowed for d in decisions] == expected
    assert all(d.headers().get("Retry-After") == "0" for d in decisions if not d.allowed)
    assert all("X-RateLimit-Limit" not in d.headers() for d in decisions)
