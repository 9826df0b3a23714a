"""Text lines around inline math: true line boxes, and scripts split off into lines of their own.

PyMuPDF gives a span the box of its *font* (ascender to descender), not of its ink. TeX's
symbol fonts (CMSY, CMEX) and even a space of CMR can have boxes that reach well into the next
line of text, so a line holding ``⊂`` or a ``∑`` looks twice as tall as it is, and the line
below seems to sit inside it. Line geometry here is therefore judged from baselines and font
sizes, which the text layer gives exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pdf2md.model import BBox
from pdf2md.source import TextLine, TextSpan

_ASCENT = 0.95  # at most this many font sizes above the baseline (Arial 0.91, CMR 0.75)
_DESCENT = 0.3  # at most this many below it (Arial 0.21, CMR 0.25)


def core_box(span: TextSpan) -> BBox:
    """The span's box, cut to at most a normal font's ascent and descent around its baseline."""
    box = span.bbox
    size = span.size if span.size > 0 else box.height
    top = max(box.y0, span.origin_y - _ASCENT * size)
    bottom = min(box.y1, span.origin_y + _DESCENT * size)
    if bottom <= top:  # a glyph hanging wholly below or above its origin (CMEX)
        return box
    return BBox(box.x0, top, box.x1, bottom)


def tighten(lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines with their boxes rebuilt from :func:`core_box` of their spans (spans kept)."""
    out: list[TextLine] = []
    for line in lines:
        boxes = [core_box(s) for s in line.spans if s.text.strip()] or [line.bbox]
        box = BBox.enclosing(boxes)
        out.append(line if box == line.bbox else replace(line, bbox=box))
    return out


def baseline(line: TextLine) -> float:
    """The line's main baseline: where most of its (size-weighted) characters sit."""
    weight: dict[float, float] = {}
    for span in line.spans:
        key = round(span.origin_y, 1)
        weight[key] = weight.get(key, 0) + len(span.text.strip()) * span.size**2
    return max(weight, key=lambda k: weight[k]) if weight else line.bbox.y1


def merge_script_lines(lines: Sequence[TextLine]) -> list[TextLine]:
    """Put back together lines that PyMuPDF split at a sub- or superscript.

    PyMuPDF starts a new line where the baseline jumps, so ``x_i^2`` can come out as a line
    ``x2`` and a line ``i``. A line of smaller type whose baseline lies within a script's reach
    of another line's baseline, and that touches it horizontally, is merged into it, its spans
    sorted left to right. A line of the same size merges only onto the same baseline. Call this
    on a region's lines before :func:`pdf2md.math.inline.inline_markdown`.
    """
    out: list[TextLine] = []
    for line in tighten(lines):
        host = next(
            (i for i in range(len(out) - 1, max(-1, len(out) - 4), -1) if _belongs(line, out[i])),
            None,
        )
        if host is None:
            out.append(line)
            continue
        target = out[host]
        spans = tuple(sorted((*target.spans, *line.spans), key=lambda s: s.bbox.x0))
        out[host] = TextLine(
            target.bbox.union(line.bbox), spans, target.block_index, target.direction
        )
    return out


def _belongs(line: TextLine, host: TextLine) -> bool:
    if not (line.is_horizontal and host.is_horizontal):
        return False
    size = max(line.size, host.size)
    if size <= 0 or not _touches(line, host, size):
        return False
    small, big = (line, host) if line.size <= host.size else (host, line)
    shift = baseline(small) - baseline(big)  # > 0: below the big line's baseline
    if small.size > big.size * 0.9:
        # Same size: one visual line cut in two, never the next line of text.
        return abs(shift) < 0.3 * big.size
    # Scripts, limits and small fractions reach about 0.8 of a size up, 0.6 down.
    return -0.85 * big.size <= shift <= 0.65 * big.size


def _touches(line: TextLine, host: TextLine, size: float) -> bool:
    return line.bbox.x0 <= host.bbox.x1 + size * 0.6 and line.bbox.x1 >= host.bbox.x0 - size * 0.6
