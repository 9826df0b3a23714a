"""Document -> Markdown. One small function per region kind; page spans recorded for JSONL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pdf2md.model import Block, Document, RegionKind
from pdf2md.render.safe import safe_markdown


@dataclass(frozen=True)
class RenderedMarkdown:
    """The Markdown text and, per page, its ``(start, end, page_index)`` character span."""

    text: str
    page_spans: tuple[tuple[int, int, int], ...]


def _heading(block: Block) -> str:
    level = block.region.level or (1 if block.region.kind == RegionKind.TITLE else 2)
    text = " ".join(block.content.text.split())
    return f"{'#' * max(1, min(level, 6))} {text}"


def _code(block: Block) -> str:
    text = block.content.text
    return text if text.startswith("```") else f"```\n{text}\n```"


def _plain(block: Block) -> str:
    return block.content.text.strip("\n")


_WRITERS: dict[RegionKind, Callable[[Block], str]] = {
    RegionKind.TITLE: _heading,
    RegionKind.SECTION_HEADER: _heading,
    RegionKind.CODE: _code,
}


def render_block(block: Block) -> str:
    """One block as Markdown (no trailing blank line)."""
    return _WRITERS.get(block.region.kind, _plain)(block)


def render_markdown(
    doc: Document, *, page_markers: bool = False, allow_raw_html: bool = False
) -> RenderedMarkdown:
    """The whole document as Markdown, safe to render (see :mod:`pdf2md.render.safe`).

    Blocks are separated by a blank line, except where a block continues the previous
    paragraph (``Block.joins``). With ``page_markers``, ``<!-- page N -->`` (1-based) precedes
    each page's content. ``allow_raw_html`` keeps HTML from the PDF's text as it is.
    """
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    length = 0
    previous: RegionKind | None = None
    for page in doc.pages:
        start = length
        if page_markers:
            piece = f"<!-- page {page.page_index + 1} -->"
            length = _append(parts, piece, "break", length)
        for block in page.blocks:
            text = safe_markdown(render_block(block), allow_raw_html=allow_raw_html)
            if not text.strip():
                continue
            joins: str = block.joins if parts else "break"
            if joins == "break" and previous == block.region.kind == RegionKind.LIST_ITEM:
                joins = "line"  # one tight list, not a list per item
            length = _append(parts, text, joins, length)
            previous = block.region.kind
        spans.append((start, length, page.page_index))
    text = "".join(parts)
    if text:
        text += "\n"
    return RenderedMarkdown(text=text, page_spans=tuple(spans))


def _append(parts: list[str], text: str, joins: str, length: int) -> int:
    if parts and joins == "line" and parts[-1].endswith("\n```") and text.startswith("```\n"):
        # one listing continued (over a page break): one fence round both blocks
        parts[-1] = parts[-1][: -len("\n```")]
        length -= len("\n```")
        text = text[len("```\n") :]
    if parts:
        sep = {"break": "\n\n", "line": "\n", "space": " ", "direct": ""}[joins]
        parts.append(sep)
        length += len(sep)
    parts.append(text)
    return length + len(text)
