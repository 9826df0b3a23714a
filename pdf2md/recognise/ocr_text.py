"""``"ocr"``: read text regions of scanned pages with the profile's OCR engine.

Each page is OCR'd once per call (pages in parallel, see :mod:`pdf2md.ocr.pages`); words are
assigned to regions by their centres, then grouped into lines, columns and paragraphs in the
upright frame, so a region covering a whole two-column page still reads column by column.
Paragraphs are separated by blank lines; headings are one line of text.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Sequence

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Content, RegionKind
from pdf2md.ocr.gate import holds_text
from pdf2md.ocr.lines import LIST_MARKER, Word, join_lines, paragraphs
from pdf2md.ocr.orientation import dark_mask
from pdf2md.ocr.pages import REGIONS_KEY, OcrPage, OcrStats, PageOcr

log = logging.getLogger(__name__)

_ONE_LINE = (RegionKind.TITLE, RegionKind.SECTION_HEADER, RegionKind.CAPTION)
_GATE_DPI = 72


class OcrTextRecogniser:
    """Reads text-like regions (and figures that hold text) from OCR'd words."""

    name = "ocr"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self._ocr = PageOcr(context)

    @property
    def stats(self) -> OcrStats:
        """Pages OCR'd, pages and area skipped by the gate, engine seconds."""
        return self._ocr.stats

    def load(self) -> None:
        """Load the OCR engine named by ``profile.ocr.engine`` and the orientation model."""
        self._ocr.load()

    @property
    def recogniser_id(self) -> str:
        """``ocr:<engine>@<version>``."""
        engine = self._ocr.engine
        version = getattr(engine, "version", "unknown") if engine is not None else "unknown"
        return f"ocr:{self._ocr.engine_name}@{version}"

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One Content per crop, or ``None`` where the text gate finds nothing to read.

        Crops of pages that need OCR share one OCR pass per page. A crop of a page whose text
        layer is fine (the text layer had no text there) is OCR'd alone, after the gate.
        """
        readable = [c for c in crops if _needs_gate(c) is False or _has_text(c)]
        whole = [c for c in readable if not c.text_layer_ok]
        pages = self._ocr.pages([c.page for c in whole]) if whole else {}
        owner = _assign_words(whole, pages)
        answers: dict[int, Content | None] = {}
        for crop in whole:
            answers[id(crop)] = self._content(
                crop, _owned(pages[crop.region.page_index], owner, crop)
            )
        for crop in readable:
            if crop.text_layer_ok:
                answers[id(crop)] = self._read_region(crop)
        self._log_stats()
        return [answers.get(id(c)) for c in crops]

    def _read_region(self, crop: RegionCrop) -> Content | None:
        """OCR one region of an otherwise born-digital page (no turning upright)."""
        dpi = crop.page.render_dpi(crop.bbox, self.context.profile.ocr.dpi)
        image = crop.page.render(crop.bbox, dpi=dpi).convert("L")
        k = 72.0 / dpi
        x0, y0 = crop.bbox.x0, crop.bbox.y0
        words = [
            Word(
                w.text,
                BBox(
                    x0 + w.bbox_px.x0 * k,
                    y0 + w.bbox_px.y0 * k,
                    x0 + w.bbox_px.x1 * k,
                    y0 + w.bbox_px.y1 * k,
                ),
                w.confidence,
                w.line_id,
            )
            for w in self._ocr.engine.read([image])[0]
        ]
        return self._content(crop, words) if words else None

    def _log_stats(self) -> None:
        shown = self.stats
        if shown.pages:
            log.info(
                "ocr: %d pages, %d skipped, %.0f%% of page area skipped",
                shown.pages,
                shown.pages_skipped,
                100 * shown.skipped_share,
            )

    def _content(self, crop: RegionCrop, words: Sequence[Word]) -> Content:
        text = region_text(words, crop.region.kind)
        confidence = statistics.fmean(w.confidence for w in words) if words else None
        size = _font_size_pt(words)
        return Content(
            region_id=crop.region.id,
            text=text,
            orig=" ".join(w.text for w in words),
            recogniser=self.recogniser_id,
            method="ocr",
            confidence=confidence,
            font_size_pt=size,
        )


def _needs_gate(crop: RegionCrop) -> bool:
    """Figures, and regions of born-digital pages, are checked for text before OCR."""
    return crop.region.kind is RegionKind.FIGURE or crop.text_layer_ok


def _has_text(crop: RegionCrop) -> bool:
    return holds_text(dark_mask(crop.page.render(crop.bbox, dpi=_GATE_DPI)))


def _owned(page: OcrPage, owner: dict[tuple[int, int], int], crop: RegionCrop) -> list[Word]:
    return [w for j, w in enumerate(page.words) if owner.get((page.page_index, j)) == id(crop)]


def _assign_words(
    crops: Sequence[RegionCrop], pages: dict[int, OcrPage]
) -> dict[tuple[int, int], int]:
    """Each word goes to one crop: the smallest crop of its page holding the word's centre.

    Keys are ``(page_index, word index)``, values ``id(crop)``; overlapping regions never
    read the same word twice. A word that no region of the layout holds (the layout stored
    its boxes on the page) goes to the nearest crop, so text the layout missed is not lost.
    """
    by_page: dict[int, list[RegionCrop]] = {}
    for crop in crops:
        by_page.setdefault(crop.region.page_index, []).append(crop)
    owner: dict[tuple[int, int], int] = {}
    for index, group in by_page.items():
        page = pages.get(index)
        if page is None:
            continue
        group = sorted(group, key=lambda c: c.bbox.area)
        layout: Sequence[BBox] | None = group[0].page._cache.get(REGIONS_KEY)
        for j, box in enumerate(page.page_boxes):
            cx, cy = box.center
            hit = next((c for c in group if c.bbox.contains_point(cx, cy)), None)
            if (
                hit is None
                and layout is not None
                and not any(b.contains_point(cx, cy) for b in layout)
            ):
                hit = min(group, key=lambda c: _distance(c.bbox, cx, cy))
            if hit is not None:
                owner[(index, j)] = id(hit)
    return owner


def _distance(box: BBox, x: float, y: float) -> float:
    dx = max(box.x0 - x, 0.0, x - box.x1)
    dy = max(box.y0 - y, 0.0, y - box.y1)
    return float(dx * dx + dy * dy)


def region_text(words: Sequence[Word], kind: RegionKind) -> str:
    """Markdown text for a region's words: paragraphs split by blank lines.

    Headings and captions come out as one line. Paragraphs that start with a bullet or an
    enumerator become Markdown list items (consecutive items on consecutive lines); other
    paragraphs are escaped so that they do not read as Markdown syntax. An empty string where
    no words fell inside.
    """
    paras = [p.text for p in paragraphs(words) if p.text]
    if kind in _ONE_LINE:
        heading = join_lines(paras)
        marker = LIST_MARKER.match(heading) if kind.is_heading else None
        return heading[marker.end() if marker else 0 :].strip().strip("#").strip()
    out = ""
    was_item = False
    for text in paras:
        item = _list_item(text) if kind is not RegionKind.CODE else None
        sep = "\n" if item is not None and was_item else "\n\n"
        out = f"{out}{sep if out else ''}{item if item is not None else _escape(text)}"
        was_item = item is not None
    return out


def _list_item(text: str) -> str | None:
    """``- text`` or ``N. text`` where the paragraph starts with a list marker, else None."""
    match = LIST_MARKER.match(text)
    if match is None:
        return None
    marker = match.group(0).strip().strip("()")
    number = marker[:-1] if marker[-1:] in ".)" else ""
    rest = text[match.end() :]
    return f"{int(number)}. {rest}" if number.isdigit() else f"- {rest}"


_MD_START = re.compile(r"^([#>+]|[-*](?=\s)|\d+[.)](?=\s))")


def _escape(text: str) -> str:
    return _MD_START.sub(lambda m: "\\" + m.group(1), text, count=1)


def _font_size_pt(words: Sequence[Word]) -> float | None:
    """The text's size in points, estimated from word heights (ink about 0.8 x the font size)."""
    if not words:
        return None
    return round(statistics.median(w.bbox.height for w in words) / 0.8, 1)
