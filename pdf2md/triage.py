"""Per-page triage: can the text layer be trusted, or does the page need OCR?

Cheap features only (the text ``dict`` the page already extracted, image placements and, only
for pages whose text is invisible, a render about 600 px on its long side): milliseconds
per page.

A text layer is *untrustworthy* where it has many U+FFFD, private-use or control characters
(unmapped glyphs, CID garbage), where its words do not look like words, where it is invisible
(an OCR layer) and the page image shows no ink under it, or where a little text sits on a page
that is mostly image (a scan with a stamp or a running head added). ``mode="force"`` OCRs every
page, ``mode="off"`` none.

A *hidden* layer (invisible text, or text drawn beneath an image that covers it: what a
scanner's OCR program writes) is checked against the ink by ``check_layer`` where the caller
gives one (the pipeline passes :func:`pdf2md.ocr.layer_check.layer_agreement` with its OCR
engine): a sample of its lines is OCR'd, and a layer that disagrees is replaced by OCR. Visible
text costs nothing more: its ink is the layer itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pdf2md.model import BBox, PageTriage

if TYPE_CHECKING:
    from pdf2md.source import PageView, TextLine

log = logging.getLogger(__name__)

OcrMode = Literal["auto", "force", "off"]
# Agreement (0..1) of OCR with a sample of a hidden layer's lines; None where it cannot tell.
LayerCheck = Callable[["PageView", "Sequence[TextLine]"], "float | None"]

_BAD_GLYPHS = 0.10
_WORDLIKE_MIN = 0.5
_INVISIBLE_SHARE = 0.5
_INK_MATCH_MIN = 0.5
_MOSTLY_IMAGE = 0.5
_LITTLE_TEXT = 0.05
_VECTOR_TEXT_PATHS = 200
_INK_DPI = 36
# OCR of a good hidden layer's lines agrees 0.8-0.95 with it; garbage layers 0.0-0.5
_LAYER_AGREEMENT = 0.6
_COVERED = 0.9

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
_VOWELS = set("aeiouyAEIOUYàâäéèêëîïôöùûüÀÂÄÉÈÊËÎÏÔÖÙÛÜåæøÅÆØáíóúñÁÍÓÚÑ")


@dataclass(frozen=True)
class _Features:
    chars: int
    bad_glyphs: int
    text_coverage: float
    image_coverage: float
    invisible_share: float
    wordlike: float | None


def _is_bad(ch: str) -> bool:
    code = ord(ch)
    return ch == "\ufffd" or 0xE000 <= code <= 0xF8FF or (code < 32 and ch not in "\t\n\r")


def wordlike_share(text: str) -> float | None:
    """Share of Latin words (4+ letters) that look like words: a vowel, sane case, not too long.

    Short tokens (math variables, abbreviations) are not judged; all-capital tokens pass.
    ``None`` where fewer than 20 tokens are left (too little to judge, or another script).
    """
    tokens = [t for t in _TOKEN.findall(text) if len(t) >= 4]
    if len(tokens) < 20:
        return None

    def ok(tok: str) -> bool:
        if tok.isupper():
            return True
        sane_case = tok.islower() or tok.istitle()
        return sane_case and len(tok) <= 20 and any(c in _VOWELS for c in tok)

    return sum(ok(t) for t in tokens) / len(tokens)


def _coverage(boxes: Sequence[BBox], page: BBox) -> float:
    total = sum(b.clip(page).area for b in boxes)
    return min(1.0, total / page.area) if page.area > 0 else 0.0


def _features(page: PageView, lines: Sequence[TextLine]) -> _Features:
    text = " ".join(ln.text for ln in lines)
    visible = "".join(ch for ch in text if not ch.isspace())
    n_invisible = sum(len(s.text.strip()) for ln in lines for s in ln.spans if s.alpha == 0)
    return _Features(
        chars=len(visible),
        bad_glyphs=sum(_is_bad(ch) for ch in visible),
        text_coverage=_coverage([ln.bbox for ln in lines], page.bbox),
        image_coverage=_coverage(list(page.image_boxes), page.bbox),
        invisible_share=n_invisible / len(visible) if visible else 0.0,
        wordlike=wordlike_share(text),
    )


def ink_under_text(page: PageView, lines: Sequence[TextLine]) -> float:
    """Share of (up to 40) text lines with ink beneath them on a low-dpi render, 0..1."""
    import numpy as np

    # About 600 px on the long side: enough to see a line of text on a small page.
    long_side = max(page.bbox.width, page.bbox.height, 1.0)
    dpi = page.render_dpi(None, int(max(_INK_DPI, min(150, 600 * 72 / long_side))))
    image = np.asarray(page.render(dpi=dpi).convert("L"), dtype=np.uint8)
    k = dpi / 72.0
    threshold = min(160, int(image.mean()) - 40)
    sample = list(lines)[:: max(1, len(lines) // 40)][:40]
    hits = 0
    for ln in sample:
        x0, y0, x1, y1 = (int(v * k) for v in ln.bbox)
        patch = image[max(0, y0) : max(y0 + 1, y1 + 1), max(0, x0) : max(x0 + 1, x1 + 1)]
        hits += bool(patch.size and (patch < threshold).mean() > 0.02)
    return hits / len(sample) if sample else 0.0


def covered_lines(page: PageView, lines: Sequence[TextLine]) -> list[TextLine]:
    """Lines drawn before an image that covers them (a scan placed over its OCR text).

    Looked at only where images cover half the page; PyMuPDF's draw log costs 1-10 ms.
    """
    images: list[tuple[int, BBox]] = []
    texts: list[tuple[int, BBox]] = []
    for i, (kind, rect) in enumerate(page.draw_log()):
        if kind == "fill-image":
            images.append((i, rect))
        elif kind.endswith("-text"):
            texts.append((i, rect))
    hidden = [
        box
        for i, box in texts
        if any(j > i and box.overlap_ratio(img) > _COVERED for j, img in images)
    ]
    return [ln for ln in lines if any(box.contains_point(*ln.bbox.center) for box in hidden)]


def triage_page(
    page: PageView, *, mode: OcrMode = "auto", check_layer: LayerCheck | None = None
) -> PageTriage:
    """Decide whether ``page`` needs OCR, and say why.

    ``check_layer`` judges hidden layers against the ink (see the module docstring); without
    it a hidden layer with ink beneath it is trusted.

    Example:
        >>> triage_page(view, mode="off").needs_ocr  # doctest: +SKIP
        False
    """
    lines = page.lines
    feats = _features(page, lines)
    needs, reason = _decide(page, lines, feats, mode)
    if not needs and check_layer is not None and not page.is_rotated:
        needs, reason = _check_hidden(page, lines, feats, check_layer, (needs, reason))
    return PageTriage(
        has_text_layer=feats.chars > 0,
        needs_ocr=needs,
        reason=reason,
        text_coverage=round(feats.text_coverage, 4),
        image_coverage=round(feats.image_coverage, 4),
        bad_glyph_ratio=round(feats.bad_glyphs / feats.chars, 4) if feats.chars else 0.0,
    )


def _check_hidden(
    page: PageView,
    lines: Sequence[TextLine],
    f: _Features,
    check_layer: LayerCheck,
    decided: tuple[bool, str],
) -> tuple[bool, str]:
    """OCR a sample of a hidden layer's lines; a layer that disagrees goes to OCR."""
    if f.invisible_share > _INVISIBLE_SHARE:
        hidden, what = [ln for ln in lines if any(s.alpha == 0 for s in ln.spans)], "invisible"
    elif f.image_coverage >= _MOSTLY_IMAGE:
        hidden, what = covered_lines(page, lines), "covered"
        if len(hidden) * 2 < len(lines):
            return decided
    else:
        return decided
    agreement = check_layer(page, hidden)
    if agreement is None:
        return decided
    if agreement < _LAYER_AGREEMENT:
        return True, f"{what} text layer disagrees with the ink (OCR agrees {agreement:.0%})"
    return False, f"{what} text layer matches the ink (OCR agrees {agreement:.0%})"


