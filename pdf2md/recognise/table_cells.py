"""Filling a table grid with the words of the text layer: pure geometry, no PDF access.

A strategy of :mod:`pdf2md.recognise.pdf_table` proposes :class:`CellBox` cells (slots with
spans and boxes, in points); :func:`fill_grid` puts every phrase (neighbouring words of one
line) in the cell holding its centre, joins single slots that one phrase runs across, and
returns a :class:`~pdf2md.tables.TableGrid` without empty rows and columns.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from pdf2md.model import BBox
from pdf2md.tables import (
    TableCell,
    TableGrid,
    build_grid,
    cluster_positions,
    drop_empty,
    is_numeric,
)


@dataclass(frozen=True)
class Word:
    """One word of the text layer, in points; ``line_key`` groups words of one PDF line."""

    bbox: BBox
    text: str
    line_key: tuple[int, int]


@dataclass(frozen=True)
class Phrase:
    """Neighbouring words of one text line, close enough to belong to one cell."""

    bbox: BBox
    words: tuple[Word, ...]


@dataclass(frozen=True)
class CellBox:
    """A grid cell found by a strategy: slot position, spans and its box in points."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox


def phrases_of(words: Sequence[Word]) -> list[Phrase]:
    """Words of one PDF line split where the gap is wider than about half a line height."""
    out: list[Phrase] = []
    current: list[Word] = []
    for word in words:
        if current:
            prev = current[-1]
            gap = word.bbox.x0 - prev.bbox.x1
            limit = max(3.0, 0.5 * max(prev.bbox.height, word.bbox.height))
            if word.line_key != prev.line_key or gap > limit or gap < -1.0:
                out.append(Phrase(BBox.enclosing([w.bbox for w in current]), tuple(current)))
                current = []
        current.append(word)
    if current:
        out.append(Phrase(BBox.enclosing([w.bbox for w in current]), tuple(current)))
    return out


def _line_centres(words: Sequence[Word]) -> list[int]:
    centres = cluster_positions([(w.bbox.y0 + w.bbox.y1) / 2 for w in words], 2.0)
    return [round(c) for c in centres]


def _has_hidden_columns(words: Sequence[Word]) -> bool:
    keys = [p.words[0].line_key for p in phrases_of(words)]
    if len(keys) != len(set(keys)):
        return True
    numbers: dict[int, int] = {}  # numeric words per line, lines keyed by their centre
    for w in words:
        if is_numeric(w.text):
            key = round((w.bbox.y0 + w.bbox.y1) / 6)
            numbers[key] = numbers.get(key, 0) + 1
    return any(n >= 2 for n in numbers.values())


def hides_structure(boxes: Sequence[CellBox], words: Sequence[Word]) -> bool:
    """True where the ruled cells hide unruled rows or columns of text.

    Rows: two cells of one ruled row both hold several text lines on the same baselines.
    Columns: a cell spanning columns holds, on one line, two separate phrases or two
    numbers.
    """
    by_row: dict[int, list[set[int]]] = {}
    by_y = sorted(range(len(words)), key=lambda i: words[i].bbox.center[1])
    ys = [words[i].bbox.center[1] for i in by_y]
    for box in boxes:  # the words of the box's rows, in text-layer order
        band = sorted(by_y[bisect_left(ys, box.bbox.y0) : bisect_right(ys, box.bbox.y1)])
        inside = [words[i] for i in band if box.bbox.contains_point(*words[i].bbox.center)]
        if box.col_span > 1 and _has_hidden_columns(inside):
            return True
        centres = set(_line_centres(inside))
        if len(centres) >= 2:
            by_row.setdefault(box.row, []).append(centres)
    for stacks in by_row.values():
        for i, a in enumerate(stacks):
            if any(
                len({round(v / 2) for v in a} & {round(v / 2) for v in b}) >= 2
                for b in stacks[i + 1 :]
            ):
                return True
    return False


def split_stacked_rows(
    ys: Sequence[float], xs: Sequence[float], words: Sequence[Word]
) -> list[float]:
    """Row boundaries ``ys`` with a cut added between stacked rows of figures.

    A predicted grid row can hold two table rows (for example the last data row and a
    totals row under it). The row is cut between two neighbouring text lines where each of
    them holds numbers in at least two columns of ``xs`` and is mostly numbers; cell text
    that merely wraps onto a second line (a header such as "Sales (000) | 1995") does not.
    No cut is made through a word: a figure centred on two lines spans both.
    """
    out = [ys[0]]
    for top, bottom in zip(ys, ys[1:]):
        inside = [w for w in words if top <= w.bbox.center[1] < bottom]
        lines = cluster_positions([w.bbox.center[1] for w in inside], 2.0)
        figures: list[bool] = []
        for centre in lines:
            line = [w for w in inside if abs(w.bbox.center[1] - centre) <= 2.0]
            numbers = [w for w in line if is_numeric(w.text)]
            cols = {_slot(xs, w.bbox.center[0]) for w in numbers}
            figures.append(len(cols) >= 2 and 2 * len(numbers) >= len(line))
        for i in range(len(lines) - 1):
            if figures[i] and figures[i + 1]:
                upper = max(w.bbox.y1 for w in inside if abs(w.bbox.center[1] - lines[i]) <= 2.0)
                lower = min(
                    w.bbox.y0 for w in inside if abs(w.bbox.center[1] - lines[i + 1]) <= 2.0
                )
                cut = (upper + lower) / 2
                # a figure set between the two lines (a value spanning both) forbids the cut
                if upper <= lower + 0.5 and not any(w.bbox.y0 < cut < w.bbox.y1 for w in inside):
                    out.append(cut)
        out.append(bottom)
    return out


