"""The word ledger: every source word emitted once, or removed with a reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pymupdf

from pdf2md.ledger import PageSource, markdown_words, normal_words, word_ledger
from pdf2md.model import BBox, Block, Content, Page, Region, RegionKind, RemovedText
from pdf2md.pipeline import convert
from pdf2md.profile import resolve_profile
from pdf2md.render.json import document_dict
from pdf2md.testing import StaticLayout


def _page(*texts: str, removed: tuple[RemovedText, ...] = ()) -> Page:
    blocks = tuple(
        Block(
            region=Region(id=f"p0-r{i}", kind=RegionKind.TEXT, bbox=BBox(0, 0, 1, 1), page_index=0),
            content=Content(region_id=f"p0-r{i}", text=t, recogniser="t", method="text-layer"),
        )
        for i, t in enumerate(texts)
    )
    return Page(page_index=0, width_pt=100, height_pt=100, blocks=blocks, removed=removed)


def _source(text: str) -> PageSource:
    return PageSource("text-layer", Counter(normal_words(text)))


def test_words_are_normalised_for_counting() -> None:
    assert normal_words("Well-known ﬁnal WORDS, Neuchˆatel 日本") == [
        "wellknown",
        "final",
        "words",
        "neuchatel",
        "日",
        "本",
    ]
    assert markdown_words("**Bold** [link](https://x.org/a) ![alt](f.png) $\\alpha_{i}$ <br>") == [
        "bold",
        "link",
        "αi",
    ]


def test_kept_rejoined_and_latex_words_all_count_as_emitted() -> None:
    source = _source("An exam ple with α and i in it")
    ledger = word_ledger(source, _page("An example with $\\alpha$ and $i$ in it"))
    assert (ledger.words_in, ledger.lost, ledger.duplicated, ledger.added) == (9, 0, 0, 0)


def test_missing_and_doubled_words_are_counted_and_named() -> None:
    source = _source("one two three four")
    ledger = word_ledger(source, _page("one two", "two four"))
    assert (ledger.lost, ledger.duplicated) == (1, 1)
    assert ledger.lost_words == ("three",)
    assert ledger.duplicated_words == ("two",)


def test_removed_text_is_accounted_with_its_reason() -> None:
    source = _source("Running Head body text 7")
    removed = (
        RemovedText(region_id="p0-r9", reason="furniture", text="Running Head"),
        RemovedText(region_id="p0-r8", reason="furniture", text="7"),
    )
    ledger = word_ledger(source, _page("body text", removed=removed))
    assert ledger.removed == {"furniture": 3}
    assert (ledger.lost, ledger.duplicated) == (0, 0)


def _journal(doc: pymupdf.Document) -> None:
    for n in range(4):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 40), "Journal of Careful Tests", fontsize=9)
        page.insert_text((290, 820), str(n + 1), fontsize=9)
        page.insert_text(
            (72, 120), f"Page {n + 1} opens with a long sentence that is hyph-", fontsize=11
        )
        page.insert_text((72, 134), "enated at the end of its first line.", fontsize=11)


def test_conversion_keeps_a_ledger_per_page(make_pdf: Callable[..., Path]) -> None:
    result = convert(make_pdf("journal.pdf", _journal), profile="fast")
    assert (
        result.markdown
        == "".join(
            f"Page {n} opens with a long sentence that is hyphenated at the end of its first"
            " line.\n\n"
            for n in range(1, 5)
        ).rstrip("\n")
        + "\n"
    )
    assert result.document is not None
    for page in result.document.pages:
        assert page.ledger is not None
        assert page.ledger.model_dump() == {
            "source": "text-layer",
            "words_in": 22,
            "emitted": 17,
            "removed": {"furniture": 5},
            "lost": 0,
            "duplicated": 0,
            "added": 0,
            "lost_words": (),
            "duplicated_words": (),
        }
        assert [r.text for r in page.removed] == [
            "Journal of Careful Tests",
            str(page.page_index + 1),
        ]
    assert result.ledger is not None
    assert (result.ledger.words_in, result.ledger.lost, result.ledger.duplicated) == (88, 0, 0)
    ledger_json = document_dict(result.document)["pages"][0]["ledger"]
    assert ledger_json["removed"] == {"furniture": 5}


def test_a_region_read_twice_and_a_line_no_region_holds_are_reported(
    make_pdf: Callable[..., Path],
) -> None:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), "Alpha beta gamma.", fontsize=11)
        page.insert_text((72, 300), "Delta epsilon.", fontsize=11)

    regions = [
        Region(id="a", kind=RegionKind.TEXT, bbox=BBox(60, 85, 300, 105), page_index=0),
        Region(id="b", kind=RegionKind.TEXT, bbox=BBox(60, 80, 310, 110), page_index=0),
    ]
    prof = resolve_profile("fast", overrides={"layout.fallback": "text-heuristic"})
    result = convert(
        make_pdf("twice.pdf", build),
        profile=prof,
        backends={"text-heuristic": StaticLayout({0: regions})},
    )
    assert result.markdown == "Alpha beta gamma.\n\nAlpha beta gamma.\n"
    assert result.ledger is not None
    assert (result.ledger.lost, result.ledger.duplicated) == (2, 3)
    assert result.document is not None
    ledger = result.document.pages[0].ledger
    assert ledger is not None
    assert set(ledger.lost_words) == {"delta", "epsilon"}


def test_a_sideways_margin_stamp_is_recorded_as_furniture(make_pdf: Callable[..., Path]) -> None:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        page.insert_text((30, 600), "arXiv:2101.00001v1 [cs.CL] 1 Jan 2021", fontsize=14, rotate=90)
        page.insert_text((100, 120), "The body of the paper starts here.", fontsize=11)

    result = convert(make_pdf("stamp.pdf", build), profile="fast")
    assert result.document is not None
    ledger = result.document.pages[0].ledger
    assert ledger is not None
    assert result.markdown == "The body of the paper starts here.\n"
    assert (ledger.lost, ledger.duplicated, ledger.removed) == (0, 0, {"furniture": 5})
