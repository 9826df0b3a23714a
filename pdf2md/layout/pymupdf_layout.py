"""Layout from PyMuPDF's bundled layout model (``pymupdf.layout``, ONNX, offline).

The model reads the text layer plus image features and labels boxes as text, title,
section-header, list-item, table, picture, caption, footnote, formula, page-header or
page-footer. It costs about 0.2-0.4 s per page on one core, so the pipeline only sends it
pages that need it (see ``layout.model_pages`` in the profile).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from pdf2md.backend import BackendContext, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.layout.coverage import (
    cover_orphan_images,
    cover_orphan_lines,
    drop_nested,
    snap_to_lines,
)
from pdf2md.layout.refine import (
    equation_not_text,
    heading_not_caption,
    merge_code_runs,
    split_figure_captions,
    text_not_figure,
)
from pdf2md.model import Region, RegionKind
from pdf2md.onnx_env import quiet_onnxruntime
from pdf2md.source import PageView

log = logging.getLogger(__name__)

_KINDS = {
    "text": RegionKind.TEXT,
    "title": RegionKind.TITLE,
    "section-header": RegionKind.SECTION_HEADER,
    "list-item": RegionKind.LIST_ITEM,
    "table": RegionKind.TABLE,
    "picture": RegionKind.FIGURE,
    "caption": RegionKind.CAPTION,
    "footnote": RegionKind.FOOTNOTE,
    "formula": RegionKind.EQUATION,
    "page-header": RegionKind.PAGE_HEADER,
    "page-footer": RegionKind.PAGE_FOOTER,
    "code": RegionKind.CODE,
}


class PymupdfLayoutOptions(BaseModel):
    """Options of ``pymupdf-layout``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_area_pt2: float = 4.0


class PymupdfLayout:
    """Layout backend ``pymupdf-layout``."""

    name = "pymupdf-layout"

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, self.name, PymupdfLayoutOptions)
        self._ready = False

    def load(self) -> None:
        """Import ``pymupdf.layout`` (which loads its ONNX model)."""
        quiet_onnxruntime()
        try:
            import pymupdf.layout  # noqa: F401
        except ImportError as exc:
            raise BackendUnavailable(
                "pymupdf-layout needs the pymupdf-layout package: pip install pymupdf-layout"
            ) from exc
        self._ready = True

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """Regions for each page (order not yet decided)."""
        if not self._ready:
            self.load()
        return [self._detect_one(page) for page in pages]

    def _detect_one(self, page: PageView) -> list[Region]:
        raw: Any = page.page
        raw.get_layout()
        size = page.body_size_pt
        regions: list[Region] = []
        for n, item in enumerate(raw.layout_information or ()):
            x0, y0, x1, y1, label = item[:5]
            kind = _KINDS.get(str(label))
            box = page.to_display((x0, y0, x1, y1)).clip(page.bbox)
            if kind is None or box.area < self.options.min_area_pt2:
                continue
            regions.append(
                Region(
                    id=f"p{page.page_index}-m{n}",
                    kind=kind,
                    bbox=box,
                    page_index=page.page_index,
                    detector=self.name,
                )
            )
        regions = snap_to_lines(drop_nested(regions), page.lines)
        regions = [_demote_plain_header(r, page, size) for r in regions]
        regions = [equation_not_text(heading_not_caption(r, page), page) for r in regions]
        regions = [part for r in regions for part in split_figure_captions(r, page)]
        regions = [text_not_figure(r, page) for r in regions]
        regions = cover_orphan_images(regions, page, detector=self.name)
        regions = cover_orphan_lines(
            regions, page.lines, page_index=page.page_index, detector=self.name
        )
        return merge_code_runs(regions, page)


_NUMBERED = re.compile(r"^\s*(?:(?:\d+(?:\.\d+)*|[IVXLC]+)\.?|\(?\d+\))\s+\S")


def _demote_plain_header(region: Region, page: PageView, body_pt: float) -> Region:
    """A "section header" in the body font, neither bold, italic, larger, numbered nor in
    capitals (an author line, a lead-in phrase) is text."""
    if region.kind != RegionKind.SECTION_HEADER:
        return region
    lines = page.lines_in(region.bbox)
    spans = [s for ln in lines for s in ln.spans if s.text.strip()]
    if not spans:
        return region
    text = " ".join(ln.text.strip() for ln in lines)
    bold = all(s.is_bold for s in spans) or all(s.is_italic for s in spans)
    larger = max(s.size for s in spans) >= 1.1 * body_pt
    letters = [c for c in text if c.isalpha()]
    capitals = bool(letters) and all(c.isupper() for c in letters)
    if bold or larger or capitals or _NUMBERED.match(text):
        return region
    return region.model_copy(update={"kind": RegionKind.TEXT})
