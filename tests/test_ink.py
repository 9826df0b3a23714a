"""Nearly empty output from a page with ink is a warning naming the page (issue 11, point 5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
from typer.testing import CliRunner

from pdf2md.cli import app
from pdf2md.ink import ink_share
from pdf2md.model import ErrorItem
from pdf2md.pipeline import convert

MESSAGE = "almost no text came out, but the page has ink (handwriting or a picture of text?)"


def _handwriting_then_blank(doc: pymupdf.Document) -> None:
    """Page 1: a text line, page 2: pen strokes and no text, page 3: blank."""
    doc.new_page(width=595, height=842).insert_text((72, 100), "Typed page.", fontsize=12)
    page = doc.new_page(width=595, height=842)
    for i in range(6):
        y = 120 + 40 * i
        points = [pymupdf.Point(72 + 12 * k, y + (8 if k % 2 else -8)) for k in range(35)]
        page.draw_polyline(points, width=1.5)
    doc.new_page(width=595, height=842)


def test_ink_share_against_the_background() -> None:
    assert ink_share([255] * 98 + [0, 0]) == 0.02
    assert ink_share([200] * 100) == 0.0  # a grey scan is background, not ink
    assert ink_share(b"") == 0.0


def test_page_with_ink_and_no_text_is_a_warning(make_pdf: Callable[..., Path]) -> None:
    result = convert(make_pdf("hand.pdf", _handwriting_then_blank))
    assert result.status == "partial"
    assert result.errors == (ErrorItem(stage="recognise", page_index=1, message=MESSAGE),)
    assert result.markdown == "Typed page.\n"


def test_cli_names_the_page_with_ink(make_pdf: Callable[..., Path]) -> None:
    pdf = make_pdf("hand.pdf", _handwriting_then_blank)
    result = CliRunner().invoke(app, ["convert", str(pdf)])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == f"pdf2md: WARNING: recognise page 2: {MESSAGE}"
    summary = "pdf2md: 3 pages: 1 text layer, 0 OCR, 2 blank, 0 failed; 1 warning;"
    assert lines[1].startswith(summary)
