"""End-to-end conversions of fixture PDFs, checked exactly and through markdown-it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from pdf2md.model import BBox, Region, RegionKind
from pdf2md.pipeline import convert
from pdf2md.source import open_pdf
from pdf2md.testing import EchoRecogniser, FailingLayout, FailingRecogniser, StaticLayout
from tests.conftest import simple_page, two_column_page
from tests.mdcheck import parse

SIMPLE_MD = """\
## 1 Introduction

This first paragraph has a **bold** word and goes on to a second line that ends it.

Second paragraph with a [link](https://example.org) here.

- apples
- pears
"""


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_simple_page_exact(simple_pdf: Path, profile: str) -> None:
    result = convert(simple_pdf, profile=profile)
    assert result.status == "ok", result.errors
    assert result.markdown == SIMPLE_MD
    structure = parse(result.markdown)
    assert structure.headings == [(2, "1 Introduction")]
    assert [t for _, t in structure.list_items] == ["apples", "pears"]


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_two_columns_read_column_by_column(two_column_pdf: Path, profile: str) -> None:
    md = convert(two_column_pdf, profile=profile).markdown
    labels = [f"Column{c} para{p}" for c in (1, 2) for p in (1, 2, 3)]
    positions = [md.index(f"{label} starts") for label in labels]
    assert positions == sorted(positions)
    assert md.index("A Spanning Title") < positions[0]
    assert parse(md).headings[0] == (1, "A Spanning Title")


def test_page_markers_and_page_selection(make_pdf: Callable[..., Path]) -> None:
    def build(doc: pymupdf.Document) -> None:
        for n in range(3):
            doc.new_page().insert_text((72, 100), f"Body of page {n + 1}.", fontsize=11)

    pdf = make_pdf("three.pdf", build)
    result = convert(pdf, pages=[0, 2], profile="fast")
    assert "page 2" not in result.markdown
    from pdf2md.profile import resolve_profile

    prof = resolve_profile("fast", overrides={"document.page_markers": True})
    md = convert(pdf, profile=prof).markdown
    assert md.startswith("<!-- page 1 -->\n\nBody of page 1.")
    assert md.index("<!-- page 3 -->") < md.index("Body of page 3.")


def test_bad_inputs_fail_with_one_line(tmp_path: Path, simple_pdf: Path) -> None:
    missing = convert(tmp_path / "nope.pdf")
    assert missing.status == "failed" and "no such file" in missing.errors[0].message
    text = tmp_path / "text.pdf"
    text.write_text("hello")
    assert "not a PDF" in convert(text).errors[0].message
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(simple_pdf.read_bytes()[:200])
    bad = convert(truncated)
    assert bad.status == "failed" and "\n" not in bad.errors[0].message


def test_encrypted_needs_password(make_pdf: Callable[..., Path]) -> None:
    pdf = make_pdf(
        "secret.pdf",
        simple_page,
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        user_pw="pw",
        owner_pw="owner",
    )
    failed = convert(pdf)
    assert failed.status == "failed" and "password" in failed.errors[0].message
    assert "Introduction" in convert(pdf, password="pw").markdown


def test_failing_recogniser_falls_back_and_is_recorded(simple_pdf: Path) -> None:
    echo = EchoRecogniser("ocr")
    result = convert(
        simple_pdf,
        profile="fast",
        backends={"pdf-text": FailingRecogniser("pdf-text"), "ocr": echo},
    )
    assert result.status == "partial"
    assert any(e.backend == "pdf-text" and "simulated" in e.message for e in result.errors)
    assert "text p0-" in result.markdown and echo.calls


def test_failing_layout_falls_back_to_heuristics(simple_pdf: Path) -> None:
    result = convert(
        simple_pdf, backends={"pymupdf-layout": FailingLayout()}, profile=_always_model()
    )
    assert result.status == "partial"
    assert result.errors[0].stage == "layout"
    assert "1 Introduction" in result.markdown


def _always_model():  # type: ignore[no-untyped-def]
    from pdf2md.profile import resolve_profile

    return resolve_profile("default", overrides={"layout.model_pages": "always"})


def test_static_layout_and_order(two_column_pdf: Path) -> None:
    regions = [
        Region(id="b", kind=RegionKind.TEXT, bbox=BBox(320, 110, 560, 140), page_index=0),
        Region(id="a", kind=RegionKind.TEXT, bbox=BBox(72, 110, 300, 140), page_index=0),
    ]
    from pdf2md.profile import resolve_profile

    prof = resolve_profile("fast", overrides={"layout.fallback": "text-heuristic"})
    md = convert(
        two_column_pdf, profile=prof, backends={"text-heuristic": StaticLayout({0: regions})}
    ).markdown
    assert md.index("Column1 para1") < md.index("Column2 para1")


def test_many_pages_stream_in_batches(make_pdf: Callable[..., Path]) -> None:
    def build(doc: pymupdf.Document) -> None:
        for n in range(20):
            two_column_page(doc, title=f"Title {n}")

    result = convert(make_pdf("long.pdf", build), profile="fast")
    assert result.status == "ok"
    assert result.document is not None and len(result.document.pages) == 20
    assert result.markdown.count("Column2 para3 starts") == 20


def test_zero_page_pdf_is_a_clear_error(tmp_path: Path) -> None:
    pdf = tmp_path / "zero.pdf"
    pdf.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    result = convert(pdf)
    assert result.status == "failed" and "no pages" in result.errors[0].message


def test_page_failing_in_backend_keeps_other_pages(make_pdf: Callable[..., Path]) -> None:
    def build(doc: pymupdf.Document) -> None:
        for n in range(3):
            doc.new_page().insert_text((72, 100), f"Body of page {n + 1}.", fontsize=11)

    pdf = make_pdf("three.pdf", build)
    from pdf2md.profile import resolve_profile

    prof = resolve_profile("fast", overrides={"route.text": ["pdf-text"]})

    class PageTwoFails:
        name = "pdf-text"

        def __init__(self) -> None:
            from pdf2md.backend import BackendContext
            from pdf2md.recognise.pdf_text import PdfTextRecogniser

            self.inner = PdfTextRecogniser(BackendContext(profile=prof.profile))

        def load(self) -> None:
            """Nothing to load."""

        def recognise(self, crops):  # type: ignore[no-untyped-def]
            if any(c.region.page_index == 1 for c in crops):
                raise RuntimeError("boom on page 2")
            return self.inner.recognise(crops)

    progress: list[tuple[int, int]] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("pdf2md.chunks.PAGE_BATCH", 1)
        result = convert(
            pdf,
            profile=prof,
            backends={"pdf-text": PageTwoFails()},
            on_progress=lambda d, t: progress.append((d, t)),
        )
    assert result.status == "partial"
    assert "Body of page 1." in result.markdown and "Body of page 3." in result.markdown
    assert "page 2" not in result.markdown
    assert result.errors[0].page_index == 1 and "boom" in result.errors[0].message
    assert result.document is not None and result.document.pages[1].method == "failed"
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_words_placed_without_spaces_get_them_back(make_pdf: Callable[..., Path]) -> None:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page()
        writer = pymupdf.TextWriter(page.rect)
        font = pymupdf.Font("helv")
        x = 72.0
        for word in ("Words", "placed", "by", "position", "alone", "without", "spaces"):
            writer.append((x, 100), word, font=font, fontsize=11)
            x += font.text_length(word, fontsize=11) + 1.5
        writer.write_text(page)

    md = convert(make_pdf("nospace.pdf", build), profile="fast").markdown
    assert md.strip() == "Words placed by position alone without spaces"


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_rotated_page_reads_in_display_space(make_pdf: Callable[..., Path], profile: str) -> None:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=612, height=792)
        page.set_rotation(90)

        def put(x: float, y: float, text: str, size: float = 11, font: str = "helv") -> None:
            point = pymupdf.Point(x, y) * page.derotation_matrix
            page.insert_text(point, text, fontsize=size, fontname=font, rotate=page.rotation)

        put(72, 80, "1 Landscape Heading", 16, "hebo")
        put(72, 110, "First line of a paragraph on a landscape page that")
        put(72, 124, "continues on a second line here.")

    result = convert(make_pdf("rotated.pdf", build), profile=profile)
    assert result.markdown == (
        "## 1 Landscape Heading\n\n"
        "First line of a paragraph on a landscape page that continues on a second line here.\n"
    )


def test_converter_keeps_backends_loaded_across_documents(
    simple_pdf: Path, two_column_pdf: Path
) -> None:
    from pdf2md.pipeline import Converter

    with Converter("default") as converter:
        first = converter.convert(simple_pdf)
        loaded = converter.loaded_backends()
        second = converter.convert(two_column_pdf)
        again = converter.loaded_backends()
    assert first.markdown == SIMPLE_MD
    assert second.markdown == convert(two_column_pdf).markdown
    assert loaded and all(any(a is b for b in again) for a in loaded)


def _picture_page(doc: pymupdf.Document, *, background: bool = False) -> None:
    """A striped picture between two lines of text (PyMuPDF's layout model misses it), and
    with ``background`` a tint with a paragraph printed over it."""
    page = doc.new_page(width=400, height=500)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 120, 80), 0)
    pix.set_rect(pix.irect, (200, 40, 40))
    for x in range(0, 120, 10):
        pix.set_rect(pymupdf.IRect(x, 0, x + 5, 80), (20, 20, 200))
    if background:  # a picture with a paragraph printed over it
        page.insert_image(pymupdf.Rect(30, 60, 380, 200), pixmap=pix)
        for i in range(8):
            page.insert_text(
                (40, 80 + 15 * i), f"Line {i} of a boxed note over a tint.", fontsize=11
            )
    page.insert_text((40, 50), "A page with a picture", fontsize=14)
    page.insert_text(
        (40, 230), "Some body text above the picture that says what it shows.", fontsize=9
    )
    page.insert_image(pymupdf.Rect(80, 250, 320, 410), pixmap=pix)
    page.insert_text((40, 430), "Figure 1: A red and blue picture.", fontsize=9)


def test_picture_the_layout_model_misses_still_becomes_a_figure(
    make_pdf: Callable[..., Path], tmp_path: Path
) -> None:
    pdf = make_pdf("pictures.pdf", _picture_page)
    md = convert(pdf, images_dir=tmp_path / "img").markdown
    figures = [line for line in md.splitlines() if line.startswith("![")]
    assert len(figures) == 1, md
    assert md.index("says what it shows") < md.index(figures[0]) < md.index("Figure 1: A red")


def test_note_printed_over_a_tint_is_read_as_text(
    make_pdf: Callable[..., Path], tmp_path: Path
) -> None:
    pdf = make_pdf("note.pdf", lambda d: _picture_page(d, background=True))
    md = convert(pdf, images_dir=tmp_path / "img").markdown
    assert all(f"Line {i} of a boxed note over a tint." in md for i in range(8)), md
    figures = [line for line in md.splitlines() if line.startswith("![")]
    assert len(figures) == 1, md


def test_converter_writes_each_documents_images_to_its_own_folder(
    make_pdf: Callable[..., Path], tmp_path: Path
) -> None:
    from pdf2md.pipeline import Converter

    pdf = make_pdf("picture.pdf", _picture_page)
    with Converter("default") as converter:
        a = converter.convert(pdf, images_dir=tmp_path / "a")
        b = converter.convert(pdf, images_dir=tmp_path / "b", image_link_prefix="x")
        c = converter.convert(pdf)
    assert "![Figure 1: A red and blue picture.](a/p1-r2-figure.png)" in a.markdown
    assert "![Figure 1: A red and blue picture.](x/p1-r2-figure.png)" in b.markdown
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["p1-r2-figure.png"]
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["p1-r2-figure.png"]
    assert "![" not in c.markdown


def test_converter_rejects_a_bad_profile_at_once() -> None:
    from pdf2md.errors import ConfigError
    from pdf2md.pipeline import Converter

    with pytest.raises(ConfigError):
        Converter("no-such-profile")


@pytest.mark.parametrize("rotation", [0, 90, 270])
def test_page_with_sideways_text_is_turned_upright(
    make_pdf: Callable[..., Path], rotation: int
) -> None:
    """Text laid out for a landscape reader but stored sideways: no /Rotate says so."""

    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=612, height=792)
        # display space of the page as it should be read: 792 wide, 612 high
        turn = pymupdf.Matrix(rotation)
        frame = pymupdf.Rect(0, 0, 792, 612) * turn
        to_page = turn * pymupdf.Matrix(1, 0, 0, 1, -frame.x0, -frame.y0)

        def put(x: float, y: float, text: str, size: float = 11, font: str = "helv") -> None:
            page.insert_text(
                pymupdf.Point(x, y) * to_page, text, fontsize=size, fontname=font, rotate=-rotation
            )

        put(72, 80, "1 Sideways Heading", 16, "hebo")
        put(72, 110, "First line of a paragraph stored sideways on the page that")
        put(72, 124, "continues on a second line here.")
        (word,) = page.search_for("second")
        page.insert_link({"kind": pymupdf.LINK_URI, "from": word, "uri": "https://example.org"})

    result = convert(make_pdf("sideways.pdf", build), profile="fast")
    assert result.markdown == (
        "## 1 Sideways Heading\n\n"
        "First line of a paragraph stored sideways on the page that continues on a "
        "[second](https://example.org) line here.\n"
    )


def _slide(doc: pymupdf.Document) -> None:
    """A slide: filled shapes as the whole background and behind the text, text over them."""
    page = doc.new_page(width=720, height=540)
    page.draw_rect(page.rect, color=None, fill=(0.9, 0.94, 0.98))
    page.draw_rect(pymupdf.Rect(24, 60, 696, 130), color=None, fill=(0.7, 0.8, 0.95))
    page.draw_rect(pymupdf.Rect(24, 170, 696, 240), color=None, fill=(0.8, 0.9, 0.8))
    page.insert_text((80, 100), "Agenda", fontsize=32)
    page.insert_text((80, 200), "The share table cuts food waste at lunch time.", fontsize=18)


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_text_over_a_background_drawing_is_read(
    make_pdf: Callable[..., Path], profile: str
) -> None:
    md = convert(make_pdf("slide.pdf", _slide), profile=profile).markdown
    assert "Agenda" in md and "The share table cuts food waste at lunch time." in md, md
    assert "![" not in md


def _placed(page: pymupdf.Page, pieces: list[tuple[str, float]], font: pymupdf.Font) -> None:
    """Write ``(text, gap after it in points)`` pieces one after another on one baseline."""
    writer = pymupdf.TextWriter(page.rect)
    x = 72.0
    for text, gap in pieces:
        writer.append((x, 100), text, font=font, fontsize=11)
        x += font.text_length(text, fontsize=11) + gap
    writer.write_text(page)


def test_tightly_set_text_gets_its_word_spaces(make_pdf: Callable[..., Path]) -> None:
    # a line that has some real spaces, and word gaps of 0.15 em where a space is missing
    pieces = [("This", 1.6), ("is", 0.0), (" a", 1.6), ("ruby", 1.6), ("client", 0.0)]
    pieces += [(" for", 1.6), ("statsd.", 1.6), ("It", 1.6), ("provides", 1.6), ("a", 1.6)]
    pieces += [("lightweight", 1.6), ("way", 0.0)]

    def build(doc: pymupdf.Document) -> None:
        _placed(doc.new_page(), pieces, pymupdf.Font("helv"))

    result = convert(make_pdf("tight.pdf", build), profile="fast")
    assert result.markdown == "This is a ruby client for statsd. It provides a lightweight way\n"
    assert result.ledger is not None and (result.ledger.lost, result.ledger.duplicated) == (0, 0)


def test_tightly_set_text_under_a_link_keeps_its_word_spaces(
    make_pdf: Callable[..., Path],
) -> None:
    pieces = [("Learn", 1.6), ("Live:", 1.6), ("7", 1.6), ("live", 1.6), ("streamed", 1.6)]
    pieces += [("episodes", 1.6), ("to", 1.6), ("watch", 0.0)]

    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page()
        _placed(page, pieces, pymupdf.Font("helv"))
        linked = page.search_for("LearnLive")[0]
        page.insert_link({"kind": pymupdf.LINK_URI, "from": linked, "uri": "https://example.org"})

    result = convert(make_pdf("tightlink.pdf", build), profile="fast")
    assert result.markdown == (
        "[Learn Live](https://example.org): 7 live streamed episodes to watch\n"
    )


def test_a_monospaced_span_gets_no_spaces_at_narrow_glyphs(make_pdf: Callable[..., Path]) -> None:
    # TeX's CMTT reports inked glyph boxes: "." and "(" leave gaps of a fifth of an em that
    # are not word spaces ("console . log ( add (3 , 5));" was written)
    def build(doc: pymupdf.Document) -> None:
        doc.new_page().insert_text((72, 100), "connection.execute(statement)", fontname="cour")

    with open_pdf(make_pdf("mono.pdf", build)) as src:
        view = src.page(0)
        span = view.lines[0].spans[0]
        inked = [
            dataclasses.replace(c, bbox=c.bbox.pad(-0.2 * c.size)) if c.char in ".(" else c
            for c in view.chars_in(span.bbox)
        ]
        view.chars_in = lambda _box: inked  # type: ignore[method-assign]
        assert view._respaced(span).text == "connection.execute(statement)"


def test_japanese_set_with_gaps_gets_no_spaces(make_pdf: Callable[..., Path]) -> None:
    pieces = [(ch, 2.0) for ch in "あのイーハトーヴォのすきとおった風"]

    def build(doc: pymupdf.Document) -> None:
        _placed(doc.new_page(), pieces, pymupdf.Font("cjk"))

    result = convert(make_pdf("ja.pdf", build), profile="fast")
    assert result.markdown == "あのイーハトーヴォのすきとおった風\n"
