"""The client-side token bucket: burst, then the steady rate; pauses; the server's remaining count."""

from __future__ import annotations

import asyncio

from control.servicetracker.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _send_times(pacer: Pacer, t: FakeTime, n: int) -> list[float]:
    async def run() -> list[float]:
        times = []
        for _ in range(n):
            await pacer.acquire()
            times.append(round(t.now, 6))
        return times

    return asyncio.run(run())


def test_burst_then_exactly_the_rate() -> None:
    t = FakeTime()
    pacer = Pacer(10, 3, clock=t.clock, sleep=t.sleep)
    assert _send_times(pacer, t, 6) == [0.0, 0.0, 0.0, 0.1, 0.2, 0.3]


def test_pause_holds_everyone_and_empties_the_bucket() -> None:
    t = FakeTime()
    pacer = Pacer(10, 5, clock=t.clock, sleep=t.sleep)
    pacer.pause(2.0)
    assert _send_times(pacer, t, 2) == [2.1, 2.2]


def test_server_remaining_lowers_our_estimate_only() -> None:
    t = FakeTime()
    pacer = Pacer(10, 20, clock=t.clock, sleep=t.sleep)
    pacer.observe(0)
    assert _send_times(pacer, t, 1) == [0.1]
    pacer.observe(50)  # never believe more than the bucket holds
    assert _send_times(pacer, t, 1) == [0.2]


def test_unlimited_never_waits() -> None:
    t = FakeTime()
    pacer = Pacer(None, None, clock=t.clock, sleep=t.sleep)
    assert _send_times(pacer, t, 100)[-1] == 0.0
