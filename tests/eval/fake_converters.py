"""Converters for the eval tests, loaded by dotted path inside the worker subprocess."""

from __future__ import annotations

import os
import time
from pathlib import Path


class TextLayer:
    """Markdown = the page's plain text (one paragraph per line)."""

    name = "text-layer"

    def __init__(self, option: str | None = None) -> None:
        self.option = option

    def check(self) -> str | None:
        return None

    def convert(self, pdf: Path, page_index: int | None) -> str:
        import pymupdf

        with pymupdf.open(pdf) as doc:
            pages = range(doc.page_count) if page_index is None else [page_index]
            texts = [doc[i].get_text() for i in pages]
        return "\n\n".join(line for text in texts for line in text.splitlines() if line.strip())


class Hang(TextLayer):
    """Sleeps on page index 1 (a page that never finishes); converts the others."""

    def convert(self, pdf: Path, page_index: int | None) -> str:
        if page_index == 1:
            time.sleep(60)
        return super().convert(pdf, page_index)


class Crash(TextLayer):
    """Kills its own process on page index 1, like a segfault would."""

    def convert(self, pdf: Path, page_index: int | None) -> str:
        if page_index == 1:
            os._exit(3)
        return super().convert(pdf, page_index)


class Raise(TextLayer):
    """Raises on page index 1."""

    def convert(self, pdf: Path, page_index: int | None) -> str:
        if page_index == 1:
            raise ValueError("bad page")
        return super().convert(pdf, page_index)
