"""A page the first OCR engine reads with low confidence is read again by the fallback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
        return [[OcrWord(self.text, BBox(0, 0, 10, 10), self.confidence)] for _ in images]


def _ocr(primary: _Engine, fallback: _Engine, **overrides: object) -> PageOcr:
    profile = resolve_profile("default", overrides=dict(overrides)).profile
    ocr = PageOcr(BackendContext(profile=profile))
    ocr._engine, ocr._fallback = primary, fallback
    return ocr


def test_low_confidence_page_is_read_by_the_fallback() -> None:
    primary, fallback = _Engine("RAD SiR", 0.3), _Engine("很容易引起误读", 0.9)
    words = _ocr(primary, fallback)._read_words(Image.new("L", (20, 20)))
    assert [w.text for w in words] == ["很容易引起误读"] and fallback.calls == 1


def test_confident_page_never_calls_the_fallback() -> None:
    primary, fallback = _Engine("Hello", 0.95), _Engine("other", 0.99)
    words = _ocr(primary, fallback)._read_words(Image.new("L", (20, 20)))
    assert [w.text for w in words] == ["Hello"] and fallback.calls == 0


def test_fallback_switched_off_by_the_profile() -> None:
    primary, fallback = _Engine("RAD SiR", 0.3), _Engine("text", 0.9)
    ocr = _ocr(primary, fallback, **{"ocr.fallback_engine": ""})
    assert [w.text for w in ocr._read_words(Image.new("L", (20, 20)))] == ["RAD SiR"]
