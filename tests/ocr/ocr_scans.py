"""Scanned-page fixtures: born-digital pages rendered, degraded, wrapped as image-only PDFs."""

from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
import pytest
from PIL import Image, ImageFilter

WORDS = [
    "river",
    "stone",
    "window",
    "garden",
    "market",
    "letter",
    "silver",
    "morning",
    "paper",
    "station",
    "winter",
    "yellow",
    "harbour",
    "forest",
    "engine",
    "bridge",
    "candle",
    "number",
    "orange",
    "pocket",
    "signal",
    "museum",
    "travel",
    "planet",
    "summer",
    "village",
    "marble",
    "rocket",
    "basket",
    "doctor",
    "island",
    "mirror",
    "carpet",
    "finger",
    "pillow",
    "violet",
]


def sentence_text(seed: int, n_words: int) -> str:
    """Deterministic plain-word text (no hyphens, so line breaks cannot split words)."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(n_words)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def single_column_pdf(path: Path, paragraphs: list[str], *, title: str = "") -> None:
    """A Letter page with an optional title and paragraphs of 11 pt Helvetica."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    y = 72.0
    if title:
        page.insert_textbox(pymupdf.Rect(72, y, 540, y + 40), title, fontsize=18)
        y += 44
    for para in paragraphs:
        rect = pymupdf.Rect(72, y, 540, 740)
        left = page.insert_textbox(rect, para, fontsize=11, lineheight=1.3)
        y = 740 - left + 16
    doc.save(path)


def two_column_pdf(path: Path, left: list[str], right: list[str], *, title: str) -> None:
    """A Letter page: a title across the top, then two columns of paragraphs."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 68, 540, 112), title, fontsize=18)
    for x0, x1, paras in ((72, 292, left), (320, 540, right)):
        y = 120.0
        for para in paras:
            left_over = page.insert_textbox(
                pymupdf.Rect(x0, y, x1, 740), para, fontsize=10, lineheight=1.3
            )
            y = 740 - left_over + 14
    doc.save(path)


def degrade(
    image: Image.Image,
    *,
    seed: int = 0,
    noise: float = 12.0,
    blur: float = 0.6,
    skew_deg: float = 0.0,
    rotate: int = 0,
    jpeg_quality: int = 0,
) -> Image.Image:
    """Gaussian noise, a slight blur, a small skew, an optional quarter turn (CCW) and JPEG
    compression (``jpeg_quality`` 1..95; 0 = none)."""
    out = image.convert("L").filter(ImageFilter.GaussianBlur(blur)) if blur else image.convert("L")
    if skew_deg:
        out = out.rotate(skew_deg, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    arr = np.asarray(out, dtype=np.float32)
    arr = arr + np.random.default_rng(seed).normal(0, noise, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if jpeg_quality:
        buf = io.BytesIO()
        out.save(buf, format="JPEG", quality=jpeg_quality)
        out = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return out.rotate(rotate, expand=True) if rotate else out


def scan_pdf(
    source: Path,
    target: Path,
    *,
    dpi: int = 200,
    per_page: Sequence[Mapping[str, Any]] = (),
    invisible_text: str = "",
) -> None:
    """Render every page of ``source``, degrade it, and write an image-only PDF ``target``.

    ``per_page[i]`` holds :func:`degrade` arguments for page ``i`` (default: noise and blur
    only). A quarter-turned page is stored sideways, as a scanner would. ``invisible_text``
    adds an invisible (render mode 3) text layer over every page, as a bad OCR program would.
    """
    src = pymupdf.open(source)
    out = pymupdf.open()
    for i, page in enumerate(src):
        pix = page.get_pixmap(dpi=dpi)
        image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
        kw = dict(per_page[i]) if i < len(per_page) else {}
        image = degrade(image, seed=i, **kw)
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        new = out.new_page(width=image.width * 72 / dpi, height=image.height * 72 / dpi)
        new.insert_image(new.rect, stream=buf.getvalue())
        if invisible_text:
            new.insert_textbox(
                pymupdf.Rect(72, 72, new.rect.width - 72, new.rect.height - 72),
                invisible_text,
                fontsize=11,
                render_mode=3,
            )
    out.save(target)


def cer(expected: str, actual: str) -> float:
    """Character error rate: edit distance over the expected length, whitespace normalised."""
    from rapidfuzz.distance import Levenshtein

    a = " ".join(expected.split())
    b = " ".join(actual.split())
    return Levenshtein.distance(a, b) / max(1, len(a))


@dataclass(frozen=True)
class ScannedFixture:
    """An image-only PDF and the text each page should read as, in order."""

    path: Path
    expected: Sequence[str]


def _merge(target: Path, parts: Sequence[Path]) -> None:
    doc = pymupdf.open()
    for part in parts:
        doc.insert_pdf(pymupdf.open(part))
    doc.save(target)


@pytest.fixture(scope="session")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ScannedFixture:
    """Three scanned pages: one column skewed 1.5 degrees; two columns; one turned 90 degrees.

    All with noise and blur, rendered at 200 dpi.
    """
    # Several test modules import this fixture; they share one build in the session's temp root.
    d = tmp_path_factory.getbasetemp() / "ocr-scans"
    d.mkdir(exist_ok=True)
    one = [sentence_text(i, 45) for i in range(3)]
    left = [sentence_text(10 + i, 40) for i in range(3)]
    right = [sentence_text(20 + i, 40) for i in range(3)]
    turned = [sentence_text(30 + i, 45) for i in range(2)]
    single_column_pdf(d / "a.pdf", one, title="Field Notes on Rivers")
    two_column_pdf(d / "b.pdf", left, right, title="Two Column Report")
    single_column_pdf(d / "c.pdf", turned, title="A Page Scanned Sideways")
    _merge(d / "born.pdf", [d / "a.pdf", d / "b.pdf", d / "c.pdf"])
    if not (d / "scan.pdf").is_file():
        scan_pdf(
            d / "born.pdf",
            d / "scan.pdf",
            per_page=[{"skew_deg": 1.5}, {}, {"rotate": 90, "skew_deg": -0.8}],
        )
    expected = [
        " ".join(["Field Notes on Rivers", *one]),
        " ".join(["Two Column Report", *left, *right]),
        " ".join(["A Page Scanned Sideways", *turned]),
    ]
    return ScannedFixture(d / "scan.pdf", expected)


TABLE_ROWS = [
    ["City", "Country", "Population"],
    ["Lisbon", "Portugal", "545000"],
    ["Vienna", "Austria", "1982000"],
    ["Oslo", "Norway", "709000"],
    ["Dublin", "Ireland", "592000"],
]
TABLE_BOX = (72.0, 200.0, 472.0, 330.0)


def table_pdf(path: Path) -> None:
    """A page with a short paragraph and a ruled 3 x 5 table at :data:`TABLE_BOX`."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 180), sentence_text(99, 40), fontsize=11)
    x0, y0, x1, y1 = TABLE_BOX
    col_w = (x1 - x0) / 3
    row_h = (y1 - y0) / len(TABLE_ROWS)
    for r, row in enumerate(TABLE_ROWS):
        for c, cell in enumerate(row):
            rect = pymupdf.Rect(
                x0 + c * col_w, y0 + r * row_h, x0 + (c + 1) * col_w, y0 + (r + 1) * row_h
            )
            page.draw_rect(rect, color=(0, 0, 0), width=0.8)
            page.insert_text((rect.x0 + 6, rect.y1 - 8), cell, fontsize=11)
    doc.save(path)
