"""The text-layer recogniser on fixture PDFs: list items keep what Markdown cannot number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.recognise.pdf_text import PdfTextRecogniser
from pdf2md.source import open_pdf
from pdf2md.triage import triage_page

_ITEMS = ("d. Breakup of the exposure", "(iv) Banking book", "2. Trading book", "- Plain item")


def _list_page(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=595, height=842)
    for i, text in enumerate(_ITEMS):
        page.insert_text((72, 100 + 14 * i), text, fontsize=10)


def test_lettered_and_roman_labels_stay_numbers_become_markers(
    make_pdf: Callable[..., Path],
) -> None:
    path = make_pdf("list.pdf", _list_page)
    with open_pdf(path) as doc:
        page = doc.page(0)
        region = Region(
            id="l", kind=RegionKind.LIST_ITEM, bbox=BBox(60, 85, 400, 160), page_index=0
        )
        (content,) = PdfTextRecogniser(BackendContext()).recognise(
            [RegionCrop(region, page, triage_page(page))]
        )
    assert content is not None
    assert content.text.split("\n") == [
        "- d. Breakup of the exposure",
        "- (iv) Banking book",
        "2. Trading book",
        "- Plain item",
    ]
