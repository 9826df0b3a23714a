"""A live progress line on stderr (documents, failures, pages per second, time left), and
the end-of-batch summary.

The line is redrawn in place (``\\r``) at most five times a second where the stream is a
terminal; elsewhere (a log file, CI) a plain line is written every ``log_every_s`` seconds.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO


def format_duration(seconds: float) -> str:
    """``75`` -> ``"1m15s"``; ``3725`` -> ``"1h02m"``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


class ProgressBar:
    """Counts finished documents and pages and draws the progress line.

    Args:
        total: documents this run will convert (skipped ones excluded).
        stream: where to draw (stderr in the CLI); ``None`` draws nothing.
        clock: a monotonic clock in seconds (replaceable in tests).
    """

    def __init__(
        self,
        total: int,
        stream: TextIO | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        log_every_s: float = 30.0,
    ) -> None:
        self.total, self.stream, self.clock = total, stream, clock
        self.started = clock()
        self.done = self.failed = self.pages = 0
        self.is_tty = bool(stream is not None and stream.isatty())
        self._last_draw = float("-inf")
        self._interval = 0.2 if self.is_tty else log_every_s

    def advance(self, *, pages: int, failed: bool) -> None:
        """Count one finished document and redraw where due."""
        self.failed += failed
        self.done += not failed
        self.pages += pages
        # a failure was just logged on a line of its own: draw the bar again below it at once
        self.draw(force=failed)

    def line(self) -> str:
        """The progress line: bar, documents, failures, pages, pages per second, time left."""
        finished = self.done + self.failed
        elapsed = max(self.clock() - self.started, 1e-9)
        width = 20
        filled = width * finished // self.total if self.total else width
        eta = "--"
        if finished:
            eta = format_duration(elapsed / finished * (self.total - finished))
        return (
            f"[{'#' * filled}{'-' * (width - filled)}] {finished}/{self.total} docs, "
            f"{self.failed} failed, {self.pages} pages, {self.pages / elapsed:.1f} pages/s, "
            f"ETA {eta}"
        )

    def draw(self, *, force: bool = False) -> None:
        """Write the line where the throttle allows (or always with ``force``)."""
        now = self.clock()
        if self.stream is None or (not force and now - self._last_draw < self._interval):
            return
        self._last_draw = now
        if self.is_tty:
            self.stream.write("\r" + self.line() + "\x1b[K")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.stream is None:
            return
        self.draw(force=True)
        if self.is_tty:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class BatchSummary:
    """What a batch run did. ``skipped`` counts documents done (or failed) by earlier runs."""

    total: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    pages_by_method: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    errors_path: str = ""
    shards_written: int = 0

    def add_methods(self, methods: Mapping[str, int]) -> None:
        """Count the pages of one finished document by method."""
        self.pages_by_method.update(methods)
        self.pages += sum(methods.values())

    def format(self) -> str:
        """The summary printed at the end of ``pdf2md batch``."""
        methods = ", ".join(
            f"{name} {count}" for name, count in sorted(self.pages_by_method.items())
        )
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        lines = [
            f"documents: {self.total} in input, {self.done} done, {self.failed} failed, "
            f"{self.skipped} skipped (finished earlier)",
            f"pages: {self.pages} ({methods or 'none'})",
            f"time: {format_duration(self.seconds)} ({rate:.2f} pages/s)",
        ]
        if self.failed:
            lines.append(f"errors: {self.errors_path}")
        return "\n".join(lines)
