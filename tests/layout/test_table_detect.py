"""Tests for the text-layer table detector used by the text-heuristic layout."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pdf2md.layout.table_detect import find_table_boxes
from pdf2md.model import BBox
from pdf2md.source import open_pdf

_LOREM = (
    "Tables are detected from rules and from text that lines up in columns, while "
    "ordinary prose that fills the width of its column must never be taken for one."
)


def _page_boxes(path: Path) -> list[BBox]:
    with open_pdf(path) as src:
        return find_table_boxes(src.page(0))


def _prose(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    page.insert_textbox(rect, " ".join([_LOREM] * 4), fontsize=10)


def _table_text(page: pymupdf.Page, xs: list[float], y0: float, rows: int) -> None:
    for r in range(rows):
        for c, x in enumerate(xs):
            text = "Name" if r == 0 and c == 0 else (f"Col {c}" if r == 0 else f"{r * 10 + c}.5")
            page.insert_text((x + 4, y0 + 14 + r * 20), text, fontsize=10)


def _new(tmp_path: Path) -> tuple[pymupdf.Document, pymupdf.Page, Path]:
    doc = pymupdf.open()
    return doc, doc.new_page(width=612, height=792), tmp_path / "t.pdf"


def _close_to(box: BBox, want: BBox, tol: float = 6.0) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(box, want, strict=True))


def test_ruled_grid_found(tmp_path: Path) -> None:
    doc, page, path = _new(tmp_path)
    _prose(page, pymupdf.Rect(72, 60, 540, 140))
    xs = [72.0, 172.0, 262.0, 352.0]
    for r in range(4):
        for c in range(3):
            page.draw_rect(pymupdf.Rect(xs[c], 200 + r * 20, xs[c + 1], 220 + r * 20), width=0.5)
    _table_text(page, xs[:3], 200, 4)
    doc.save(path)
    boxes = _page_boxes(path)
    assert len(boxes) == 1
    assert _close_to(boxes[0], BBox(72, 200, 352, 280))


def test_booktabs_rules_found(tmp_path: Path) -> None:
    doc, page, path = _new(tmp_path)
    for y in (300, 320, 380):
        page.draw_line((72, y), (400, y), width=0.8)
    _table_text(page, [72.0, 200.0, 300.0], 300, 4)
    _prose(page, pymupdf.Rect(72, 420, 540, 520))
    doc.save(path)
    boxes = _page_boxes(path)
    assert len(boxes) == 1
    assert _close_to(boxes[0], BBox(72, 300, 400, 380))


def test_unruled_aligned_columns_found(tmp_path: Path) -> None:
    doc, page, path = _new(tmp_path)
    _prose(page, pymupdf.Rect(72, 60, 540, 140))
    _table_text(page, [72.0, 200.0, 300.0, 400.0], 200, 5)
    _prose(page, pymupdf.Rect(72, 320, 540, 420))
    doc.save(path)
    boxes = _page_boxes(path)
    assert len(boxes) == 1
    box = boxes[0]
    assert box.y0 >= 195 and box.y1 <= 305
    assert box.x0 <= 80 and box.x1 >= 400


@pytest.mark.parametrize("columns", [1, 2])
def test_prose_is_not_a_table(tmp_path: Path, columns: int) -> None:
    doc, page, path = _new(tmp_path)
    width = 468 / columns
    for c in range(columns):
        x0 = 72 + c * (width + 12)
        _prose(page, pymupdf.Rect(x0, 72, x0 + width - 12, 700))
    page.draw_line((72, 710), (540, 710), width=0.5)  # a lone rule above the footnotes
    page.insert_text((72, 725), "1 A footnote.", fontsize=8)
    doc.save(path)
    assert _page_boxes(path) == []


def test_empty_page(tmp_path: Path) -> None:
    doc, _, path = _new(tmp_path)
    doc.save(path)
    assert _page_boxes(path) == []
