"""Page furniture is removed where there is evidence for it, and only there (issue 12, point 7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.furniture import furniture_key, remove_furniture
from pdf2md.model import BBox, Block, Content, Page, Region, RegionKind
from pdf2md.pipeline import convert
from pdf2md.profile import resolve_profile
from pdf2md.testing import StaticLayout


def _block(rid: str, kind: RegionKind, text: str, box: BBox, page: int = 0) -> Block:
    return Block(
        region=Region(id=rid, kind=kind, bbox=box, page_index=page),
        content=Content(
            region_id=rid, text=text, recogniser="t", method="text-layer", font_size_pt=9
        ),
    )


def _page(i: int, *blocks: Block) -> Page:
    return Page(page_index=i, width_pt=612, height_pt=792, blocks=blocks)


def _texts(pages: list[Page]) -> list[list[str]]:
    return [[b.content.text for b in p.blocks] for p in pages]


def test_key_ignores_digits_spacing_and_emphasis() -> None:
    assert furniture_key("**Federal Register** / Vol. 85") == furniture_key(
        "Federal Register/Vol. 86"
    )


def _lncs(doc: pymupdf.Document) -> None:
    """Six pages with wide margins: the running heads sit below a tenth of the page."""
    for n in range(1, 7):
        page = doc.new_page(width=612, height=792)
        head = f"{n} Jane Author" if n % 2 == 0 else f"A Short Title of the Paper {n}"
        page.insert_text((135, 100), head, fontsize=9)
        page.insert_text((135, 130), f"Body text of page {n} in a wide column.", fontsize=10)


def test_running_heads_below_the_margin_are_removed_and_recorded(
    make_pdf: Callable[..., Path],
) -> None:
    result = convert(make_pdf("lncs.pdf", _lncs), profile="fast")
    assert (
        result.markdown
        == "".join(f"Body text of page {n} in a wide column.\n\n" for n in range(1, 7)).rstrip("\n")
        + "\n"
    )
    assert result.document is not None
    assert [r.text for r in result.document.pages[3].removed] == ["4 Jane Author"]
    assert result.ledger is not None
    assert (result.ledger.lost, result.ledger.duplicated) == (0, 0)
    ledger = result.document.pages[3].ledger
    assert ledger is not None and ledger.removed == {"furniture": 3}


def test_running_head_labelled_a_heading_is_not_a_heading() -> None:
    pages = [
        _page(
            i,
            _block(f"h{i}", kind, text, BBox(135, 93, 240, 102), i),
            _block(f"b{i}", RegionKind.TEXT, f"Body {i}.", BBox(135, 118, 480, 400), i),
        )
        for i, (kind, text) in enumerate(
            [
                (RegionKind.TEXT, "2 Elena Author"),
                (RegionKind.SECTION_HEADER, "4 Elena Author"),
            ]
        )
    ]
    assert _texts(remove_furniture(pages)) == [["Body 0."], ["Body 1."]]


def test_labelled_header_without_evidence_stays_as_body_text() -> None:
    # pdf-text reads a monospaced "page header" as a listing; a numbered one is a heading
    code = "```\nx = read(line)\n```"
    pages = [
        _page(
            0,
            _block("h0", RegionKind.PAGE_HEADER, "Journal of Tests, Vol. 3", BBox(50, 20, 300, 30)),
            _block("b0", RegionKind.TEXT, "Body.", BBox(50, 100, 500, 600)),
        ),
        _page(
            1,
            _block("h1", RegionKind.PAGE_HEADER, code, BBox(50, 90, 300, 100), 1),
            _block("b1", RegionKind.TEXT, "More body.", BBox(50, 110, 500, 600), 1),
            _block("f1", RegionKind.PAGE_FOOTER, "- 2 -", BBox(300, 760, 320, 770), 1),
        ),
        _page(
            2,
            _block("h2", RegionKind.PAGE_HEADER, "3 Results", BBox(50, 90, 300, 100), 2),
            _block("b2", RegionKind.TEXT, "The end.", BBox(50, 110, 500, 600), 2),
        ),
    ]
    out = remove_furniture(pages)
    assert _texts(out) == [["Body."], [code, "More body."], ["3 Results", "The end."]]
    assert [b.region.kind for b in out[1].blocks] == [RegionKind.TEXT, RegionKind.TEXT]
    assert out[2].blocks[0].region.kind == RegionKind.SECTION_HEADER
    assert [(r.reason, r.text) for r in out[0].removed] == [
        ("furniture", "Journal of Tests, Vol. 3")
    ]
    assert [r.text for r in out[1].removed] == ["- 2 -"]


def test_labelled_line_inside_the_margin_of_a_single_page_is_furniture() -> None:
    page = _page(
        0,
        _block("h", RegionKind.PAGE_HEADER, "Official - Subject to Review", BBox(256, 36, 394, 47)),
        _block("b", RegionKind.TEXT, "Body.", BBox(50, 100, 500, 600)),
        _block("n", RegionKind.PAGE_FOOTER, "`1`", BBox(320, 721, 331, 737)),
        _block("f", RegionKind.PAGE_FOOTER, "Reporting Company", BBox(264, 745, 386, 756)),
    )
    (out,) = remove_furniture([page])
    assert _texts([out]) == [["Body."]]
    assert [r.text for r in out.removed] == [
        "Official - Subject to Review",
        "`1`",
        "Reporting Company",
    ]


def test_labelled_header_seen_on_one_other_page_is_furniture() -> None:
    pages = [
        _page(
            i,
            _block(
                f"h{i}",
                RegionKind.PAGE_HEADER,
                f"Annual Report {2020 + i}",
                BBox(50, 20, 300, 30),
                i,
            ),
            _block(f"b{i}", RegionKind.TEXT, f"Body {i}.", BBox(50, 100, 500, 600), i),
        )
        for i in range(2)
    ]
    assert _texts(remove_furniture(pages)) == [["Body 0."], ["Body 1."]]


def test_real_text_at_the_top_of_a_page_stays() -> None:
    # the first line of each page differs: no evidence, nothing removed
    pages = [
        _page(
            i,
            _block(
                f"t{i}",
                RegionKind.TEXT,
                f"Paragraph {'abc'[i]} starts here.",
                BBox(50, 40, 500, 52),
                i,
            ),
            _block(f"b{i}", RegionKind.TEXT, "It goes on.", BBox(50, 60, 500, 600), i),
            _block(f"e{i}", RegionKind.TEXT, f"The end {'xyz'[i]}.", BBox(50, 760, 500, 770), i),
        )
        for i in range(3)
    ]
    out = remove_furniture(pages)
    assert _texts(out) == [[b.content.text for b in p.blocks] for p in pages]
    assert all(not p.removed for p in out)


def test_running_head_and_page_number_read_as_one_block_by_ocr() -> None:
    head = "Federal Register / Vol. 85, No. 152 / Thursday"
    pages = [
        _page(
            i,
            _block(f"h{i}", RegionKind.PAGE_HEADER, f"**{head}**", BBox(40, 35, 400, 45), i),
            _block(f"b{i}", RegionKind.TEXT, f"Body {i}.", BBox(40, 100, 500, 600), i),
        )
        for i in range(3)
    ]
    ocr = _block(
        "h3", RegionKind.TEXT, f"{head.replace(' / ', '/')}\n\n47705", BBox(40, 33, 572, 54), 3
    )
    pages.append(
        _page(3, ocr, _block("b3", RegionKind.TEXT, "Body 3.", BBox(40, 100, 500, 600), 3))
    )
    out = remove_furniture(pages)
    assert _texts(out) == [[f"Body {i}."] for i in range(4)]
    assert [r.text for r in out[3].removed] == [head.replace(" / ", "/"), "47705"]


def _stamped(doc: pymupdf.Document) -> None:
    for n in range(1, 5):
        page = doc.new_page(width=612, height=792)
        page.insert_text((22, 770), "jdoe on HOST42PROD with PROPOSALS", fontsize=6, rotate=90)
        page.insert_text((72, 100), f"Body text of page {n} is here.", fontsize=10)


def test_a_margin_stamp_on_every_page_is_furniture(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("stamped.pdf", _stamped)
    box = BBox(15, 600, 30, 775)
    regions = {
        i: [
            Region(id=f"p{i}-s", kind=RegionKind.TEXT, bbox=box, page_index=i),
            Region(id=f"p{i}-b", kind=RegionKind.TEXT, bbox=BBox(60, 85, 400, 105), page_index=i),
        ]
        for i in range(4)
    }
    prof = resolve_profile("fast", overrides={"layout.fallback": "text-heuristic"})
    result = convert(path, profile=prof, backends={"text-heuristic": StaticLayout(regions)})
    assert (
        result.markdown
        == "".join(f"Body text of page {n} is here.\n\n" for n in range(1, 5)).rstrip("\n") + "\n"
    )
    assert result.document is not None
    assert [r.text for r in result.document.pages[0].removed] == [
        "jdoe on HOST42PROD with PROPOSALS"
    ]
    assert result.ledger is not None
    assert (result.ledger.lost, result.ledger.duplicated) == (0, 0)


def _listing_at_top(doc: pymupdf.Document) -> None:
    for n in range(1, 3):
        page = doc.new_page(width=595, height=842)
        page.insert_text((300, 820), str(n), fontsize=9)
    doc[0].insert_text((72, 120), "Count an event like this:", fontsize=10)
    doc[1].insert_text(
        (72, 60), "StatsD.increment('Base.insert', rate: 0.1)", fontsize=9, fontname="cour"
    )
    doc[1].insert_text((72, 120), "The rate samples the events.", fontsize=10)


def test_a_code_line_labelled_page_header_is_kept_as_code(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("listing.pdf", _listing_at_top)
    regions = {
        0: [
            Region(id="p0-b", kind=RegionKind.TEXT, bbox=BBox(60, 105, 400, 125), page_index=0),
            Region(
                id="p0-f", kind=RegionKind.PAGE_FOOTER, bbox=BBox(290, 808, 320, 825), page_index=0
            ),
        ],
        1: [
            Region(
                id="p1-h", kind=RegionKind.PAGE_HEADER, bbox=BBox(60, 48, 400, 66), page_index=1
            ),
            Region(id="p1-b", kind=RegionKind.TEXT, bbox=BBox(60, 105, 400, 125), page_index=1),
            Region(
                id="p1-f", kind=RegionKind.PAGE_FOOTER, bbox=BBox(290, 808, 320, 825), page_index=1
            ),
        ],
    }
    prof = resolve_profile("fast", overrides={"layout.fallback": "text-heuristic"})
    result = convert(path, profile=prof, backends={"text-heuristic": StaticLayout(regions)})
    assert result.markdown == (
        "Count an event like this:\n\n"
        "```\nStatsD.increment('Base.insert', rate: 0.1)\n```\n\n"
        "The rate samples the events.\n"
    )
    assert result.document is not None
    assert [r.text for p in result.document.pages for r in p.removed] == ["1", "2"]
    assert result.ledger is not None
    assert (result.ledger.lost, result.ledger.duplicated) == (0, 0)
