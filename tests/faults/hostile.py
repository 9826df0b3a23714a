"""Builders of hostile PDFs (pymupdf only), shared by the fault-injection tests and the fuzzer."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf

WORDS = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel")


def _text_page(doc: pymupdf.Document, text: str, **size: float) -> pymupdf.Page:
    page = doc.new_page(**size)  # type: ignore[arg-type]
    page.insert_text((72, 300), text, fontsize=11)
    return page


def nested_forms_pdf(path: Path, *, depth: int = 500, pages: int = 3, bad_page: int = 1) -> Path:
    """``pages`` text pages; page ``bad_page`` (0-based) also draws a chain of ``depth``
    Form XObjects, each invoking the next."""
    doc = pymupdf.open()
    for i in range(pages):
        _text_page(doc, f"{WORDS[i % len(WORDS)]} is the text of this page.")
    xrefs = [doc.get_new_xref() for _ in range(depth)]
    for i, xref in enumerate(xrefs):
        inner = f"<< /XObject << /X {xrefs[i + 1]} 0 R >> >>" if i + 1 < depth else "<< >>"
        doc.update_object(
            xref, f"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources {inner} >>"
        )
        doc.update_stream(xref, b"/X Do" if i + 1 < depth else b"0 0 m 10 10 l S")
    page = doc[bad_page]
    page.clean_contents()
    kind, value = doc.xref_get_key(page.xref, "Resources")
    resources = value[:-2] + f"/XObject << /Xdeep {xrefs[0]} 0 R >> >>"
    doc.xref_set_key(page.xref, "Resources", resources if kind == "dict" else value)
    contents = page.get_contents()[0]
    doc.update_stream(contents, doc.xref_stream(contents) + b"\n/Xdeep Do\n")
    doc.save(path)
    return path


def deflate_bomb_pdf(path: Path, *, inflated_bytes: int) -> Path:
    """Two text pages; page 1's content stream inflates to ``inflated_bytes`` (whitespace)."""
    doc = pymupdf.open()
    _text_page(doc, "The page before the bomb.")
    bomb = _text_page(doc, "The bomb page.")
    bomb.clean_contents()
    xref = bomb.get_contents()[0]
    doc.update_stream(xref, doc.xref_stream(xref) + b" " * inflated_bytes, compress=True)
    doc.save(path, garbage=0, deflate=True)
    return path


def huge_page_pdf(path: Path) -> Path:
    """One 14400 pt square page (the largest PDF allows): a line of text and a big picture."""
    from PIL import Image

    doc = pymupdf.open()
    page = doc.new_page(width=14400, height=14400)
    page.insert_text((72, 100), "Real text on a huge page that must survive.", fontsize=24)
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buf, "PNG")
    page.insert_image(pymupdf.Rect(2000, 2000, 12000, 12000), stream=buf.getvalue())
    doc.save(path)
    return path


INJECTED = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    "![remote](https://example.com/track.png)",
)


def injection_pdf(path: Path) -> Path:
    """Text that is HTML and Markdown, a ``javascript:`` link annotation and a safe one."""
    doc = pymupdf.open()
    page = doc.new_page()
    y = 72.0
    for text in INJECTED:
        page.insert_text((72, y), text, fontsize=11)
        y += 40
    page.insert_text((72, y), "Evil link here.", fontsize=11)
    page.insert_link(
        {
            "kind": pymupdf.LINK_URI,
            "from": pymupdf.Rect(70, y - 12, 160, y + 3),
            "uri": "javascript:alert(4)",
        }
    )
    y += 40
    page.insert_text((72, y), "Good link here.", fontsize=11)
    page.insert_link(
        {
            "kind": pymupdf.LINK_URI,
            "from": pymupdf.Rect(70, y - 12, 160, y + 3),
            "uri": "https://example.org/",
        }
    )
    doc.save(path)
    return path
