"""The text-heuristic layout on fixture PDFs built line by line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.backend import BackendContext
from pdf2md.layout.heuristic import HeuristicLayout
from pdf2md.model import RegionKind
from pdf2md.source import open_pdf

_WORDS = [
    "the",
    "text",
    "of",
    "this",
    "paragraph",
    "runs",
    "on",
    "and",
    "on",
    "across",
    "the",
    "page",
    "until",
]
_RIGHT = 480.0


def _line(x0: float, full: bool, size: float) -> str:
    """Words that end near ``_RIGHT`` (a full line) or well short of it."""
    target = _RIGHT if full else x0 + 120
    words: list[str] = []
    i = 0
    while pymupdf.get_text_length(" ".join([*words, _WORDS[i % len(_WORDS)]]), fontsize=size) < (
        target - x0
    ):
        words.append(_WORDS[i % len(_WORDS)])
        i += 1
    return " ".join(words)


def _one_block_per_line(doc: pymupdf.Document) -> None:
    # two paragraphs, each line its own text object (as some Japanese reports are set): the
    # first line indented, the last line short; 9 pt type at a 15 pt line pitch
    page = doc.new_page(width=595, height=842)
    rows = [(65, True), (55, True), (55, False), (65, True), (55, True), (55, True), (55, False)]
    for i, (x0, full) in enumerate(rows):
        page.insert_text((x0, 300 + 15 * i), _line(x0, full, 9), fontsize=9)


def test_lines_set_as_separate_blocks_join_into_paragraphs(
    make_pdf: Callable[..., Path],
) -> None:
    path = make_pdf("lines.pdf", _one_block_per_line)
    with open_pdf(path) as doc:
        page = doc.page(0)
        assert len({ln.block_index for ln in page.lines}) == 7
        layout = HeuristicLayout(BackendContext())
        regions = layout.detect([page])[0]
    text = sorted((r for r in regions if r.kind == RegionKind.TEXT), key=lambda r: r.bbox.y0)
    assert [round(r.bbox.y0) for r in text] == [290, 335]
    assert [round(r.bbox.y1) for r in text] == [333, 393]


def _top_lines(doc: pymupdf.Document) -> None:
    # page 1: a small running head, then the body starts inside the top margin (a note label,
    # its text indented below it);
    # page 2: a running head in the body size, set apart from the body by space
    page = doc.new_page(width=595, height=842)
    page.insert_text((450, 20), "Annual Report 2023", fontsize=8)
    page.insert_text((55, 48), "(2) Sustainable growth", fontsize=9)
    for i in range(12):
        page.insert_text((75, 63 + 15 * i), _line(75, i % 4 != 3, 9), fontsize=9)
    page = doc.new_page(width=595, height=842)
    page.insert_text((55, 40), "Annual Report 2023", fontsize=9)
    for i in range(12):
        page.insert_text((55, 100 + 15 * i), _line(55, i % 4 != 3, 9), fontsize=9)
    # page 3: a stack of two running heads on a page with little body text (the heads set the
    # body size), the second in the margin right under the first
    page = doc.new_page(width=595, height=842)
    head = "Securities filing\nExample Holdings Limited (E00001)"
    page.insert_textbox(pymupdf.Rect(300, 2, 563, 30), head, fontsize=8, align=2)
    x0 = 563 - pymupdf.get_text_length("Securities filing", fontsize=8)
    page.insert_text((x0, 33), "Annual report", fontsize=8)
    page.insert_text((43, 50), "Part 2 Guarantor information", fontsize=12)
    page.insert_text((88, 64), "Not applicable.", fontsize=9)


def test_first_body_line_in_the_top_margin_is_not_a_running_head(
    make_pdf: Callable[..., Path],
) -> None:
    path = make_pdf("top.pdf", _top_lines)
    with open_pdf(path) as doc:
        layout = HeuristicLayout(BackendContext())
        pages = layout.detect([doc.page(0), doc.page(1), doc.page(2)])
    heads = [[r.bbox.y0 < 50 for r in p if r.kind == RegionKind.PAGE_HEADER] for p in pages]
    assert heads == [[True], [True], [True, True]]  # page 3: both heads
    first = min((r for r in pages[0] if r.bbox.y0 > 30), key=lambda r: r.bbox.y0)
    assert first.kind != RegionKind.PAGE_HEADER
