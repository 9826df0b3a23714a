"""A hidden text layer is checked against the ink: a true OCR layer is kept, a wrong one
(an old OCR run, a wrong encoding) is replaced by OCR, with the reason recorded."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from pdf2md.pipeline import convert
from tests.ocr.ocr_scans import degrade, sentence_text

LINES = [sentence_text(40 + i, 9) for i in range(10)]


def _scan_with_layer(path: Path, layer: list[str], *, under_image: bool = False) -> None:
    """A degraded scan of LINES; ``layer`` is written at the same places, invisible (or
    visible but beneath the image, as some scanners do)."""
    born = pymupdf.open()
    page = born.new_page(width=612, height=792)
    for i, line in enumerate(LINES):
        page.insert_text((72, 100 + 30 * i), line, fontsize=12)
    pix = page.get_pixmap(dpi=200)
    image = degrade(Image.frombytes("RGB", (pix.width, pix.height), pix.samples), blur=0.5)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    out = pymupdf.open()
    new = out.new_page(width=612, height=792)
    if not under_image:
        new.insert_image(new.rect, stream=buf.getvalue())
    for i, line in enumerate(layer):
        new.insert_text((72, 100 + 30 * i), line, fontsize=12, render_mode=0 if under_image else 3)
    if under_image:
        new.insert_image(new.rect, stream=buf.getvalue())
    out.save(path)


def _garbled(line: str) -> str:
    # what an old OCR run writes: letters confused, words split
    table = str.maketrans("aeimnorst", "oclrnuatf")
    return " ".join(w.translate(table) for w in line.split())


@pytest.fixture(autouse=True)
def _needs_tesseract() -> None:
    pytest.importorskip("tesserocr")


@pytest.mark.parametrize("under_image", [False, True])
def test_true_hidden_layer_is_kept(tmp_path: Path, under_image: bool) -> None:
    _scan_with_layer(tmp_path / "a.pdf", LINES, under_image=under_image)
    result = convert(tmp_path / "a.pdf")
    (page,) = result.document.pages if result.document else ()
    assert page.method == "text-layer"
    assert page.triage is not None and "text layer matches the ink" in page.triage.reason
    assert " ".join(result.markdown.split()) == " ".join(LINES)


@pytest.mark.parametrize("under_image", [False, True])
def test_wrong_hidden_layer_is_replaced_by_ocr(tmp_path: Path, under_image: bool) -> None:
    _scan_with_layer(tmp_path / "a.pdf", [_garbled(x) for x in LINES], under_image=under_image)
    result = convert(tmp_path / "a.pdf")
    (page,) = result.document.pages if result.document else ()
    assert page.method == "ocr"
    assert page.triage is not None and page.triage.needs_ocr
    assert "text layer disagrees with the ink (OCR agrees" in page.triage.reason
    assert " ".join(result.markdown.split()) == " ".join(LINES)


def test_born_digital_page_is_not_ocrd(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(LINES):
        page.insert_text((72, 100 + 30 * i), line, fontsize=12)
    doc.save(tmp_path / "b.pdf")
    result = convert(tmp_path / "b.pdf")
    assert result.document is not None
    assert result.document.pages[0].triage.reason == "text layer ok"  # type: ignore[union-attr]
    assert result.stats.get("ocr_pages", 0.0) == 0.0
