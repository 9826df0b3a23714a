"""Group OCR'd words into lines, lines into columns and paragraphs, in reading order.

Works in any one unit (pixels or points), as long as all boxes share it and the page is
upright; every threshold is relative to the median text height. Engines give each word a
``line_id``: words of one id form a line fragment, split again at gaps wider than twice the
text height (engines sometimes join across a column gutter).

Reading order is a top-down pass over rows of fragments: consecutive rows form a group while
they agree on the group's column gutters (a row that crosses a gutter, such as a title over two
columns, starts a new group); a group with gutters is read column by column, each column top to
bottom. This fixes RapidOCR's raw order, which reads straight across columns.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pdf2md.model import BBox

_MAX_DEPTH = 3


@dataclass(frozen=True)
class Word:
    """One recognised word: text, box (in the caller's unit) and confidence 0..1."""

    text: str
    bbox: BBox
    confidence: float = 1.0
    line_id: int = 0


@dataclass(frozen=True)
class Line:
    """Words of one text line, left to right."""

    words: tuple[Word, ...]

    @property
    def bbox(self) -> BBox:
        """The box around the words."""
        return BBox.enclosing([w.bbox for w in self.words])

    @property
    def height(self) -> float:
        """Median word height."""
        return statistics.median(w.bbox.height for w in self.words)

    @property
    def text(self) -> str:
        """Words joined by single spaces (none between Chinese or Japanese characters)."""
        out = ""
        for w in self.words:
            out = f"{out}{joiner(out, w.text)}{w.text}"
        return out


@dataclass(frozen=True)
class Paragraph:
    """Lines of one paragraph, top to bottom."""

    lines: tuple[Line, ...]

    @property
    def bbox(self) -> BBox:
        """The box around the lines."""
        return BBox.enclosing([ln.bbox for ln in self.lines])

    @property
    def text(self) -> str:
        """The lines joined into running text, with end-of-line hyphens removed."""
        return join_lines([ln.text for ln in self.lines])


_HYPHEN_END = re.compile(r"[A-Za-zÀ-ÿ]-$")
# A list marker at the start of a row: a bullet glyph, or an enumerator like "1." "a)" "(iv)".
# OCR engines often read a round bullet as one of "¢©«°»", or as "e" before a capital.
LIST_MARKER = re.compile(
    r"^(?:[•●○◦▪▫■□‣⁃∙·\-–—*¢©«°»]|e(?=\s+[A-Z])|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]"
    r"|\([ivxIVX]{1,4}\))\s+"
)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def joiner(left: str, right: str) -> str:
    """The separator between two pieces of text: a space, or nothing between CJK characters."""
    if not left or not right:
        return ""
    return "" if _is_cjk(left[-1]) and _is_cjk(right[0]) else " "


def join_lines(lines: Sequence[str]) -> str:
    """Join line texts with spaces; ``exam-`` + ``ple`` becomes ``example``.

    Example:
        >>> join_lines(["a well-known exam-", "ple of text"])
        'a well-known example of text'
    """
    out = ""
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        if out and _HYPHEN_END.search(out) and text[0].islower():
            out = out[:-1] + text
        else:
            out = f"{out}{joiner(out, text)}{text}"
    return out


def median_height(words: Sequence[Word]) -> float:
    """Median word height (1.0 for no words)."""
    heights = [w.bbox.height for w in words if w.bbox.height > 0]
    return statistics.median(heights) if heights else 1.0


def group_lines(words: Sequence[Word]) -> list[Line]:
    """Line fragments from the engine's line ids, split at gaps over twice the text height."""
    by_id: dict[int, list[Word]] = {}
    for w in words:
        by_id.setdefault(w.line_id, []).append(w)
    lines: list[Line] = []
    for members in by_id.values():
        members.sort(key=lambda w: w.bbox.x0)
        limit = 2.0 * median_height(members)
        current = [members[0]]
        for w in members[1:]:
            if w.bbox.x0 - current[-1].bbox.x1 > limit:
                lines.append(Line(tuple(current)))
                current = []
            current.append(w)
        lines.append(Line(tuple(current)))
    return lines


def _rows(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines in bands whose vertical extents overlap (by more than half a line)."""
    rows: list[list[Line]] = []
    bottom = float("-inf")
    for ln in sorted(lines, key=lambda ln: (ln.bbox.y0, ln.bbox.x0)):
        box = ln.bbox
        if rows and box.y0 < bottom - 0.5 * min(ln.height, box.height):
            rows[-1].append(ln)
            bottom = max(bottom, box.y1)
        else:
            rows.append([ln])
            bottom = box.y1
    return rows


def _gutters(lines: Sequence[Line], min_gap: float) -> list[tuple[float, float]]:
    """Vertical white strips (x0, x1) at least ``min_gap`` wide between the lines."""
    spans = sorted((ln.bbox.x0, ln.bbox.x1) for ln in lines)
    gaps: list[tuple[float, float]] = []
    right = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - right >= min_gap:
            gaps.append((right, x0))
        right = max(right, x1)
    return gaps


def _same_gutters(old: Sequence[tuple[float, float]], new: Sequence[tuple[float, float]]) -> bool:
    """True where ``new`` keeps every gutter of ``old`` (narrowed is fine, closed is not)."""
    return len(old) == len(new) and all(
        a0 < b1 and b0 < a1 for (a0, a1), (b0, b1) in zip(old, new, strict=True)
    )


def _groups(rows: Sequence[list[Line]], min_gap: float) -> list[list[Line]]:
    """Consecutive rows that agree on their column gutters."""
    groups: list[list[Line]] = []
    gutters: list[tuple[float, float]] = []
    for row in rows:
        if groups:
            merged = groups[-1] + row
            merged_gutters = _gutters(merged, min_gap)
            if gutters and _same_gutters(gutters, merged_gutters):
                groups[-1] = merged
                gutters = merged_gutters
                continue
            if not gutters and not _gutters(row, min_gap):
                groups[-1] = merged
                continue
        groups.append(list(row))
        gutters = _gutters(row, min_gap)
    return groups


def order_blocks(
    lines: Sequence[Line], *, min_gap: float | None = None, depth: int = 0
) -> list[list[Line]]:
    """Lines split into column blocks, in reading order (each block top to bottom).

    ``min_gap`` is the narrowest column gutter (default: the median line height).
    """
    if not lines:
        return []
    if min_gap is None:
        min_gap = 1.0 * statistics.median(ln.height for ln in lines)
    blocks: list[list[Line]] = []
    for group in _groups(_rows(lines), min_gap):
        gutters = _gutters(group, min_gap)
        if not gutters or depth >= _MAX_DEPTH or len(group) < 2:
            blocks.append(group)
            continue
        edges = [g[0] for g in gutters] + [float("inf")]
        columns: list[list[Line]] = [[] for _ in edges]
        for ln in group:
            cx = ln.bbox.center[0]
            columns[next(i for i, e in enumerate(edges) if cx <= e)].append(ln)
        for column in columns:
            blocks.extend(order_blocks(column, min_gap=min_gap, depth=depth + 1) if column else [])
    return blocks


def _merge_row(row: Sequence[Line]) -> Line:
    words = sorted((w for ln in row for w in ln.words), key=lambda w: w.bbox.x0)
    return Line(tuple(words))


def split_paragraphs(block: Sequence[Line]) -> list[Paragraph]:
    """One column block's lines (fragments on one row merged) split into paragraphs.

    A paragraph ends at a vertical gap clearly above the block's usual line gap, at a
    first-line indent, where the text height changes sharply (a heading), or before a row
    that starts with a list marker.
    """
    rows = [_merge_row(r) for r in _rows(block)]
    if not rows:
        return []
    height = statistics.median(r.height for r in rows)
    gaps = [b.bbox.y0 - a.bbox.y1 for a, b in itertools.pairwise(rows)]
    usual = statistics.median(gaps) if gaps else 0.0
    left = min(r.bbox.x0 for r in rows)
    paragraphs: list[list[Line]] = [[rows[0]]]
    for prev, row, gap in zip(rows, rows[1:], gaps, strict=False):
        in_item = LIST_MARKER.match(paragraphs[-1][0].text) is not None
        # A list item's wrapped lines hang under its text: that indent does not start a paragraph.
        indent = (
            row.bbox.x0 - left > 1.2 * height and prev.bbox.x0 - left < 0.5 * height and not in_item
        )
        size_change = max(row.height, prev.height) > 1.35 * min(row.height, prev.height)
        bullet = LIST_MARKER.match(row.text) is not None
        if gap > max(usual + 0.6 * height, 0.5 * height) or indent or size_change or bullet:
            paragraphs.append([])
        paragraphs[-1].append(row)
    return [Paragraph(tuple(p)) for p in paragraphs]


def paragraphs(words: Sequence[Word]) -> list[Paragraph]:
    """Words to paragraphs in reading order (columns read one after another)."""
    if not words:
        return []
    out: list[Paragraph] = []
    for block in order_blocks(group_lines(words)):
        out.extend(split_paragraphs(block))
    return out
