"""Regions added for what a layout model missed: orphan pictures, boxes that hug the ink."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.layout.coverage import cover_orphan_images, snap_to_lines
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.recognise.pdf_text import PdfTextRecogniser
from pdf2md.source import open_pdf
from pdf2md.triage import triage_page
from tests.test_pipeline import _picture_page


def _heading_page(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=595, height=842)
    page.insert_text((71, 585), "Kernel", fontsize=11, fontname="hebo")
    page.insert_text((71, 615), "Body text under the heading.", fontsize=11)


def test_box_hugging_a_short_line_grows_to_hold_it(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("hug.pdf", _heading_page)
    with open_pdf(path) as doc:
        page = doc.page(0)
        line = next(ln for ln in page.lines if ln.text.strip() == "Kernel")
        # a model box over the ink only: the middle third of the line's box
        third = line.bbox.height / 3
        tight = BBox(line.bbox.x0, line.bbox.y0 + third, line.bbox.x1, line.bbox.y1 - third)
        region = Region(id="h", kind=RegionKind.SECTION_HEADER, bbox=tight, page_index=0)
        assert page.lines_in(tight) == []
        (snapped,) = snap_to_lines([region], page.lines)
        assert snapped.bbox == line.bbox
        crop = RegionCrop(snapped, page, triage_page(page))
        (content,) = PdfTextRecogniser(BackendContext()).recognise([crop])
    assert content is not None and content.text == "Kernel"


def test_only_real_pictures_become_figures(make_pdf: Callable[..., Path]) -> None:
    pdf = make_pdf("pictures.pdf", lambda d: _picture_page(d, background=True))
    with open_pdf(pdf) as src:
        page = src.page(0)
        added = cover_orphan_images([], page, detector="test")
        assert [(r.kind, r.bbox) for r in added] == [(RegionKind.FIGURE, BBox(80, 250, 320, 410))]
        held = Region(
            id="p0-r0", kind=RegionKind.FIGURE, bbox=BBox(70, 240, 330, 420), page_index=0
        )
        assert cover_orphan_images([held], page, detector="test") == [held]
