"""Does a hidden text layer say what the ink says? OCR a sample of its lines and compare.

A layer the reader cannot see (invisible text, or text drawn beneath the page image: an old
OCR run, a wrong encoding) is what a scanner's OCR program wrote, and may be wrong. Up to
:data:`SAMPLE_LINES` of its lines, spread over the page, are cut out of a render, stacked into
one image and read by the OCR engine in a single call (a few hundred ms, only on such pages);
the agreement is the similarity of the two readings (0..1, normalised Levenshtein over
lower-case letters and digits). Visible born-digital text is never OCR'd here: its ink *is*
the layer, so the triage's glyph and word checks judge it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pdf2md.backend import OcrEngine

if TYPE_CHECKING:
    from PIL import Image

    from pdf2md.source import PageView, TextLine

log = logging.getLogger(__name__)

SAMPLE_LINES = 8
_DPI = 200
_PAD_PX = 12
_MIN_CHARS = 8
_NOT_WORD = re.compile(r"[\W_]+")


def _normalised(text: str) -> str:
    return _NOT_WORD.sub("", text.lower())


def sample_lines(lines: Sequence[TextLine], n: int = SAMPLE_LINES) -> list[TextLine]:
    """Up to ``n`` lines with some text, evenly spread over the layer's order."""
    usable = [ln for ln in lines if len(_normalised(ln.text)) >= _MIN_CHARS]
    if len(usable) <= n:
        return usable
    step = len(usable) / n
    return [usable[int(i * step)] for i in range(n)]


def _stacked(page: PageView, lines: Sequence[TextLine]) -> Image.Image:
    """The lines' crops, one under the other on a white sheet (grayscale)."""
    from PIL import Image as PILImage

    crops = [page.render(ln.bbox.clip(page.bbox), dpi=_DPI).convert("L") for ln in lines]
    width = max(c.width for c in crops) + 2 * _PAD_PX
    height = sum(c.height + _PAD_PX for c in crops) + _PAD_PX
    sheet = PILImage.new("L", (width, height), 255)
    y = _PAD_PX
    for crop in crops:
        sheet.paste(crop, (_PAD_PX, y))
        y += crop.height + _PAD_PX
    return sheet


def layer_agreement(page: PageView, lines: Sequence[TextLine], engine: OcrEngine) -> float | None:
    """How far OCR of a sample of ``lines`` agrees with their text, 0..1.

    ``None`` where no line has enough text to judge.
    """
    from rapidfuzz.distance import Levenshtein

    sample = sample_lines(lines)
    sample = [ln for ln in sample if ln.bbox.clip(page.bbox).area > 0]
    if not sample:
        return None
    (words,) = engine.read([_stacked(page, sample)])
    layer = _normalised(" ".join(ln.text for ln in sample))
    ink = _normalised(" ".join(w.text for w in words))
    score = float(Levenshtein.normalized_similarity(layer, ink))
    log.debug("layer check p%d: %d lines, agreement %.2f", page.page_index, len(sample), score)
    return score
