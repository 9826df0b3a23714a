"""Tests for the pdf-table recogniser on fixture PDFs drawn with pymupdf."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pymupdf
import pytest
from markdown_it import MarkdownIt

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Content, PageTriage, Region, RegionKind
from pdf2md.profile import Profile
from pdf2md.recognise.pdf_table import PdfTableRecogniser
from pdf2md.source import open_pdf

# (row, col, row_span, col_span, text)
Spec = Sequence[tuple[int, int, int, int, str]]
_X = [72.0, 172.0, 262.0, 352.0]
_ROW_H = 20.0
_TOP = 100.0


def _draw_table(
    path: Path,
    cells: Spec,
    *,
    ruled: bool = True,
    cols: Sequence[float] = _X,
    rotated: bool = False,
) -> BBox:
    """A one-page PDF with the table drawn cell by cell; returns the table's box.

    ``rotated``: the page has ``/Rotate 90`` and its content is drawn turned the other way,
    so that the table reads upright on screen (a landscape page stored as portrait).
    """
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    turn = 0
    if rotated:
        page.set_rotation(90)
        turn = 90
    to_page = page.derotation_matrix  # display space -> the page's unrotated space

    def at(x: float, y: float) -> pymupdf.Point:
        return pymupdf.Point(x, y) * to_page

    page.insert_text(at(72, 60), "A paragraph above the table.", fontsize=10, rotate=turn)
    n_rows = max(r + rs for r, _, rs, _, _ in cells)
    for r, c, rs, cs, text in cells:
        rect = pymupdf.Rect(cols[c], _TOP + r * _ROW_H, cols[c + cs], _TOP + (r + rs) * _ROW_H)
        if ruled:
            page.draw_rect(rect * to_page, color=(0, 0, 0), width=0.5)
        if text:
            baseline = rect.y0 + rect.height / 2 + 3.5
            page.insert_text(at(rect.x0 + 4, baseline), text, fontsize=10, rotate=turn)
    doc.save(path)
    doc.close()
    return BBox(cols[0], _TOP, cols[-1], _TOP + n_rows * _ROW_H)


def _recognise(
    path: Path, box: BBox, *, needs_ocr: bool = False, **options: object
) -> Content | None:
    profile = Profile.model_validate({"options": {"pdf-table": options}})
    rec = PdfTableRecogniser(BackendContext(profile=profile))
    rec.load()
    triage = PageTriage(has_text_layer=True, needs_ocr=needs_ocr, reason="test")
    with open_pdf(path) as src:
        region = Region(id="p0-r0", kind=RegionKind.TABLE, bbox=box.pad(4), page_index=0)
        return rec.recognise([RegionCrop(region, src.page(0), triage)])[0]


def _gfm_rows_cols(markdown: str) -> tuple[int, int]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert sum(t.type == "table_open" for t in tokens) == 1, markdown
    rows = sum(t.type == "tr_open" for t in tokens)
    header = next(i for i, t in enumerate(tokens) if t.type == "tr_close")
    cols = sum(t.type == "th_open" for t in tokens[:header])
    return rows, cols


SIMPLE: Spec = [
    (0, 0, 1, 1, "Name"),
    (0, 1, 1, 1, "Qty"),
    (0, 2, 1, 1, "Price"),
    (1, 0, 1, 1, "apple"),
    (1, 1, 1, 1, "10"),
    (1, 2, 1, 1, "1.50"),
    (2, 0, 1, 1, "pear"),
    (2, 1, 1, 1, "2"),
    (2, 2, 1, 1, "0.75"),
]
SIMPLE_MD = (
    "| Name | Qty | Price |\n| --- | --- | --- |\n| apple | 10 | 1.50 |\n| pear | 2 | 0.75 |"
)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_simple_table_exact(tmp_path: Path, ruled: bool) -> None:
    path = tmp_path / "t.pdf"
    box = _draw_table(path, SIMPLE, ruled=ruled)
    content = _recognise(path, box)
    assert content is not None
    assert content.text == SIMPLE_MD
    assert content.method == "text-layer"
    assert content.recogniser == "pdf-table@1"
    assert _gfm_rows_cols(content.text) == (3, 3)


@pytest.mark.parametrize("strategy", ["lines", "model", "text"])
def test_rotated_page_read_in_display_space(tmp_path: Path, strategy: str) -> None:
    path = tmp_path / "t.pdf"
    box = _draw_table(path, SIMPLE, ruled=strategy != "text", rotated=True)
    content = _recognise(path, box, strategies=[strategy])
    assert content is not None
    assert content.text == SIMPLE_MD


@pytest.mark.parametrize("strategy", ["lines", "text"])
def test_finder_strategies_alone(tmp_path: Path, strategy: str) -> None:
    path = tmp_path / "t.pdf"
    box = _draw_table(path, SIMPLE, ruled=strategy == "lines")
    content = _recognise(path, box, strategies=[strategy])
    assert content is not None
    assert _gfm_rows_cols(content.text) == (3, 3)
    assert "| apple | 10 | 1.50 |" in content.text


def test_header_spanning_two_columns_gives_html_colspan(tmp_path: Path) -> None:
    cells: Spec = [
        (0, 0, 2, 1, "Item"),
        (0, 1, 1, 2, "Sales"),
        (1, 1, 1, 1, "2023"),
        (1, 2, 1, 1, "2024"),
        (2, 0, 1, 1, "tea"),
        (2, 1, 1, 1, "5"),
        (2, 2, 1, 1, "7"),
        (3, 0, 1, 1, "milk"),
        (3, 1, 1, 1, "8"),
        (3, 2, 1, 1, "9"),
    ]
    path = tmp_path / "t.pdf"
    content = _recognise(path, _draw_table(path, cells))
    assert content is not None
    assert content.text == (
        "<table>\n<thead>\n"
        '<tr><th rowspan="2">Item</th><th colspan="2">Sales</th></tr>\n'
        "<tr><th>2023</th><th>2024</th></tr>\n"
        "</thead>\n<tbody>\n"
        "<tr><td>tea</td><td>5</td><td>7</td></tr>\n"
        "<tr><td>milk</td><td>8</td><td>9</td></tr>\n"
        "</tbody>\n</table>"
    )
    tokens = MarkdownIt("commonmark").parse(content.text)
    assert [t.type for t in tokens] == ["html_block"]


def test_cell_spanning_two_rows(tmp_path: Path) -> None:
    cells: Spec = [
        (0, 0, 1, 1, "Region"),
        (0, 1, 1, 1, "City"),
        (0, 2, 1, 1, "People"),
        (1, 0, 2, 1, "North"),
        (1, 1, 1, 1, "Oslo"),
        (1, 2, 1, 1, "700"),
        (2, 1, 1, 1, "Bergen"),
        (2, 2, 1, 1, "290"),
        (3, 0, 1, 1, "South"),
        (3, 1, 1, 1, "Kristiansand"),
        (3, 2, 1, 1, "115"),
    ]
    path = tmp_path / "t.pdf"
    content = _recognise(path, _draw_table(path, cells))
    assert content is not None
    assert '<td rowspan="2">North</td><td>Oslo</td><td>700</td>' in content.text
    assert "<tr><td>Bergen</td><td>290</td></tr>" in content.text
    assert content.text.count("<tr>") == 4


def test_empty_cells_kept_empty_rows_and_columns_dropped(tmp_path: Path) -> None:
    cells: Spec = [
        (0, 0, 1, 1, "Key"),
        (0, 1, 1, 1, "A"),
        (0, 2, 1, 1, ""),
        (1, 0, 1, 1, "x"),
        (1, 1, 1, 1, ""),
        (1, 2, 1, 1, ""),
        (2, 0, 1, 1, ""),
        (2, 1, 1, 1, ""),
        (2, 2, 1, 1, ""),
        (3, 0, 1, 1, "y"),
        (3, 1, 1, 1, "42"),
        (3, 2, 1, 1, ""),
    ]
    path = tmp_path / "t.pdf"
    content = _recognise(path, _draw_table(path, cells))
    assert content is not None
    assert content.text == "| Key | A |\n| --- | --- |\n| x |  |\n| y | 42 |"
    assert _gfm_rows_cols(content.text) == (3, 2)


def test_multi_line_cell_joined_by_spaces(tmp_path: Path) -> None:
    path = tmp_path / "t.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for x in (72, 200, 300):
        page.draw_line((x, 100), (x, 160), width=0.5)
    for y in (100, 120, 160):
        page.draw_line((72, y), (300, y), width=0.5)
    page.insert_text((76, 114), "Item", fontsize=10)
    page.insert_text((204, 114), "Count", fontsize=10)
    page.insert_text((76, 134), "a rather long", fontsize=10)
    page.insert_text((76, 148), "description", fontsize=10)
    page.insert_text((204, 134), "3", fontsize=10)
    doc.save(path)
    content = _recognise(path, BBox(72, 100, 300, 160))
    assert content is not None
    assert content.text == "| Item | Count |\n| --- | --- |\n| a rather long description | 3 |"


def test_no_table_structure_returns_none(tmp_path: Path) -> None:
    path = tmp_path / "t.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 110), "Just one line of prose here.", fontsize=10)
    doc.save(path)
    assert _recognise(path, BBox(72, 95, 400, 120)) is None
    assert _recognise(path, BBox(72, 300, 400, 400)) is None  # no words at all


def test_untrusted_text_layer_returns_none(tmp_path: Path) -> None:
    path = tmp_path / "t.pdf"
    box = _draw_table(path, SIMPLE)
    assert _recognise(path, box, needs_ocr=True) is None


def test_unknown_option_is_a_config_error() -> None:
    from pdf2md.errors import ConfigError

    profile = Profile.model_validate({"options": {"pdf-table": {"strategy": ["lines"]}}})
    with pytest.raises(ConfigError):
        PdfTableRecogniser(BackendContext(profile=profile))


def test_columns_ruled_but_rows_not(tmp_path: Path) -> None:
    """A frame with column rules only: the ruled grid hides the rows and is refused."""
    path = tmp_path / "t.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.draw_rect(pymupdf.Rect(72, 100, 352, 180), width=0.5)
    for x in (172, 262):
        page.draw_line((x, 100), (x, 180), width=0.5)
    for r, row in enumerate(
        [
            ("Name", "Qty", "Price"),
            ("apple", "10", "1.50"),
            ("pear", "2", "0.75"),
            ("plum", "7", "0.20"),
        ]
    ):
        for x, text in zip((76, 176, 266), row, strict=True):
            page.insert_text((x, 114 + r * 18), text, fontsize=10)
    doc.save(path)
    content = _recognise(path, BBox(72, 100, 352, 180))
    assert content is not None
    assert _gfm_rows_cols(content.text) == (4, 3)
    assert "| pear | 2 | 0.75 |" in content.text
    assert _recognise(path, BBox(72, 100, 352, 180), strategies=["lines"]) is None


def test_table_with_open_sides_read_from_its_rules(tmp_path: Path) -> None:
    """Rules between all rows and columns but none on the outer left and right sides."""
    path = tmp_path / "t.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for r in range(4):
        page.draw_line((72, 100 + r * 20), (352, 100 + r * 20), width=0.5)
    for x in (172, 262):
        page.draw_line((x, 100), (x, 160), width=0.5)
    for r, row in enumerate(
        [("Name", "Qty", "Price"), ("apple", "10", "1.50"), ("pear", "2", "0.75")]
    ):
        for x, text in zip((76, 176, 266), row, strict=True):
            page.insert_text((x, 113.5 + r * 20), text, fontsize=10)
    doc.save(path)
    content = _recognise(path, BBox(72, 100, 352, 160), strategies=["lines"])
    assert content is not None
    assert content.text == SIMPLE_MD
