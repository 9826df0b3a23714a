"""A cheap test of whether a text-layer page needs the layout model.

Simple pages (one column of prose, headings, lists) are read as well by the text heuristics,
at a hundredth of the cost. Pages with pictures, vector graphics, math fonts, several columns
or table-like alignments go to the model.
"""

from __future__ import annotations

from pdf2md.patterns import MATH_FONT_RE
from pdf2md.source import PageView

_MIN_PICTURE_RATIO = 0.01
_MAX_PLAIN_DRAWINGS = 12


def _side_by_side_rows(view: PageView) -> int:
    """Rows where two lines sit next to each other with a wide gap between them."""
    lines = sorted(view.lines, key=lambda ln: (round(ln.bbox.y0), ln.bbox.x0))
    count = 0
    for a, b in zip(lines, lines[1:]):
        same_row = abs(a.bbox.y0 - b.bbox.y0) < 2 and abs(a.bbox.y1 - b.bbox.y1) < 2
        if same_row and b.bbox.x0 - a.bbox.x1 > 12:
            count += 1
    return count


_NOT_MATH = set("•·◦▪■□●○-–—*")


def _math_glyphs(view: PageView) -> int:
    """Glyphs set in math fonts, bullets (Symbol's favourite use) not counted."""
    return sum(
        1
        for ln in view.lines
        for s in ln.spans
        if MATH_FONT_RE.search(s.font)
        for ch in s.text
        if not ch.isspace() and ch not in _NOT_MATH and not 0xF000 <= ord(ch) <= 0xF0FF
    )


def is_complex_page(view: PageView) -> bool:
    """True where the page has pictures, drawings, math, columns or table-like rows."""
    area = view.bbox.area or 1.0
    if any(b.area > _MIN_PICTURE_RATIO * area for b in view.image_boxes):
        return True
    if len(view.drawings) > _MAX_PLAIN_DRAWINGS:
        return True
    if _math_glyphs(view) >= 3:
        return True
    return _side_by_side_rows(view) >= 3
