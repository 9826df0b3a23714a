"""Corrections pymupdf-layout applies to the model's labels, on a fixture PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.layout.pymupdf_layout import _demote_plain_header
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.source import open_pdf

_LINES = (
    ("plain", "Jane Doe and John Roe", "helv"),
    ("italic", "Data acquisition", "heit"),
    ("initials", "A. Author and B. Writer", "helv"),
    ("bold", "Related work", "hebo"),
    ("paren", "(2) Data acquisition", "helv"),
)


def _build(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=612, height=792)
    for i, (_, text, font) in enumerate(_LINES):
        page.insert_text((72, 100 + 40 * i), text, fontsize=10, fontname=font)
    for k in range(20):  # body text sets the page's body size
        page.insert_text((72, 300 + 12 * k), "Body text of the page. " * 3, fontsize=10)


def test_header_in_body_font_kept_only_when_styled_or_numbered(
    make_pdf: Callable[..., Path],
) -> None:
    path = make_pdf("headers.pdf", _build)
    kinds = {}
    with open_pdf(path) as doc:
        page = doc.page(0)
        for i, (name, _, _) in enumerate(_LINES):
            box = BBox(70, 100 + 40 * i - 10, 300, 100 + 40 * i + 3)
            region = Region(id=name, kind=RegionKind.SECTION_HEADER, bbox=box, page_index=0)
            kinds[name] = _demote_plain_header(region, page, page.body_size_pt).kind
    assert kinds == {
        "plain": RegionKind.TEXT,
        "italic": RegionKind.SECTION_HEADER,
        "initials": RegionKind.TEXT,
        "bold": RegionKind.SECTION_HEADER,
        "paren": RegionKind.SECTION_HEADER,
    }