def _decide(
    page: PageView, lines: Sequence[TextLine], f: _Features, mode: OcrMode
) -> tuple[bool, str]:
    if mode == "off":
        return False, "ocr off"
    if mode == "force":
        return True, "ocr forced"
    if f.chars == 0:
        if f.image_coverage > 0 or len(page.drawings) >= _VECTOR_TEXT_PATHS:
            return True, "no text layer"
        return False, "blank page"
    if f.bad_glyphs / f.chars > _BAD_GLYPHS:
        return True, f"unmapped glyphs ({f.bad_glyphs} of {f.chars} characters)"
    if f.wordlike is not None and f.wordlike < _WORDLIKE_MIN:
        return True, f"text layer is garbage ({f.wordlike:.0%} of words look like words)"
    if f.invisible_share > _INVISIBLE_SHARE:
        ink = ink_under_text(page, [ln for ln in lines if any(s.alpha == 0 for s in ln.spans)])
        if ink < _INK_MATCH_MIN:
            return True, f"invisible text does not match the image (ink under {ink:.0%} of lines)"
        return False, "invisible OCR layer matches the image"
    if f.image_coverage >= _MOSTLY_IMAGE and f.text_coverage < _LITTLE_TEXT:
        return (
            True,
            f"little text ({f.text_coverage:.0%}) on a page mostly image ({f.image_coverage:.0%})",
        )
    return False, "text layer ok"
