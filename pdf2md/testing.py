"""Fakes for testing pipelines without models: pass them to ``convert(backends=...)``.

Example:
    >>> from pdf2md.testing import FailingRecogniser
    >>> convert("a.pdf", backends={"pdf-text": FailingRecogniser("pdf-text")})  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pdf2md.backend import RegionCrop
from pdf2md.errors import RecognitionError
from pdf2md.model import Content, Region
from pdf2md.source import PageView


@dataclass
class StaticLayout:
    """A layout backend that returns fixed regions per page index."""

    regions: dict[int, list[Region]]
    name: str = "static-layout"

    def load(self) -> None:
        """Nothing to load."""

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """The fixed regions of each page (none for pages not listed)."""
        return [list(self.regions.get(p.page_index, [])) for p in pages]


@dataclass
class EchoRecogniser:
    """Answers every crop with its region's kind and id (``"text p0-r1"``)."""

    name: str = "echo"
    calls: list[int] = field(default_factory=list)

    def load(self) -> None:
        """Nothing to load."""

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One Content per crop; records the batch size of each call."""
        self.calls.append(len(crops))
        return [
            Content(
                region_id=c.region.id,
                text=f"{c.region.kind.value} {c.region.id}",
                recogniser=f"{self.name}@test",
                method="text-layer",
            )
            for c in crops
        ]


@dataclass
class FailingRecogniser:
    """Raises on every call (or only on ``page_index``), like a backend with a bug."""

    name: str = "failing"
    page_index: int | None = None

    def load(self) -> None:
        """Nothing to load."""

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """Raise :class:`RecognitionError` where told to; else answer nothing."""
        if self.page_index is None or any(c.region.page_index == self.page_index for c in crops):
            raise RecognitionError(f"{self.name}: simulated failure")
        return [None] * len(crops)


@dataclass
class FailingLayout:
    """A layout backend that raises on every call."""

    name: str = "failing-layout"

    def load(self) -> None:
        """Nothing to load."""

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """Always raises :class:`RecognitionError`."""
        raise RecognitionError("layout: simulated failure")
