"""``surya-layout``: surya's layout model with reading order (``pip install 'pdf2md[surya]'``).

Pages are rendered at ``dpi``, sent through ``LayoutPredictor`` (surya's VLM, behind its
inference server: see :mod:`pdf2md.surya_api`), and each box becomes a
:class:`~pdf2md.model.Region` in PDF points with ``order`` from surya's reading-order position.
The ``scientific`` profile uses it where surya is installed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, parse_options
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.source import PageView
from pdf2md.surya_api import import_surya, surya_manager

log = logging.getLogger(__name__)

_LABELS: dict[str, RegionKind | None] = {
    "caption": RegionKind.CAPTION,
    "footnote": RegionKind.FOOTNOTE,
    "equation-block": RegionKind.EQUATION,
    "equation": RegionKind.EQUATION,
    "formula": RegionKind.EQUATION,
    "list-group": RegionKind.LIST_ITEM,
    "list-item": RegionKind.LIST_ITEM,
    "listitem": RegionKind.LIST_ITEM,
    "page-header": RegionKind.PAGE_HEADER,
    "pageheader": RegionKind.PAGE_HEADER,
    "page-footer": RegionKind.PAGE_FOOTER,
    "pagefooter": RegionKind.PAGE_FOOTER,
    "image": RegionKind.FIGURE,
    "figure": RegionKind.FIGURE,
    "picture": RegionKind.FIGURE,
    "diagram": RegionKind.FIGURE,
    "chemical-block": RegionKind.FIGURE,
    "section-header": RegionKind.SECTION_HEADER,
    "sectionheader": RegionKind.SECTION_HEADER,
    "title": RegionKind.TITLE,
    "table": RegionKind.TABLE,
    "form": RegionKind.TABLE,
    "code-block": RegionKind.CODE,
    "code": RegionKind.CODE,
    "blank-page": None,
}


class SuryaLayoutOptions(BaseModel):
    """``[options.surya-layout]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inference_url: str = ""
    dpi: int = Field(default=96, ge=50, le=300)
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)


def region_kind(label: str) -> RegionKind | None:
    """Our kind for a surya label; unknown labels read as text, ``Blank-Page`` as nothing."""
    key = label.strip().lower().replace("_", "-").replace(" ", "-")
    return _LABELS.get(key, RegionKind.TEXT)


class SuryaLayout:
    """Layout and reading order from surya."""

    name = "surya-layout"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, SuryaLayoutOptions)
        self._predictor: Any = None

    def load(self) -> None:
        """Import surya and build its layout predictor.

        Raises:
            BackendUnavailable: surya is not installed; the message says how to install it.
        """
        (layout,) = import_surya("surya.layout")
        self._predictor = layout.LayoutPredictor(surya_manager(self.options.inference_url))

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """Regions per page, in surya's reading order."""
        if self._predictor is None:
            self.load()
        dpi = self.options.dpi
        results = self._predictor([page.render(None, dpi=dpi) for page in pages])
        scale = 72.0 / dpi
        return [
            self._regions(page, result, scale) for page, result in zip(pages, results, strict=True)
        ]

    def _regions(self, page: PageView, result: Any, scale: float) -> list[Region]:
        boxes = []
        for i, box in enumerate(getattr(result, "bboxes", [])):
            kind = region_kind(str(box.label))
            confidence = getattr(box, "confidence", None)
            if kind is None or (
                confidence is not None and confidence < self.options.min_confidence
            ):
                continue
            bbox = BBox(*(float(v) for v in box.bbox)).scale(scale).clip(page.bbox)
            position = getattr(box, "position", None)
            boxes.append((position if position is not None else i, kind, bbox, confidence))
        boxes.sort(key=lambda item: item[0])
        return [
            Region(
                id=f"p{page.page_index}-r{n}",
                kind=kind,
                bbox=bbox,
                page_index=page.page_index,
                order=n,
                confidence=confidence,
                detector=self.name,
            )
            for n, (_, kind, bbox, confidence) in enumerate(boxes)
        ]
