"""Reading order on synthetic region sets: columns, spanning titles, figures, footnotes."""

from __future__ import annotations

from pdf2md.model import BBox, Region, RegionKind
from pdf2md.order import order_regions


def _r(
    rid: str, x0: float, y0: float, x1: float, y1: float, kind: RegionKind = RegionKind.TEXT
) -> Region:
    return Region(id=rid, kind=kind, bbox=BBox(x0, y0, x1, y1), page_index=0)


def _ids(regions: list[Region]) -> list[str]:
    return [r.id for r in order_regions(regions, 612)]


def test_two_columns_with_aligned_gaps_read_by_column() -> None:
    regions = [
        _r("R1", 320, 100, 560, 150),
        _r("L1", 50, 100, 290, 150),
        _r("R2", 320, 160, 560, 210),
        _r("L2", 50, 160, 290, 210),
    ]
    assert _ids(regions) == ["L1", "L2", "R1", "R2"]


def test_spanning_title_and_figure_split_column_runs() -> None:
    regions = [
        _r("title", 100, 40, 500, 70, RegionKind.TITLE),
        _r("L1", 50, 100, 290, 300),
        _r("R1", 320, 100, 560, 300),
        _r("fig", 50, 320, 560, 500, RegionKind.FIGURE),
        _r("L2", 50, 520, 290, 700),
        _r("R2", 320, 520, 560, 700),
    ]
    assert _ids(regions) == ["title", "L1", "R1", "fig", "L2", "R2"]


def test_three_columns() -> None:
    regions = [
        _r(f"c{c}p{p}", 40 + c * 180, 100 + p * 100, 200 + c * 180, 180 + p * 100)
        for c in range(3)
        for p in range(3)
    ]
    assert _ids(regions) == [f"c{c}p{p}" for c in range(3) for p in range(3)]


def test_footnotes_and_furniture_placed_last_and_first() -> None:
    regions = [
        _r("foot", 50, 740, 290, 760, RegionKind.PAGE_FOOTER),
        _r("note", 50, 700, 290, 720, RegionKind.FOOTNOTE),
        _r("body", 50, 100, 290, 690),
        _r("head", 50, 20, 290, 30, RegionKind.PAGE_HEADER),
    ]
    assert _ids(regions) == ["head", "body", "note", "foot"]


def test_heading_in_left_column_stays_in_column() -> None:
    regions = [
        _r("L0", 50, 100, 290, 300),
        _r("Lh", 50, 310, 150, 322, RegionKind.SECTION_HEADER),
        _r("L1", 50, 330, 290, 600),
        _r("R0", 320, 100, 560, 600),
    ]
    assert _ids(regions) == ["L0", "Lh", "L1", "R0"]


def test_sidebar_box_between_paragraphs_single_column() -> None:
    regions = [
        _r("p1", 50, 100, 560, 200),
        _r("box", 100, 210, 500, 300),
        _r("p2", 50, 310, 560, 400),
    ]
    assert _ids(regions) == ["p1", "box", "p2"]


def test_grid_of_cards_reads_row_by_row() -> None:
    h = RegionKind.SECTION_HEADER
    regions = [
        _r("h1", 50, 100, 200, 112, h),
        _r("t1", 50, 120, 290, 200),
        _r("h2", 320, 100, 470, 112, h),
        _r("t2", 320, 120, 560, 200),
        _r("h3", 50, 260, 200, 272, h),
        _r("t3", 50, 280, 290, 360),
        _r("h4", 320, 260, 470, 272, h),
        _r("t4", 320, 280, 560, 360),
    ]
    assert _ids(regions) == ["h1", "t1", "h2", "t2", "h3", "t3", "h4", "t4"]


def test_heading_in_right_column_gap_keeps_column_group() -> None:
    # the right column's heading falls in a paragraph gap of the left column: that band has
    # regions in one column only, and must not end the two-column group
    h = RegionKind.SECTION_HEADER
    regions = [
        _r("L1", 50, 100, 290, 369),
        _r("R1", 320, 100, 560, 357),
        _r("Rh", 320, 373, 400, 382, h),
        _r("L2", 50, 385, 290, 600),
        _r("R2", 320, 387, 560, 600),
    ]
    assert _ids(regions) == ["L1", "L2", "R1", "Rh", "R2"]


def test_band_off_the_column_edges_still_ends_the_group() -> None:
    # a narrow line that starts at no column's left edge is not part of the columns
    regions = [
        _r("L1", 50, 100, 290, 300),
        _r("R1", 320, 100, 560, 300),
        _r("mid", 120, 310, 240, 320),
        _r("L2", 50, 330, 290, 500),
        _r("R2", 320, 330, 560, 500),
    ]
    assert _ids(regions) == ["L1", "R1", "mid", "L2", "R2"]
