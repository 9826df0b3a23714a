"""Regions added for what a layout model missed: orphan pictures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pdf2md.layout.coverage import cover_orphan_images
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.source import open_pdf
from tests.test_pipeline import _picture_page


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
