"""Page selections like ``1-3,7`` kept as ranges, never as lists of every page.

``--pages 1-1000000000`` must cost what ``--pages 1-3`` costs: :class:`PageRanges` is a
``Sequence[int]`` of 0-based page indices that stores the ranges only (overlaps removed, order
kept), so the pipeline can check it against the page count before anything is built.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import overload

MAX_PARTS = 10_000


class PageRanges(Sequence[int]):
    """0-based page indices, in the order given, each once.

    Example:
        >>> list(PageRanges([(0, 3), (6, 7), (1, 2)]))
        [0, 1, 2, 6]
    """

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        pieces: list[range] = []
        taken: list[tuple[int, int]] = []  # sorted, disjoint half-open intervals so far
        for start, stop in ranges:
            for lo, hi in _uncovered(taken, start, stop):
                pieces.append(range(lo, hi))
                bisect.insort(taken, (lo, hi))
        self._pieces = tuple(pieces)
        self._ends = [0]
        for piece in pieces:
            self._ends.append(self._ends[-1] + len(piece))

    def __len__(self) -> int:
        return self._ends[-1]

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        k = bisect.bisect_right(self._ends, index) - 1
        return self._pieces[k][index - self._ends[k]]

    def __iter__(self) -> Iterator[int]:
        for piece in self._pieces:
            yield from piece

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PageRanges):
            return self._pieces == other._pieces
        if isinstance(other, (list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._pieces)

    def __repr__(self) -> str:
        return f"PageRanges({[(p.start, p.stop) for p in self._pieces]})"


def _uncovered(taken: list[tuple[int, int]], start: int, stop: int) -> list[tuple[int, int]]:
    """Parts of ``[start, stop)`` that no interval in ``taken`` covers."""
    out: list[tuple[int, int]] = []
    cursor = start
    i = max(0, bisect.bisect_right(taken, (start, start)) - 1)
    while cursor < stop and i < len(taken):
        lo, hi = taken[i]
        if hi <= cursor:
            i += 1
            continue
        if lo >= stop:
            break
        if lo > cursor:
            out.append((cursor, lo))
        cursor = max(cursor, hi)
        i += 1
    if cursor < stop:
        out.append((cursor, stop))
    return out


def parse_page_ranges(spec: str) -> PageRanges:
    """``"1-3,7"`` (1-based, inclusive) -> the indices 0, 1, 2, 6.

    Raises:
        ValueError: a malformed part, a range going down, no pages, or more than
            :data:`MAX_PARTS` parts; the message is one line.
    """
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if len(parts) > MAX_PARTS:
        raise ValueError(f"more than {MAX_PARTS} page ranges")
    ranges: list[tuple[int, int]] = []
    for part in parts:
        a, sep, b = part.partition("-")
        try:
            start, end = int(a), int(b) if sep else int(a)
        except ValueError:
            raise ValueError(f"{part!r} is not a page or range like 3 or 1-5") from None
        if start < 1 or end < start:
            raise ValueError(f"{part!r}: pages count from 1 and ranges go upwards")
        ranges.append((start - 1, end))
    if not ranges:
        raise ValueError("no pages given")
    return PageRanges(ranges)
