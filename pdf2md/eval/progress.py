"""Progress of ``pdf2md eval`` on stderr: a live rich bar per converter on a terminal, and
always one closing line per converter (conversions, failures, seconds)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

ProgressCallback = Callable[[str, int, int], None]
"""``(converter spec, conversions done, conversions planned)``, called after each conversion."""


@contextmanager
def eval_progress(*, live: bool | None = None) -> Iterator[ProgressCallback]:
    """A callback that draws conversion progress; the bar is live only where stderr is a
    terminal (``live=None``), and each converter ends with one plain line either way."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    show_live = console.is_terminal if live is None else live
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not show_live,
    )
    tasks: dict[str, Any] = {}
    started: dict[str, float] = {}

    def on_progress(spec: str, done: int, total: int) -> None:
        if spec not in tasks:
            tasks[spec] = progress.add_task(f"converting with {spec}", total=total)
            started[spec] = time.monotonic()
        progress.update(tasks[spec], completed=done, total=total)
        if done == total:
            seconds = time.monotonic() - started[spec]
            progress.console.print(
                f"eval: {spec}: {done} conversions in {seconds:.1f} s", highlight=False
            )

    with progress:
        yield on_progress
    sys.stderr.flush()
