"""Progress on stderr for long commands: rich bars on a terminal, plain lines otherwise (CI, pipes).

Both implement :class:`control.servicetracker.progress.ExtractProgress`. Plain lines are throttled
(one per feed every few seconds) so a CI log stays readable on a two-million-record run.
"""

from __future__ import annotations

import time
from typing import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["RichProgress", "PlainProgress", "progress_for"]


class RichProgress:
    """One bar per feed (total from the tenant's record counts when known)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), TextColumn("{task.fields[summary]}"), console=console,
                                  transient=False)
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> "RichProgress":
        self._progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._progress.stop()

    def feed_started(self, feed: str, total: int | None, done: int) -> None:
        self._tasks[feed] = self._progress.add_task(feed, total=total, completed=done, summary="")

    def feed_advanced(self, feed: str, records: int) -> None:
        if feed in self._tasks:
            self._progress.advance(self._tasks[feed], records)

    def feed_finished(self, feed: str, summary: str) -> None:
        if feed in self._tasks:
            task = self._tasks[feed]
            done = self._progress.tasks[self._progress.task_ids.index(task)].completed
            self._progress.update(task, total=done, summary=summary)

    def note(self, text: str) -> None:
        self._progress.console.print(text, highlight=False)


class PlainProgress:
    """Plain lines: a feed's start, its count at most every ``every`` seconds, its end."""

    def __init__(self, write: Callable[[str], None], every: float = 5.0, clock: Callable[[], float] = time.monotonic,
                 verb: str = "extract") -> None:
        self._write = write
        self._verb = verb
        self._every = every
        self._clock = clock
        self._done: dict[str, int] = {}
        self._total: dict[str, int | None] = {}
        self._last: dict[str, float] = {}

    def __enter__(self) -> "PlainProgress":
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def feed_started(self, feed: str, total: int | None, done: int) -> None:
        self._done[feed], self._total[feed], self._last[feed] = done, total, self._clock()
        of = f" of {total:,}" if total is not None else ""
        resumed = f", resuming after {done:,}" if done else ""
        self._write(f"{self._verb} {feed}: started{of}{resumed}")

    def feed_advanced(self, feed: str, records: int) -> None:
        self._done[feed] = self._done.get(feed, 0) + records
        now = self._clock()
        if now - self._last.get(feed, 0.0) >= self._every:
            self._last[feed] = now
            total = self._total.get(feed)
            self._write(f"{self._verb} {feed}: {self._done[feed]:,}" + (f" / {total:,}" if total is not None else ""))

    def feed_finished(self, feed: str, summary: str) -> None:
        self._write(f"{self._verb} {feed}: done — {summary}")

    def note(self, text: str) -> None:
        self._write(text)


def progress_for(console: Console, verb: str = "extract") -> RichProgress | PlainProgress:
    """Rich bars when ``console`` is a terminal, plain lines otherwise (``verb`` starts each plain line)."""
    if console.is_terminal:
        return RichProgress(console)
    return PlainProgress(lambda line: console.print(line, highlight=False, markup=False), verb=verb)
