"""Tables from the text layer: ``pdf-table``.

For each TABLE region the recogniser finds a grid, then fills the grid's cells with the words
of the text layer. Grids come from, in the order the options give:

- ``lines``: PyMuPDF's table finder on the ruling lines (``find_tables(strategy="lines")``).
  Its cell rectangles carry row and column spans.
- ``model``: the table-grid model bundled with pymupdf-layout (row and column boundaries
  predicted from a 72 dpi rendering of the region).
- ``text``: PyMuPDF's table finder on text alignment (``strategy="text"``).

A grid is accepted only where its cells hold nearly every word of the region
(``min_coverage``); otherwise the next source is tried, and where none fits the recogniser
answers ``None`` so that the route falls back (for example to an image crop).

Words are joined per cell in reading order, lines inside a cell joined by spaces. Fully empty
rows and columns are dropped. Text in a row that runs across column boundaries into empty
cells becomes one cell spanning those columns. The table is written as GFM, or as HTML where
a cell spans rows or columns (:mod:`pdf2md.tables`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

import pymupdf
from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox, Content
from pdf2md.onnx_env import quiet_onnxruntime
from pdf2md.page_limits import MAX_RENDER_PIXELS
from pdf2md.recognise.table_cells import (
    CellBox,
    Word,
    fill_grid,
    hides_structure,
    phrases_of,
    split_stacked_rows,
)
from pdf2md.source import PageView
from pdf2md.tables import (
    Segment,
    TableGrid,
    close_frame,
    cluster_positions,
    ruled_slots,
    to_markdown,
)

log = logging.getLogger(__name__)

Strategy = Literal["lines", "model", "text"]

# Ligatures expanded; text outside the media box ignored.
_WORD_FLAGS = pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
_CONFIDENCE: dict[str, float] = {"lines": 0.9, "model": 0.7, "text": 0.6}
# The grid model's settings as pymupdf-layout uses them ("V4" = V4-EP).
_GRID_MODEL_FILE = "table_grid_model_v4_ep.onnx"
_DEFAULT_STRATEGIES: tuple[Strategy, ...] = ("model", "lines", "text")


class PdfTableOptions(BaseModel):
    """Options of ``[options.pdf-table]``.

    Attributes:
        strategies: grid sources to try, in order.
        min_coverage: share of the region's words (0 to 1) a grid's cells must hold.
        pad_pt: points added around the region before searching it.
        prefer_ruled: try ``lines`` first where the region has horizontal and vertical
            rules (its cells know row and column spans, the model's do not). Its grid is
            refused where a ruled row holds several unruled rows of text.
    """

    model_config = ConfigDict(extra="forbid")

    strategies: list[Strategy] = Field(default_factory=lambda: list(_DEFAULT_STRATEGIES))
    min_coverage: float = Field(default=0.9, ge=0.0, le=1.0)
    pad_pt: float = Field(default=2.0, ge=0.0)
    prefer_ruled: bool = True


class PdfTableRecogniser:
    """Reads TABLE regions from the text layer into GFM or HTML tables."""

    name = "pdf-table"
    version = 1

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, self.name, PdfTableOptions)
        self._grid_model: Any = None

    def load(self) -> None:
        """Load the bundled grid model where the ``model`` strategy is on.

        Raises:
            BackendUnavailable: pymupdf-layout (or onnxruntime) is not installed.
        """
        if "model" not in self.options.strategies or self._grid_model is not None:
            return
        quiet_onnxruntime()
        try:
            from pathlib import Path

            import pymupdf.layout.onnx as layout_onnx
            from pymupdf.layout.onnx.TableGridExtractorV2 import TableGridExtractorV2
        except ImportError as exc:
            raise BackendUnavailable(
                f"pdf-table: the table-grid model needs pymupdf-layout ({exc}); "
                "pip install pymupdf-layout, or drop 'model' from options.pdf-table.strategies"
            ) from exc
        path = Path(layout_onnx.__file__).parent.parent / "resources" / "onnx" / _GRID_MODEL_FILE
        self._grid_model = TableGridExtractorV2(
            str(path), None, h_on_threshold=0.2, v_on_threshold=0.25, nms_min_dist=0.01
        )

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One table per crop, or ``None`` where no grid fits or the text layer is untrusted."""
        return [self._recognise_one(crop) for crop in crops]

    def _recognise_one(self, crop: RegionCrop) -> Content | None:
        if not crop.text_layer_ok:
            return None
        view = crop.page
        area = crop.bbox.pad(self.options.pad_pt).clip(view.bbox)
        words = page_words(view, area)
        if not words:
            return None
        for strategy in self._order(view, area):
            grid = self._grid_by(strategy, view, area, words)
            if grid is None:
                continue
            text = to_markdown(grid)
            return Content(
                region_id=crop.region.id,
                text=text,
                orig=text,
                recogniser=f"{self.name}@{self.version}",
                method="text-layer",
                confidence=_CONFIDENCE[strategy],
            )
        return None

    def _order(self, page: PageView, area: BBox) -> list[Strategy]:
        """The strategies to try; ``lines`` first where the region is ruled."""
        order = list(self.options.strategies)
        if self.options.prefer_ruled and "lines" in order and is_ruled(page, area):
            order.remove("lines")
            order.insert(0, "lines")
        return order

    def _grid_by(
        self, strategy: Strategy, view: PageView, area: BBox, words: list[Word]
    ) -> TableGrid | None:
        if strategy == "model":
            if self._grid_model is None:
                self.load()
            boxes = model_cell_boxes(self._grid_model, view.page, area, words)
        elif strategy == "lines":
            boxes = ruled_cell_boxes(view, area)
        else:
            boxes = finder_cell_boxes(view.page, area, strategy)
        if not boxes or (strategy == "lines" and hides_structure(boxes, words)):
            return None
        grid = fill_grid(boxes, words, min_coverage=self.options.min_coverage)
        if grid is None or grid.n_rows < 2 or grid.n_cols < 2:
            log.debug("pdf-table: %s grid rejected for %s", strategy, area)
            return None
        return grid


def is_ruled(page: PageView, area: BBox) -> bool:
    """True where ``area`` holds at least two horizontal and two vertical rules.

    A stroked rectangle (a cell border) counts as two of each.
    """
    horizontal = vertical = 0
    for d in page.drawings:
        if not area.pad(1.0).contains(d.bbox):
            continue
        if d.is_rule:
            horizontal += d.bbox.width >= d.bbox.height
            vertical += d.bbox.width < d.bbox.height
        elif not d.is_filled and d.bbox.width > 3.0 and d.bbox.height > 3.0:
            horizontal, vertical = horizontal + 2, vertical + 2
    return horizontal >= 2 and vertical >= 2


def page_words(view: PageView, area: BBox) -> list[Word]:
    """Words whose centre lies in ``area``, in the text layer's order (display space)."""
    page: pymupdf.Page = view.page
    clip = pymupdf.Rect(*area)
    if page.rotation:
        clip = clip * page.derotation_matrix  # text extraction works unrotated
    raw = page.get_text("words", clip=clip, flags=_WORD_FLAGS)
    out: list[Word] = []
    for x0, y0, x1, y1, text, block, line, _ in raw:
        box = view.to_display((x0, y0, x1, y1))
        if text.strip() and area.contains_point(*box.center):
            out.append(Word(box, text, (int(block), int(line))))
    return out


def _nearest(edges: Sequence[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def boxes_to_cells(rects: Sequence[BBox]) -> list[CellBox]:
    """Slot positions and spans for cell rectangles that tile a table (ruled tables)."""
    xs = cluster_positions([v for r in rects for v in (r.x0, r.x1)], 2.0)
    ys = cluster_positions([v for r in rects for v in (r.y0, r.y1)], 2.0)
    out: list[CellBox] = []
    for r in rects:
        c0, c1 = _nearest(xs, r.x0), _nearest(xs, r.x1)
        r0, r1 = _nearest(ys, r.y0), _nearest(ys, r.y1)
        if c1 > c0 and r1 > r0:
            out.append(CellBox(r0, c0, r1 - r0, c1 - c0, r))
    return out


def finder_cell_boxes(page: pymupdf.Page, area: BBox, strategy: str) -> list[CellBox]:
    """Cells of the largest table PyMuPDF's finder sees inside ``area``."""
    try:
        found = page.find_tables(clip=pymupdf.Rect(*area), strategy=strategy)
    except (RuntimeError, ValueError) as exc:
        log.debug("find_tables(%s) failed: %s", strategy, exc)
        return []
    tables = list(found.tables)
    if not tables:
        return []
    best = max(tables, key=lambda t: pymupdf.Rect(t.bbox).get_area())
    rects = [BBox(*c) for c in best.cells if c is not None]
    return boxes_to_cells(rects)


def _segments(view: PageView, area: BBox) -> tuple[list[Segment], list[Segment]]:
    """Horizontal ``(y, x0, x1)`` and vertical ``(x, y0, y1)`` rule segments inside ``area``.

    Paths come unrotated from PyMuPDF and are turned into display space first.
    """
    horizontal: list[Segment] = []
    vertical: list[Segment] = []
    box = area.pad(2.0)
    for path in view.page.get_drawings():
        if not box.contains(view.to_display(path["rect"]), tolerance_pt=1.0):
            continue
        for item in path["items"]:
            if item[0] == "l":
                # only level and upright lines matter, so corner order may be lost
                (ax, ay, bx, by) = view.to_display((*item[1], *item[2]))
                edges = [(ax, ay, bx, by)]
            elif item[0] == "re":
                r = pymupdf.Rect(view.to_display(item[1]))
                thin = min(r.width, r.height) <= 2.0
                if path.get("fill") is not None and not thin:
                    continue  # shading, not a border
                edges = (
                    [((r.x0 + r.x1) / 2, r.y0, (r.x0 + r.x1) / 2, r.y1)]
                    if thin and r.width < r.height
                    else (
                        [(r.x0, (r.y0 + r.y1) / 2, r.x1, (r.y0 + r.y1) / 2)]
                        if thin
                        else [
                            (r.x0, r.y0, r.x1, r.y0),
                            (r.x0, r.y1, r.x1, r.y1),
                            (r.x0, r.y0, r.x0, r.y1),
                            (r.x1, r.y0, r.x1, r.y1),
                        ]
                    )
                )
            else:
                continue
            for x0, y0, x1, y1 in edges:
                if abs(y1 - y0) <= 1.0 and abs(x1 - x0) > 1.0:
                    horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) > 1.0:
                    vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    return horizontal, vertical


def ruled_cell_boxes(view: PageView, area: BBox) -> list[CellBox]:
    """Cells from the region's ruling lines (see :func:`pdf2md.tables.ruled_slots`)."""
    horizontal, vertical = close_frame(*_segments(view, area))
    return [CellBox(*slot) for slot in ruled_slots(horizontal, vertical)]


def model_cell_boxes(
    model: Any, page: pymupdf.Page, area: BBox, words: Sequence[Word]
) -> list[CellBox]:
    """Cells of the grid the bundled model predicts for ``area`` (rendered at 72 dpi)."""
    import numpy as np

    if area.width * area.height > MAX_RENDER_PIXELS:  # 72 dpi: a pixel per point
        return []
    pix = page.get_pixmap(clip=pymupdf.Rect(*area), alpha=False)
    if pix.width < 8 or pix.height < 8:
        return []
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    x0, y0 = pix.x, pix.y  # the pixmap's origin on the page, in points at 72 dpi
    phrases = phrases_of(words)
    boxes = [[p.bbox.x0 - x0, p.bbox.y0 - y0, p.bbox.x1 - x0, p.bbox.y1 - y0] for p in phrases]
    grid, _ = model.predict(image, boxes)
    xs = [float(x0)] + [x0 + float(v) for v in grid.v_lines] + [float(x0 + pix.width)]
    ys = [float(y0)] + [y0 + float(h) for h in grid.h_lines] + [float(y0 + pix.height)]
    ys = split_stacked_rows(ys, xs, words)
    return [
        CellBox(r, c, 1, 1, BBox(xs[c], ys[r], xs[c + 1], ys[r + 1]))
        for r in range(len(ys) - 1)
        for c in range(len(xs) - 1)
    ]
