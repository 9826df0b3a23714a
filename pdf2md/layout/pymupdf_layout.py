"""Layout from PyMuPDF's bundled layout model (``pymupdf.layout``, ONNX, offline).

The model reads the text layer plus image features and labels boxes as text, title,
section-header, list-item, table, picture, caption, footnote, formula, page-header or
page-footer. It costs about 0.2-0.4 s per page on one core, so the pipeline only sends it
pages that need it (see ``layout.model_pages`` in the profile).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from pdf2md.backend import BackendContext, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.layout.coverage import cover_orphan_lines, drop_nested
from pdf2md.model import BBox, Region, RegionKind
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
        regions: list[Region] = []
        for n, item in enumerate(raw.layout_information or ()):
            x0, y0, x1, y1, label = item[:5]
            kind = _KINDS.get(str(label))
            box = BBox(float(x0), float(y0), float(x1), float(y1)).clip(page.bbox)
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
        regions = drop_nested(regions)
        return cover_orphan_lines(
            regions, page.lines, page_index=page.page_index, detector=self.name
        )
