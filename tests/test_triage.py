"""Triage: which pages keep their text layer and which need OCR, and why."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw

from pdf2md.model import BBox
from pdf2md.source import TextLine, TextSpan, open_pdf
from pdf2md.triage import triage_page, wordlike_share

BODY = (
    "Scanned documents often carry a text layer made by some earlier program. "
    "When that layer is good we keep it, because reading it is fast and exact. "
) * 3


def _png(size: tuple[int, int] = (1275, 1650), text: bool = True) -> bytes:
    image = Image.new("RGB", size, "white")
    if text:
        draw = ImageDraw.Draw(image)
        for row in range(30):
            draw.text(
                (150, 150 + row * 40),
                "Scanned page text line number " + str(row),
                fill="black",
                font_size=28,
            )
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _pdf(
    path: Path,
    *,
    image: bytes | None = None,
    text: str = "",
    render_mode: int = 0,
    at: tuple[float, float] = (72, 110),
) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    if image is not None:
        page.insert_image(page.rect, stream=image)
    if text:
        page.insert_textbox(
            pymupdf.Rect(at[0], at[1], 540, 740), text, fontsize=11, render_mode=render_mode
        )
    doc.save(path)
    return path


def _triage(path: Path, mode: str = "auto") -> object:
    with open_pdf(path) as doc:
        return triage_page(doc.page(0), mode=mode)  # type: ignore[arg-type]


def test_born_digital_page_keeps_its_text_layer(tmp_path: Path) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf", text=BODY))
    assert (t.has_text_layer, t.needs_ocr, t.reason) == (True, False, "text layer ok")
    assert t.text_coverage > 0.01 and t.image_coverage == 0


def test_image_only_page_needs_ocr(tmp_path: Path) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf", image=_png()))
    assert (t.has_text_layer, t.needs_ocr, t.reason) == (False, True, "no text layer")
    assert t.image_coverage > 0.99


def test_blank_page_needs_nothing(tmp_path: Path) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf"))
    assert (t.needs_ocr, t.reason) == (False, "blank page")


def test_garbage_invisible_layer_is_untrustworthy(tmp_path: Path) -> None:
    garbage = " ".join(["xqzt", "Bnrkw", "pLmxq", "zzkrt", "qwxv", "tRkpl"] * 20)
    t = _triage(_pdf(tmp_path / "a.pdf", image=_png(), text=garbage, render_mode=3))
    assert t.needs_ocr and "garbage" in t.reason


def test_invisible_layer_where_the_image_has_no_ink_is_untrustworthy(tmp_path: Path) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf", image=_png(text=False), text=BODY, render_mode=3))
    assert t.needs_ocr and "does not match the image" in t.reason


def test_invisible_layer_over_matching_ink_is_kept(tmp_path: Path) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf", image=_png(), text=BODY, render_mode=3, at=(72, 72)))
    assert not t.needs_ocr and "matches" in t.reason


_LETTER = BBox(0, 0, 612, 792)


@dataclass
class _FakePage:
    """What triage reads of a PageView: lines, image boxes, drawings and the page box."""

    lines: tuple[TextLine, ...]
    image_boxes: tuple[BBox, ...] = ()
    drawings: tuple[object, ...] = ()
    bbox: BBox = _LETTER


def _fake_line(text: str, y: float) -> TextLine:
    box = BBox(72, y, 540, y + 12)
    span = TextSpan(text, box, "F1", 11.0, 0, 0, y + 10)
    return TextLine(box, (span,), 0)


@pytest.mark.parametrize("bad", ["\ufffd", "\ue001", "\x03"])
def test_unmapped_glyphs_need_ocr(bad: str) -> None:
    page = _FakePage(tuple(_fake_line(f"{bad * 4} word {bad * 3}", 72 + 14 * i) for i in range(20)))
    t = triage_page(page, mode="auto")  # type: ignore[arg-type]
    assert t.needs_ocr and "unmapped glyphs" in t.reason and t.bad_glyph_ratio > 0.1


def test_little_text_on_a_mostly_image_page_needs_ocr(tmp_path: Path) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf", image=_png(), text="Archive copy 2024"))
    assert t.needs_ocr and "little text" in t.reason


@pytest.mark.parametrize(("mode", "needs"), [("force", True), ("off", False)])
def test_modes_override(tmp_path: Path, mode: str, needs: bool) -> None:
    t = _triage(_pdf(tmp_path / "a.pdf", image=_png()), mode)
    assert t.needs_ocr is needs and mode in t.reason


def test_triage_takes_milliseconds(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "a.pdf", image=_png(), text=BODY, render_mode=3, at=(72, 72))
    with open_pdf(path) as doc:
        start = time.perf_counter()
        for _ in range(5):
            triage_page(doc.page(0))
        assert (time.perf_counter() - start) / 5 < 0.1


def test_wordlike_share() -> None:
    assert wordlike_share(BODY) == pytest.approx(1.0)
    assert wordlike_share("xqzt bnrkw plmxq zzkrt qwxv trkpl xqzt bnrkw " * 3) == 0.0
    math = "let x and y in k where the sum pn of kqk over n is finite " * 12
    assert wordlike_share(math) == 1.0  # short symbols are not judged
    assert wordlike_share("This PDF and HTML text reads well enough for people " * 3) == 1.0
    assert wordlike_share("too few words") is None
