"""A page the first OCR engine reads with low confidence, or not at all, is read again by the
fallback; a page both read as empty is a warning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from PIL import Image

from pdf2md.backend import BackendContext, OcrWord
from pdf2md.model import BBox
from pdf2md.ocr.pages import PageOcr
from pdf2md.profile import resolve_profile


@dataclass
class _Engine:
    text: str
    confidence: float
    calls: int = 0

    def read(self, images: Sequence[Image.Image]) -> list[list[OcrWord]]:
        self.calls += 1
        if not self.text:
            return [[] for _ in images]
        return [[OcrWord(self.text, BBox(0, 0, 10, 10), self.confidence)] for _ in images]


def _ocr(primary: _Engine, fallback: _Engine, **overrides: object) -> PageOcr:
    profile = resolve_profile("default", overrides=dict(overrides)).profile
    ocr = PageOcr(BackendContext(profile=profile))
    ocr._engine, ocr._fallback = primary, fallback
    return ocr


def test_low_confidence_page_is_read_by_the_fallback() -> None:
    primary, fallback = _Engine("RAD SiR", 0.3), _Engine("很容易引起误读", 0.9)
    words = _ocr(primary, fallback)._read_words(0, Image.new("L", (20, 20)))
    assert [w.text for w in words] == ["很容易引起误读"] and fallback.calls == 1


def test_confident_page_never_calls_the_fallback() -> None:
    primary, fallback = _Engine("Hello", 0.95), _Engine("other", 0.99)
    words = _ocr(primary, fallback)._read_words(0, Image.new("L", (20, 20)))
    assert [w.text for w in words] == ["Hello"] and fallback.calls == 0


def test_fallback_switched_off_by_the_profile() -> None:
    primary, fallback = _Engine("RAD SiR", 0.3), _Engine("text", 0.9)
    ocr = _ocr(primary, fallback, **{"ocr.fallback_engine": ""})
    assert [w.text for w in ocr._read_words(0, Image.new("L", (20, 20)))] == ["RAD SiR"]


def test_empty_first_reading_is_read_by_the_fallback() -> None:
    # handwriting: Tesseract finds no words, RapidOCR reads some
    primary, fallback = _Engine("", 0.0), _Engine("Dear Anna", 0.7)
    words = _ocr(primary, fallback)._read_words(4, Image.new("L", (20, 20)))
    assert [w.text for w in words] == ["Dear Anna"] and fallback.calls == 1


def test_page_left_empty_by_both_engines_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    primary, fallback = _Engine("", 0.0), _Engine("", 0.0)
    with caplog.at_level("WARNING", logger="pdf2md.ocr.pages"):
        words = _ocr(primary, fallback)._read_words(4, Image.new("L", (20, 20)))
    assert words == [] and fallback.calls == 1
    assert caplog.messages == ["page 5 has ink but tesseract and rapidocr read no text on it"]
