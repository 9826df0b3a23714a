"""Page geometry: quarter turns, skew estimate, and mapping boxes back to the page."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from pdf2md.model import BBox
from pdf2md.ocr.orientation import PageGeometry, dark_mask, estimate_skew


def _lines_image(size: tuple[int, int] = (800, 1000)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for y in range(100, 900, 30):
        for x in range(80, 700, 40):
            draw.rectangle((x, y, x + 30, y + 10), fill="black")
    return image


@pytest.mark.parametrize("skew", [-2.0, 1.5, 3.0])
def test_estimate_skew_recovers_the_correction(skew: float) -> None:
    tilted = _lines_image().rotate(skew, fillcolor=(255, 255, 255))
    assert estimate_skew(dark_mask(tilted)) == pytest.approx(-skew, abs=0.2)


def test_level_page_has_no_skew() -> None:
    assert estimate_skew(dark_mask(_lines_image())) == 0.0


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_to_page_inverts_upright(rotation: int) -> None:
    """A black square found on the upright image maps back to where it is on the page."""
    page = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(page).rectangle((20, 30, 60, 50), fill="black")
    geom = PageGeometry(rotation=(360 - rotation) % 360)
    turned = page.rotate(rotation, expand=True)  # the page as stored, content turned
    upright = geom.upright(turned)
    ys, xs = zip(
        *[
            (y, x)
            for y in range(upright.height)
            for x in range(upright.width)
            if upright.getpixel((x, y)) == (0, 0, 0)
        ],
        strict=True,
    )
    found = BBox(min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    back = geom.to_page(found, size_px=turned.size, dpi=72)
    ink = [
        (x, y)
        for y in range(turned.height)
        for x in range(turned.width)
        if turned.getpixel((x, y)) == (0, 0, 0)
    ]
    expected = BBox(
        min(p[0] for p in ink),
        min(p[1] for p in ink),
        max(p[0] for p in ink) + 1,
        max(p[1] for p in ink) + 1,
    )
    assert max(abs(a - b) for a, b in zip(back, expected, strict=True)) <= 1.0


def _ink_box(image: Image.Image) -> BBox:
    gray = image.convert("L")
    pts = [
        (x, y) for y in range(gray.height) for x in range(gray.width) if gray.getpixel((x, y)) < 100
    ]
    return BBox(
        min(p[0] for p in pts),
        min(p[1] for p in pts),
        max(p[0] for p in pts) + 1,
        max(p[1] for p in pts) + 1,
    )


def test_skew_mapping_round_trips_a_box_centre() -> None:
    page = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(page).rectangle((300, 200, 330, 220), fill="black")
    stored = page.rotate(-2.0, fillcolor=(255, 255, 255))  # scanned 2 degrees clockwise
    geom = PageGeometry(rotation=0, skew_deg=2.0)
    back = geom.to_page(_ink_box(geom.upright(stored)), size_px=stored.size, dpi=72)
    expected = _ink_box(stored)
    assert back.center[0] == pytest.approx(expected.center[0], abs=1.5)
    assert back.center[1] == pytest.approx(expected.center[1], abs=1.5)
