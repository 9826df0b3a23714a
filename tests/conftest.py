"""Fixture PDFs built with PyMuPDF in a temp folder: small, licence-clean, exact."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pymupdf
import pytest


def _save(doc: pymupdf.Document, path: Path, **kwargs: object) -> Path:
    doc.save(path, **kwargs)
    doc.close()
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    """``make_pdf(name, build)`` calls ``build(doc)`` on a new document and saves it."""

    def factory(name: str, build: Callable[[pymupdf.Document], None], **save: object) -> Path:
        doc = pymupdf.open()
        build(doc)
        return _save(doc, tmp_path / name, **save)

    return factory


def simple_page(doc: pymupdf.Document) -> None:
    """One column: a heading, two paragraphs (one bold word, one link), a list."""
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 80), "1 Introduction", fontsize=16, fontname="hebo")
    y = 110
    page.insert_text((72, y), "This first paragraph has a", fontsize=10, fontname="helv")
    page.insert_text((199, y), "bold", fontsize=10, fontname="hebo")
    page.insert_text((224, y), "word and goes on", fontsize=10, fontname="helv")
    page.insert_text((72, y + 12), "to a second line that ends it.", fontsize=10, fontname="helv")
    y = 160
    page.insert_text((72, y), "Second paragraph with a link here.", fontsize=10, fontname="helv")
    link_rect = page.search_for("link")[0]
    page.insert_link({"kind": pymupdf.LINK_URI, "from": link_rect, "uri": "https://example.org"})
    y = 200
    for item in ("- apples", "- pears"):
        page.insert_text((72, y), item, fontsize=10, fontname="helv")
        y += 14


@pytest.fixture
def simple_pdf(make_pdf: Callable[..., Path]) -> Path:
    """One page: heading, paragraphs with bold and link, a two-item list."""
    return make_pdf("simple.pdf", simple_page)


def two_column_page(doc: pymupdf.Document, *, title: str = "A Spanning Title") -> None:
    """A title across both columns, then two columns of three short paragraphs each."""
    page = doc.new_page(width=612, height=792)
    page.insert_text((200, 70), title, fontsize=18, fontname="hebo")
    for col, x in enumerate((72, 320)):
        y = 120
        for para in range(3):
            label = f"Column{col + 1} para{para + 1}"
            page.insert_text((x, y), f"{label} starts here and runs", fontsize=10, fontname="helv")
            page.insert_text(
                (x, y + 12), f"on to the end of {label}.", fontsize=10, fontname="helv"
            )
            y += 60


@pytest.fixture
def two_column_pdf(make_pdf: Callable[..., Path]) -> Path:
    """Two columns under a spanning title; paragraph gaps line up across columns."""
    return make_pdf("two_column.pdf", two_column_page)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """CLI tests install a root log handler and a logger class (pdf2md.console): undo both."""
    root = logging.getLogger()
    handlers, level, cls = list(root.handlers), root.level, logging.getLoggerClass()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLoggerClass(cls)
