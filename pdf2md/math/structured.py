"""Inline math with two-dimensional structure, rebuilt from the page's glyphs and rules.

The span-based inline writer (:mod:`pdf2md.math.inline`) reads a formula as a sequence of
font runs on and off the baseline. That cannot express a fraction (its numerator and
denominator are two small runs, one over the other, around a rule), an overline (a rule
above a letter), an accent (a separate glyph placed over its letter, often *after* it in
the text stream), or limits under a big operator. For a run that has any of these, the
glyphs are read again with their exact ink boxes and handed to the same layout builder that
reads display formulas (:mod:`pdf2md.math.layout`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pymupdf

from pdf2md.math import layout
from pdf2md.math.glyphs import Atom, PageGlyphs, Role, read_atoms
from pdf2md.math.tokens import join_tokens
from pdf2md.model import BBox
from pdf2md.source import TextSpan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageMath:
    """A page's glyphs and rules, for inline runs that need them.

    Attributes:
        page: the raw PyMuPDF page.
        rules: thin horizontal rules on the page (fraction bars, overlines), in points.
        glyphs: the page's glyphs with exact boxes (see :class:`PageGlyphs`).
    """

    page: pymupdf.Page
    rules: tuple[BBox, ...]
    glyphs: PageGlyphs

    def wants(self, box: BBox, spans: Sequence[TextSpan], marked: bool, size: float) -> bool:
        """True where the run in ``box`` has structure the span reader cannot express: it is
        ``marked`` (an accent, a big operator...), has a rule in it, or stacked scripts."""
        if marked:
            return True
        if any(self._rule_inside(rule, box, size) for rule in self.rules):
            return True
        return _stacked(spans, size)

    @staticmethod
    def _rule_inside(rule: BBox, box: BBox, size: float) -> bool:
        if rule.x0 < box.x0 - 1.5 or rule.x1 > box.x1 + 1.5 or rule.width < 1.0:
            return False
        centre = (rule.y0 + rule.y1) / 2
        return box.y0 - 0.3 * size <= centre <= box.y1 + 0.1 * size

    def latex(self, box: BBox, base: float, glyphs: int, size: float) -> str | None:
        """LaTeX for the glyphs in ``box`` around the baseline ``base``; ``None`` where they are
        not the ``glyphs`` expected (the box caught a neighbour or missed a glyph) or could
        not all be read."""
        area = BBox(box.x0 - 0.5, box.y0 - 0.3 * size, box.x1 + 0.5, box.y1 + 0.15 * size)
        rules = [r for r in self.rules if self._rule_inside(r, box, size)]
        atoms = [a for a in read_atoms(self.glyphs, area, rules) if _on_line(a, base, size)]
        found = [a for a in atoms if a.role is not Role.RULE]
        # a script the line grouping left on a line of its own may turn up here: allow a few
        small = sum(a.size < size * 0.9 for a in found)
        if not found or not glyphs - 2 <= len(found) <= glyphs + min(small, 2):
            log.debug("structured run: %d glyphs read, %d expected", len(found), glyphs)
            return None
        stats = layout.Stats()
        text = join_tokens(layout.build_tokens(atoms, stats))
        if stats.unknown or stats.doubtful or "?" in text:
            return None
        return text

    def advance(self, box: BBox, char: str) -> float:
        """The advance width of the first ``char`` glyph in ``box`` (0 where there is none)."""
        raw: dict[str, Any] = self.page.get_text(  # type: ignore[no-untyped-call]
            "rawdict",
            clip=pymupdf.Rect(*box.pad(0.5)),  # type: ignore[no-untyped-call]
        )
        for block in raw.get("blocks", ()):
            for line in block.get("lines", ()):
                for span in line.get("spans", ()):
                    for glyph in span.get("chars", ()):
                        if glyph["c"] == char:
                            return float(glyph["bbox"][2] - glyph["bbox"][0])
        return 0.0


def _on_line(atom: Atom, base: float, size: float) -> bool:
    """Not a glyph of the line above or below: full-size glyphs sit near the baseline, and
    scripts and small fractions within most of a size of it."""
    if atom.role is Role.RULE or atom.is_big:
        return True
    reach = 0.9 if atom.size >= size * 0.9 else 0.8
    return abs(atom.baseline - base) <= reach * size


def _stacked(spans: Sequence[TextSpan], size: float) -> bool:
    """Two small spans one above the other, across the main baseline (limits of a big
    operator set in display style, or a fraction whose bar the page draws as a glyph)."""
    small = [s for s in spans if s.size < size * 0.9 and s.text.strip()]
    for i, upper in enumerate(small):
        for lower in small[i + 1 :]:
            overlap = min(upper.bbox.x1, lower.bbox.x1) - max(upper.bbox.x0, lower.bbox.x0)
            narrow = min(upper.bbox.width, lower.bbox.width)
            apart = abs(upper.origin_y - lower.origin_y) > 1.2 * size
            if narrow > 0 and overlap > 0.6 * narrow and apart:
                return True
    return False


def page_rules(drawn: Sequence[BBox], images: Sequence[BBox]) -> tuple[BBox, ...]:
    """Thin horizontal rules: vector paths, and the 1x1 image masks that Ghostscript-processed
    PDFs draw fraction bars and overlines with."""
    rules = [b for b in drawn if b.width > b.height]
    rules += [b for b in images if b.height <= 2.0 and b.width > 1.5]
    return tuple(rules)
