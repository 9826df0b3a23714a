"""``pdf-math``: display equations rebuilt as LaTeX from the PDF's own glyphs and rules.

Born-digital PDFs carry every glyph of a formula with its font, size and position, and the
fraction bars and radical overlines as vector rules. :mod:`pdf2md.math` turns those into LaTeX;
this module adapts it to the :class:`~pdf2md.backend.Recogniser` protocol. Offline, no weights.

A result below ``min_confidence`` (unreadable glyphs, a radical without its bar, an accent with
nothing under it), or LaTeX that KaTeX would not render (:mod:`pdf2md.math.katex_check`), is
returned as ``None`` so the route falls back to the next recogniser; the second is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.math.formula import formula_from_atoms
from pdf2md.math.glyphs import page_glyphs, plain_text, read_atoms
from pdf2md.math.katex_check import katex_problem
from pdf2md.model import BBox, Content

log = logging.getLogger(__name__)

NAME = "pdf-math"
VERSION = "1"


class PdfMathOptions(BaseModel):
    """Options of ``[options.pdf-math]``.

    Attributes:
        min_confidence: below this, answer ``None`` and let the route fall back.
        pad_pt: grow the region by this much before collecting glyphs (detectors cut tight).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    pad_pt: float = Field(default=1.5, ge=0.0, le=20.0)


class PdfMathRecogniser:
    """Reads EQUATION regions from the text layer.

    Example:
        >>> from pdf2md.backend import BackendContext
        >>> PdfMathRecogniser(BackendContext()).name
        'pdf-math'
    """

    name = NAME

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, NAME, PdfMathOptions)
        self.last_errors: list[tuple[str, str]] = []

    def load(self) -> None:
        """Nothing to load: the text layer is already open."""

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One ``$$`` LaTeX block per crop, or ``None`` where the text layer cannot answer
        (the reason in ``last_errors`` where the LaTeX would not render in KaTeX)."""
        self.last_errors = []
        return [self._one(crop) for crop in crops]

    def _one(self, crop: RegionCrop) -> Content | None:
        if not crop.text_layer_ok:
            return None
        box = crop.bbox.pad(self.options.pad_pt)
        atoms = read_atoms(page_glyphs(crop.page), box, _rules(crop, box))
        formula = formula_from_atoms(atoms)
        if formula is None:
            return None
        if formula.confidence < self.options.min_confidence:
            log.debug("%s: confidence %.2f below threshold", crop.region.id, formula.confidence)
            return None
        problems = [p for p in map(katex_problem, formula.blocks) if p is not None]
        if problems:
            # KaTeX would print the source in red: let the route fall back (image crop)
            message = f"{NAME}: LaTeX would not render ({problems[0]}); fell back"
            self.last_errors.append((crop.region.id, message))
            return None
        return Content(
            region_id=crop.region.id,
            text=formula.markdown(),
            orig=plain_text(atoms),
            recogniser=f"{NAME}@{VERSION}",
            method="math",
            confidence=round(formula.confidence, 3),
        )


def _rules(crop: RegionCrop, box: BBox) -> list[BBox]:
    """Thin horizontal rules in the box: vector paths, and the 1x1 image masks that
    Ghostscript-processed PDFs draw fraction bars with."""
    rules = [d.bbox for d in crop.page.drawings if d.is_rule and d.bbox.width > d.bbox.height]
    rules += [b for b in crop.page.image_boxes if b.height <= 2.0 and b.width > 1.5]
    return [r for r in rules if box.contains(r, 1.0)]
