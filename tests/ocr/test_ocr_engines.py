"""The OCR engines on small rendered images, and their errors when something is missing."""

from __future__ import annotations

import pymupdf
import pytest
from PIL import Image

from pdf2md.backend import BackendContext, OcrEngine
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox
from pdf2md.profile import Profile
from pdf2md.registry import OCR_ENGINES


def _context(**ocr: object) -> BackendContext:
    return BackendContext(profile=Profile.model_validate({"ocr": ocr}))


def _line_image(text: str) -> Image.Image:
    doc = pymupdf.open()
    page = doc.new_page(width=360, height=60)
    page.insert_text((12, 36), text, fontsize=14)
    pix = page.get_pixmap(dpi=200)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


@pytest.mark.parametrize("name", ["tesseract", "rapidocr"])
def test_engine_reads_a_line_with_pixel_boxes(name: str) -> None:
    pytest.importorskip("tesserocr" if name == "tesseract" else "rapidocr")
    engine = OCR_ENGINES.resolve(name)(_context(engine=name))
    assert isinstance(engine, OcrEngine)
    engine.load()
    image = _line_image("Scanned pages read well")
    (words,) = engine.read([image])
    assert " ".join(w.text for w in words) == "Scanned pages read well"
    xs = [w.bbox_px.x0 for w in words]
    assert xs == sorted(xs)
    assert all(0 <= w.bbox_px.x1 <= image.width and w.bbox_px.y1 <= image.height for w in words)
    assert engine.version != "unknown"


def test_tesseract_missing_language_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tesserocr")
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    engine = OCR_ENGINES.resolve("tesseract")(_context(languages=["xxx"]))
    with pytest.raises(
        BackendUnavailable,
        match=r"^tesseract: no traineddata for xxx \(apt-get install tesseract-ocr-xxx\)",
    ):
        engine.load()


def test_rapidocr_unsupported_language_is_a_clear_error() -> None:
    engine = OCR_ENGINES.resolve("rapidocr")(_context(engine="rapidocr", languages=["ara"]))
    with pytest.raises(BackendUnavailable, match="ara"):
        engine.load()


def test_engine_options_are_strict() -> None:
    from pdf2md.errors import ConfigError

    profile = Profile.model_validate({"options": {"tesseract": {"psm_typo": 3}}})
    with pytest.raises(ConfigError, match="psm_typo"):
        OCR_ENGINES.resolve("tesseract")(BackendContext(profile=profile))


def test_rapidocr_pieces_merge_into_space_separated_tokens() -> None:
    from types import SimpleNamespace

    from pdf2md.ocr.rapidocr import _words

    def quad(x0: float, x1: float) -> list[list[float]]:
        return [[x0, 0], [x1, 0], [x1, 10], [x0, 10]]

    pieces = [
        ("1", 0.9, quad(0, 5)),
        ("9", 0.9, quad(5, 10)),
        ("年", 0.8, quad(10, 20)),
        ("Fine", 0.9, quad(30, 50)),
        ("Art", 0.9, quad(55, 70)),
    ]
    result = SimpleNamespace(txts=("19年 Fine Art",), word_results=(tuple(pieces),))
    words = _words(result)
    assert [w.text for w in words] == ["19年", "Fine", "Art"]
    assert words[0].bbox_px == BBox(0, 0, 20, 10) and words[0].confidence == 0.8
