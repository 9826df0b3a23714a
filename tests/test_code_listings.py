"""A listing comes out as one fenced block, lines and indentation kept (issue 12, point 8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.layout.refine import merge_code_runs
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.pipeline import convert
from pdf2md.profile import resolve_profile
from pdf2md.recognise.pdf_text import PdfTextRecogniser
from pdf2md.source import open_pdf
from pdf2md.testing import StaticLayout
from pdf2md.triage import triage_page

_LISTING = [
    "# time a block of code",
    "StatsD.measure('Base.insert') do",
    "  Base.insert(product)",
    "end",
]


def _numbered_listing(page: pymupdf.Page, lines: list[str], *, y: float, first: int) -> None:
    for n, line in enumerate(lines):
        page.insert_text((72, y + 12 * n), str(first + n), fontsize=8)
        indent = len(line) - len(line.lstrip())  # set by position, as typesetters do
        page.insert_text((90 + 5.4 * indent, y + 12 * n), line.strip(), fontsize=9, fontname="cour")


def _listing_page(doc: pymupdf.Document) -> None:
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "Time a block like this:", fontsize=10)
    _numbered_listing(page, _LISTING, y=130, first=1)
    page.insert_text((72, 200), "The block runs once.", fontsize=10)


def test_a_listing_cut_into_regions_is_one_code_region(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("listing.pdf", _listing_page)
    with open_pdf(path) as doc:
        page = doc.page(0)
        # the layout model's cut: a line, two lines, and a short "end" on its own
        cuts = [BBox(70, 121, 300, 133), BBox(70, 133, 300, 157), BBox(70, 157, 300, 168)]
        regions = [
            Region(id="p0-t", kind=RegionKind.TEXT, bbox=BBox(70, 90, 300, 103), page_index=0),
            *(
                Region(id=f"p0-c{i}", kind=kind, bbox=box, page_index=0)
                for i, (kind, box) in enumerate(
                    zip((RegionKind.TEXT, RegionKind.LIST_ITEM, RegionKind.TEXT), cuts)
                )
            ),
            Region(id="p0-e", kind=RegionKind.TEXT, bbox=BBox(70, 190, 300, 203), page_index=0),
        ]
        merged = merge_code_runs(regions, page)
        assert [(r.id, r.kind) for r in merged] == [
            ("p0-t", RegionKind.TEXT),
            ("p0-c0", RegionKind.CODE),
            ("p0-e", RegionKind.TEXT),
        ]
        crop = RegionCrop(merged[1], page, triage_page(page))
        (content,) = PdfTextRecogniser(BackendContext()).recognise([crop])
    assert content is not None
    assert content.text == "```\n" + "\n".join(_LISTING) + "\n```"
    assert [r.text for r in content.removed] == ["1 2 3 4"]


def _listing_over_a_page_break(doc: pymupdf.Document) -> None:
    for n in (1, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_text((300, 820), str(n), fontsize=9)
    doc[0].insert_text((72, 700), "Time a block like this:", fontsize=10)
    _numbered_listing(doc[0], _LISTING[:2], y=740, first=1)
    _numbered_listing(doc[1], _LISTING[2:], y=80, first=3)
    doc[1].insert_text((72, 160), "The block runs once.", fontsize=10)


def test_a_listing_over_a_page_break_is_one_fence(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("broken.pdf", _listing_over_a_page_break)

    def regions(i: int, *parts: tuple[str, RegionKind, BBox]) -> list[Region]:
        return [Region(id=f"p{i}-{n}", kind=k, bbox=b, page_index=i) for n, k, b in parts]

    foot = ("f", RegionKind.PAGE_FOOTER, BBox(290, 808, 320, 825))
    layout = {
        0: regions(
            0,
            ("t", RegionKind.TEXT, BBox(60, 690, 400, 705)),
            ("c", RegionKind.CODE, BBox(60, 730, 400, 756)),
            foot,
        ),
        1: regions(
            1,
            ("c", RegionKind.CODE, BBox(60, 70, 400, 96)),
            ("t", RegionKind.TEXT, BBox(60, 150, 400, 165)),
            foot,
        ),
    }
    prof = resolve_profile("fast", overrides={"layout.fallback": "text-heuristic"})
    result = convert(path, profile=prof, backends={"text-heuristic": StaticLayout(layout)})
    assert result.markdown == (
        "Time a block like this:\n\n```\n" + "\n".join(_LISTING) + "\n```\n\nThe block runs once.\n"
    )
    assert result.ledger is not None
    assert (result.ledger.lost, result.ledger.duplicated) == (0, 0)
