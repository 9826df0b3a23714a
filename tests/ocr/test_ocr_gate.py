"""The text gate: blank pages and text-free figures are skipped before OCR."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pdf2md.ocr.gate import holds_text, is_blank
from pdf2md.ocr.orientation import dark_mask

pytest.importorskip("cv2")


def _text_image() -> Image.Image:
    image = Image.new("RGB", (900, 400), "white")
    draw = ImageDraw.Draw(image)
    for row in range(8):
        draw.text(
            (40, 30 + row * 40),
            "The quick brown fox jumps over the lazy dog " * 2,
            fill="black",
            font_size=18,
        )
    return image


def test_text_holds_text() -> None:
    assert holds_text(dark_mask(_text_image()))


def test_blank_and_specks_hold_no_text() -> None:
    blank = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(blank).point([(10, 10), (500, 700)], fill="black")
    assert is_blank(dark_mask(blank))
    assert not holds_text(dark_mask(blank))


def test_photo_and_line_art_hold_no_text() -> None:
    ramp = np.tile(np.linspace(0, 255, 800), (600, 1)).astype(np.uint8)
    photo = Image.fromarray(np.stack([ramp, ramp[::-1], ramp], axis=-1))
    art = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(art)
    for i in range(10):
        draw.ellipse(
            (50 + i * 20, 50 + i * 10, 400 + i * 20, 400 + i * 10), outline="black", width=3
        )
    assert not holds_text(dark_mask(photo))
    assert not holds_text(dark_mask(art))