def _slot(edges: Sequence[float], x: float) -> int:
    """Index of the slot between ``edges`` that holds ``x``."""
    return sum(1 for e in edges[1:-1] if e <= x)


def _cell_text(words: Sequence[Word]) -> str:
    """Words in reading order: lines top to bottom, left to right; lines joined by spaces."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox.y0 + w.bbox.y1) / 2):
        cy = (w.bbox.y0 + w.bbox.y1) / 2
        if lines and abs(cy - _mid_y(lines[-1])) <= 0.5 * max(w.bbox.height, 1.0):
            lines[-1].append(w)
        else:
            lines.append([w])
    parts: list[str] = []
    for line in lines:
        text = " ".join(w.text for w in sorted(line, key=lambda w: w.bbox.x0))
        if parts and parts[-1].endswith("-") and len(parts[-1]) > 1 and parts[-1][-2].isalpha():
            parts[-1] += text  # a word broken at a hyphen across the cell's lines
        else:
            parts.append(text)
    return " ".join(parts)


def _mid_y(line: Sequence[Word]) -> float:
    return sum((w.bbox.y0 + w.bbox.y1) / 2 for w in line) / len(line)


def _spanned_columns(phrase: Phrase, cell: CellBox, row: Sequence[CellBox]) -> list[CellBox]:
    """Single-slot cells of ``cell``'s ``row`` that the phrase runs well into (at least 2)."""
    hit = [
        b
        for b in row
        if min(phrase.bbox.x1, b.bbox.x1) - max(phrase.bbox.x0, b.bbox.x0)
        > max(2.0, 0.15 * b.bbox.width)
    ]
    return hit if len(hit) > 1 and cell in hit else [cell]


_BAND_PT = 10.0


def _bands(boxes: Sequence[CellBox]) -> dict[int, list[CellBox]]:
    """Boxes by the horizontal bands (``_BAND_PT`` high) they reach into: a cheap index."""
    out: dict[int, list[CellBox]] = {}
    for b in boxes:
        for band in range(int(b.bbox.y0 // _BAND_PT), int(b.bbox.y1 // _BAND_PT) + 1):
            out.setdefault(band, []).append(b)
    return out


def fill_grid(
    boxes: Sequence[CellBox], words: Sequence[Word], *, min_coverage: float
) -> TableGrid | None:
    """Put each phrase in the cell holding its centre; merge cells a phrase runs across.

    Returns ``None`` where the cells hold less than ``min_coverage`` of the words.
    """
    members: dict[CellBox, list[Phrase]] = {b: [] for b in boxes}
    placed = 0
    bands = _bands(boxes)
    for phrase in phrases_of(words):
        x, y = phrase.bbox.center
        near = bands.get(int(y // _BAND_PT), [])
        cell = next((b for b in near if b.bbox.contains_point(x, y)), None)
        if cell is not None:
            members[cell].append(phrase)
            placed += len(phrase.words)
    if placed < min_coverage * len(words):
        return None
    merged = _merge_spans(boxes, members)
    cells = [
        TableCell(
            b.row, b.col, _cell_text([w for p in ps for w in p.words]), b.row_span, b.col_span
        )
        for b, ps in merged.items()
    ]
    return drop_empty(build_grid(cells))


def _merge_spans(
    boxes: Sequence[CellBox], members: dict[CellBox, list[Phrase]]
) -> dict[CellBox, list[Phrase]]:
    """Join a row's single slots into one spanning cell where a lone phrase crosses them."""
    out = dict(members)
    rows: dict[int, list[CellBox]] = {}
    for b in boxes:
        if b.row_span == 1 and b.col_span == 1:
            rows.setdefault(b.row, []).append(b)
    for cell, phrases in members.items():
        if len(phrases) != 1 or cell not in out:
            continue
        hit = _spanned_columns(phrases[0], cell, rows.get(cell.row, []))
        if (
            len(hit) < 2
            or any(out.get(b) for b in hit if b != cell)
            or any(b not in out for b in hit)
        ):
            continue
        hit.sort(key=lambda b: b.col)
        if hit[-1].col - hit[0].col + 1 != len(hit):
            continue
        for b in hit:
            del out[b]
        span = BBox.enclosing([b.bbox for b in hit])
        out[CellBox(cell.row, hit[0].col, 1, len(hit), span)] = phrases
    return out
