"""Geometry of text lines: visual rows, drop caps, bullets set apart from their text.

Pure functions over :class:`~pdf2md.source.TextLine`, shared by layout and recognisers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pdf2md.model import BBox
from pdf2md.patterns import BULLET_GLYPHS
from pdf2md.source import TextLine


def merge_drop_caps(lines: Sequence[TextLine]) -> list[TextLine]:
    """Attach a drop cap (one big initial letter spanning several lines) to its line.

    Without this the initial sits in a row of its own, or in the middle of the second line.
    """
    if len(lines) < 2:
        return list(lines)
    heights = sorted(ln.bbox.height for ln in lines)
    usual = heights[len(heights) // 2]
    out = list(lines)
    for cap in lines:
        text = cap.text.strip()
        if len(text) != 1 or not text.isalpha() or cap.bbox.height < 1.8 * usual:
            continue
        right = [
            ln
            for ln in out
            if ln is not cap
            and ln.bbox.x0 >= cap.bbox.x1 - 2
            and cap.bbox.y0 - usual <= ln.bbox.y0 <= cap.bbox.y1
        ]
        if not right:
            continue
        first = min(right, key=lambda ln: ln.bbox.y0)
        spans = (replace(cap.spans[0], text=text, size=first.spans[0].size), *first.spans)
        merged = replace(
            first,
            spans=spans,
            bbox=first.bbox.union(BBox(cap.bbox.x0, first.bbox.y0, cap.bbox.x1, first.bbox.y1)),
        )
        out = [merged if ln is first else ln for ln in out if ln is not cap]
    return out


def visual_rows(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Group lines that share a baseline (same visual row), rows top to bottom."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.bbox.y0 + ln.bbox.y1) / 2):
        mid = (line.bbox.y0 + line.bbox.y1) / 2
        if rows:
            last = rows[-1][-1]
            tolerance = 0.5 * max(2.0, min(last.bbox.height, line.bbox.height))
            if abs(mid - (last.bbox.y0 + last.bbox.y1) / 2) <= tolerance:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda ln: ln.bbox.x0) for row in rows]


def attach_bullets(lines: Sequence[TextLine]) -> list[TextLine]:
    """Join a bullet glyph that stands as a line of its own to the text on its right.

    Word processors often set the bullet in a symbol font, tabbed away from the item text;
    the text layer then holds ``•`` and the item as two lines.
    """
    bullets = [ln for ln in lines if ln.text.strip() in BULLET_GLYPHS]
    if not bullets:
        return list(lines)
    out = [ln for ln in lines if ln not in bullets]
    for bullet in bullets:
        mid = (bullet.bbox.y0 + bullet.bbox.y1) / 2
        right = [
            ln
            for ln in out
            if ln.bbox.x0 >= bullet.bbox.x1 - 1 and ln.bbox.y0 - 2 <= mid <= ln.bbox.y1 + 2
        ]
        if not right:
            out.append(bullet)
            continue
        item = min(right, key=lambda ln: ln.bbox.x0)
        glyph = replace(bullet.spans[0], text="• ")
        merged = replace(item, spans=(glyph, *item.spans), bbox=item.bbox.union(bullet.bbox))
        out = [merged if ln is item else ln for ln in out]
    return out


def text_x0(line: TextLine) -> float:
    """Where the line's text starts: its box's left edge, moved past leading spaces.

    Japanese and Chinese paragraphs are often indented with an ideographic space (U+3000)
    rather than by position; the line's box starts at the space. The space's width is taken
    as the span's mean advance per character.
    """
    x0 = line.bbox.x0
    for span in line.spans:
        text = span.text
        if not text:
            continue
        lead = len(text) - len(text.lstrip())
        if lead < len(text):
            return x0 + lead * span.bbox.width / len(text) if lead else x0
        x0 = span.bbox.x1  # an all-space span: the text starts after it
    return x0


def monospaced_share(lines: Sequence[TextLine]) -> tuple[int, int]:
    """Characters of the lines in monospaced spans, and in other spans (bare numbers, a
    listing's line numbers, not counted)."""
    mono = other = 0
    for line in lines:
        for span in line.spans:
            n = len(span.text.strip())
            if span.is_mono:
                mono += n
            elif not span.text.strip().isdigit():
                other += n
    return mono, other
