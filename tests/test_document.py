"""Cross-page work: furniture, heading levels, continued paragraphs, list nesting."""

from __future__ import annotations

from pdf2md.document import (
    assign_heading_levels,
    join_continued_paragraphs,
    merge_split_headings,
    nest_lists,
    remove_furniture,
)
from pdf2md.model import BBox, Block, Content, Page, Region, RegionKind


def _block(
    rid: str, kind: RegionKind, text: str, box: BBox, page: int = 0, size: float | None = None
) -> Block:
    return Block(
        region=Region(id=rid, kind=kind, bbox=box, page_index=page),
        content=Content(
            region_id=rid, text=text, recogniser="t", method="text-layer", font_size_pt=size
        ),
    )


def _page(i: int, *blocks: Block) -> Page:
    return Page(page_index=i, width_pt=612, height_pt=792, blocks=blocks)


def test_repeated_running_head_and_page_numbers_removed() -> None:
    pages = [
        _page(
            i,
            _block(f"h{i}", RegionKind.TEXT, "ACME Annual Report 2024", BBox(50, 20, 300, 30), i),
            _block(f"b{i}", RegionKind.TEXT, f"Body {i}.", BBox(50, 100, 500, 600), i),
            _block(f"n{i}", RegionKind.TEXT, str(i + 1), BBox(300, 760, 310, 770), i),
        )
        for i in range(4)
    ]
    out = remove_furniture(pages)
    assert [[b.content.text for b in p.blocks] for p in out] == [[f"Body {i}."] for i in range(4)]


def test_heading_levels_from_numbering_and_outline() -> None:
    box = BBox(50, 100, 300, 112)
    page = _page(
        0,
        _block("t", RegionKind.TITLE, "A Paper", box, size=20),
        _block("a", RegionKind.SECTION_HEADER, "1 Intro", box, size=12),
        _block("b", RegionKind.SECTION_HEADER, "1.2 Detail", box, size=11),
        _block("c", RegionKind.SECTION_HEADER, "Acknowledgements", box, size=12),
        _block("d", RegionKind.SECTION_HEADER, "Outlined Part", box, size=9),
    )
    outline = [(1, "Intro", 1), (2, "Outlined Part", 1), (1, "Other", 2)]
    out = assign_heading_levels([page], outline, "auto")
    levels = {b.region.id: b.region.level for b in out[0].blocks}
    assert levels == {"t": 1, "a": 2, "b": 3, "c": 2, "d": 3}
    # an outline whose single top entry is the title maps level 1 to "#"
    titled = [(1, "A Paper", 1), (2, "Outlined Part", 1)]
    out = assign_heading_levels([page], titled, "auto")
    assert {b.region.id: b.region.level for b in out[0].blocks}["d"] == 2


def test_paragraph_continued_across_pages_with_hyphen() -> None:
    pages = [
        _page(0, _block("a", RegionKind.TEXT, "The end of this para-", BBox(50, 600, 500, 700))),
        _page(1, _block("b", RegionKind.TEXT, "graph comes here.", BBox(50, 80, 500, 100), 1)),
    ]
    out = join_continued_paragraphs(pages)
    assert out[0].blocks[0].content.text == "The end of this para"
    assert out[1].blocks[0].joins == "direct"


def test_finished_paragraph_not_joined() -> None:
    pages = [
        _page(0, _block("a", RegionKind.TEXT, "A full sentence.", BBox(50, 600, 500, 700))),
        _page(1, _block("b", RegionKind.TEXT, "another one.", BBox(50, 80, 500, 100), 1)),
    ]
    assert join_continued_paragraphs(pages)[1].blocks[0].joins == "break"


def test_list_nesting_from_indentation() -> None:
    page = _page(
        0,
        _block("1", RegionKind.LIST_ITEM, "- top", BBox(50, 100, 300, 110)),
        _block("2", RegionKind.LIST_ITEM, "- inner", BBox(70, 112, 300, 122)),
        _block("3", RegionKind.LIST_ITEM, "- top again", BBox(50, 124, 300, 134)),
    )
    texts = [b.content.text for b in nest_lists(page).blocks]
    assert texts == ["- top", "  - inner", "- top again"]


