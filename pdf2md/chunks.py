"""The pages of one document in chunks: what goes to a page helper and what comes back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pdf2md.ledger import PageSource
from pdf2md.model import ErrorItem, Page

PAGE_BATCH = 8


@dataclass(frozen=True)
class PageChunk:
    """A share of one document's pages, for a page helper (see :mod:`pdf2md.page_pool`)."""

    path: str
    password: str | None
    indices: tuple[int, ...]
    images_dir: str | None
    link_prefix: str
    strict: bool
    deadline: float | None


@dataclass
class ChunkDone:
    """What converting a chunk of pages gave, merged into the document's run in page order."""

    pages: list[Page]
    errors: list[ErrorItem]
    timings: dict[str, float]
    sources: dict[int, PageSource]
    written: list[Path] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)


def chunk_indices(indices: list[int], workers: int) -> list[tuple[int, ...]]:
    """Pages in batches of at most :data:`PAGE_BATCH`; smaller where several processes share
    them, so that each gets a few chunks and none is left with a long tail."""
    size = (
        PAGE_BATCH if workers <= 1 else max(1, min(PAGE_BATCH, -(-len(indices) // (2 * workers))))
    )
    return [tuple(indices[i : i + size]) for i in range(0, len(indices), size)]


def merged_stats(parts: Sequence[dict[str, float]]) -> dict[str, float]:
    """OCR counters of the caller and its helpers: counts add up, the share is the largest."""
    merged: dict[str, float] = {}
    for part in parts:
        for key, value in part.items():
            if key == "ocr_skipped_share":
                merged[key] = max(merged.get(key, 0.0), value)
            else:
                merged[key] = merged.get(key, 0.0) + value
    return merged
