"""Progress output: rich bars on a terminal, throttled plain lines elsewhere."""

from __future__ import annotations

import io

from rich.console import Console

from control.cli.progress import PlainProgress, RichProgress, progress_for


def test_plain_lines_are_throttled_per_feed() -> None:
    lines: list[str] = []
    now = [0.0]
    progress = PlainProgress(lines.append, every=5.0, clock=lambda: now[0])
    progress.feed_started("work_orders", 3000, 1000)
    for step in range(1, 21):
        now[0] = step * 1.0
        progress.feed_advanced("work_orders", 100)
    progress.feed_finished("work_orders", "3000 read")
    assert lines == ["extract work_orders: started of 3,000, resuming after 1,000",
                     "extract work_orders: 1,500 / 3,000", "extract work_orders: 2,000 / 3,000",
                     "extract work_orders: 2,500 / 3,000", "extract work_orders: 3,000 / 3,000",
                     "extract work_orders: done — 3000 read"]


def test_a_terminal_gets_bars_and_a_pipe_gets_lines() -> None:
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    pipe = Console(file=io.StringIO(), force_terminal=False, width=100)
    assert isinstance(progress_for(terminal), RichProgress)
    assert isinstance(progress_for(pipe), PlainProgress)
    with progress_for(terminal) as bars:
        bars.feed_started("clients", 10, 0)
        bars.feed_advanced("clients", 10)
        bars.feed_finished("clients", "10 read")
    assert "clients" in terminal.file.getvalue() and "10 read" in terminal.file.getvalue()  # type: ignore[attr-defined]
