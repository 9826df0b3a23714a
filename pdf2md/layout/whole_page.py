"""``whole-page`` layout: one TEXT region covering each page, for whole-page recognisers.

Used by the ``vlm-page`` profile: the page goes to a VLM in one piece (olmOCR-style) and, where
its answer is rejected, the same region falls back to the text layer or OCR.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.backend import BackendContext
from pdf2md.model import Region, RegionKind
from pdf2md.source import PageView


class WholePageLayout:
    """One region per page: ``p<i>-r0``, kind TEXT, the whole page box."""

    name = "whole-page"

    def __init__(self, context: BackendContext) -> None:
        self.context = context

    def load(self) -> None:
        """Nothing to load."""

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """A single whole-page region for each page."""
        return [
            [
                Region(
                    id=f"p{page.page_index}-r0",
                    kind=RegionKind.TEXT,
                    bbox=page.bbox,
                    page_index=page.page_index,
                    order=0,
                    confidence=1.0,
                    detector=self.name,
                )
            ]
            for page in pages
        ]