def test_heading_set_on_two_lines_is_one_heading() -> None:
    h = RegionKind.SECTION_HEADER
    page = _page(
        0,
        _block("a", h, "ACCELERATED 3D RESISTIVITY", BBox(83, 99, 529, 114), size=13.8),
        _block("b", h, "WITH A JACOBIAN-FREE APPROACH", BBox(133, 119, 479, 134), size=13.8),
        _block("c", h, "1 Introduction", BBox(72, 140, 155, 152), size=13.8),
        _block("d", RegionKind.TEXT, "Body text.", BBox(72, 160, 540, 300), size=10),
        _block("n", h, "3", BBox(73, 431, 81, 441), size=13.5),
        _block("t", h, "Results", BBox(99, 431, 145, 443), size=13.5),
        _block("s", h, "Other", BBox(72, 450, 145, 460), size=10),
    )
    out = merge_split_headings(page)
    assert [(b.region.id, b.content.text) for b in out.blocks] == [
        ("a", "ACCELERATED 3D RESISTIVITY WITH A JACOBIAN-FREE APPROACH"),
        ("c", "1 Introduction"),
        ("d", "Body text."),
        ("n", "3 Results"),
        ("s", "Other"),
    ]
    assert out.blocks[0].region.bbox == BBox(83, 99, 529, 134)


def test_roman_sections_with_lettered_subsections() -> None:
    box = BBox(50, 100, 300, 112)
    h = RegionKind.SECTION_HEADER
    page = _page(
        0,
        _block("i", h, "I. INTRODUCTION", box, size=8),
        _block("ii", h, "II. MATERIALS", box, size=8),
        _block("a", h, "A. Sensors", box, size=10),
        _block("c", h, "C. Algorithm structure", box, size=10),
        _block("iv", h, "IV. CONCLUSION", box, size=8),
    )
    out = assign_heading_levels([page], [], "auto")
    levels = {b.region.id: b.region.level for b in out[0].blocks}
    assert levels == {"i": 2, "ii": 2, "a": 3, "c": 3, "iv": 2}


def test_unnumbered_heading_smaller_than_numbered_sits_below_it() -> None:
    box = BBox(50, 100, 300, 112)
    h = RegionKind.SECTION_HEADER
    page = _page(
        0,
        _block("s1", h, "1 Introduction", box, size=13.5),
        _block("sub", h, "(1) The revised law", box, size=12.5),
        _block("s2", h, "2 Problems", box, size=13.5),
        _block("small", h, "Remarks", box, size=10),
    )
    out = assign_heading_levels([page], [], "auto")
    levels = {b.region.id: b.region.level for b in out[0].blocks}
    assert levels == {"s1": 2, "sub": 3, "s2": 2, "small": 4}


def test_headings_larger_than_numbered_ones_never_rank_below_them() -> None:
    box = BBox(50, 100, 300, 112)
    h = RegionKind.SECTION_HEADER
    page = _page(
        0,
        _block("title", h, "A Book", box, size=40),
        _block("part", h, "Part One", box, size=34),
        _block("chapter", h, "Securing the data", box, size=28),
        _block("preface", h, "Preface", box, size=24),
        _block("s", h, "1.1 Fundamentals", box, size=16),
        _block("ss", h, "1.3.1 Existing control", box, size=13),
        _block("minor", h, "Column mask", box, size=12),
    )
    out = assign_heading_levels([page], [], "auto")
    levels = {b.region.id: b.region.level for b in out[0].blocks}
    assert levels == {
        "title": 1,
        "part": 2,
        "chapter": 2,
        "preface": 2,
        "s": 3,
        "ss": 4,
        "minor": 4,
    }


def test_margin_line_the_layout_called_a_footer_elsewhere_is_furniture() -> None:
    # a running foot seen on fewer pages than the repetition threshold (it alternates with
    # other feet), which the layout labelled a footer on two other pages
    pages = []
    for i in range(10):
        foot = f"{i + 1} Access Control in DB2" if i in (1, 3, 9) else f"Chapter {i}. Rows"
        kind = RegionKind.PAGE_FOOTER if i < 8 else RegionKind.SECTION_HEADER
        pages.append(
            _page(
                i,
                _block(f"b{i}", RegionKind.TEXT, f"Body {i}.", BBox(50, 100, 500, 600), i),
                _block(f"f{i}", kind, foot, BBox(65, 755, 340, 764), i, size=10),
            )
        )
    out = remove_furniture(pages)
    assert [[b.content.text for b in p.blocks] for p in out] == [[f"Body {i}."] for i in range(10)]
