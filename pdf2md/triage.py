"""Per-page triage: can the text layer be trusted, or does the page need OCR?

Cheap features only (milliseconds a page): how much text there is, how much of the page is
covered by images, and how much of the text is unmapped glyphs or replacement characters.
"""

from __future__ import annotations

from typing import Any, Literal

from pdf2md.model import PageTriage
from pdf2md.source import PageView

OcrMode = Literal["auto", "force", "off"]


def _bad_glyph_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text)


def triage_page(page: PageView, *, mode: OcrMode = "auto") -> PageTriage:
    """Decide whether ``page`` needs OCR, and say why."""
    text = "".join(line.text for line in page.lines)
    visible = "".join(s.text for line in page.lines for s in line.spans if s.alpha != 0)
    page_area = page.bbox.area or 1.0
    text_area = sum(line.bbox.area for line in page.lines)
    image_area = sum(b.area for b in page.image_boxes)
    has_text = len(text.strip()) >= 10
    facts: dict[str, Any] = {
        "has_text_layer": has_text,
        "text_coverage": min(1.0, text_area / page_area),
        "image_coverage": min(1.0, image_area / page_area),
        "bad_glyph_ratio": _bad_glyph_ratio(text),
    }
    if mode == "force":
        return PageTriage(needs_ocr=True, reason="ocr forced", **facts)
    if mode == "off":
        return PageTriage(needs_ocr=False, reason="ocr off", **facts)
    if not has_text:
        big_image = facts["image_coverage"] > 0.2
        reason = "no text layer; page is an image" if big_image else "no text layer"
        return PageTriage(needs_ocr=big_image, reason=reason, **facts)
    if facts["bad_glyph_ratio"] > 0.1:
        return PageTriage(needs_ocr=True, reason="text layer has unmapped glyphs", **facts)
    if len(visible.strip()) < 0.5 * len(text.strip()) and facts["image_coverage"] > 0.5:
        return PageTriage(needs_ocr=True, reason="invisible text over a page image", **facts)
    return PageTriage(needs_ocr=False, reason="text layer present", **facts)
