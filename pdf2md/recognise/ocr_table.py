"""``"ocr-table"``: a Markdown table from OCR'd words laid on the table's grid.

Rows are bands of words whose heights overlap; columns are the vertical white strips that
(almost) every row leaves open, so one spanning cell does not merge two columns. Words are
shared with ``"ocr"``: a page is OCR'd once. ``None`` where no grid of at least 2 x 2 appears.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import Content
from pdf2md.ocr.lines import Line, Word, _rows, median_height
from pdf2md.ocr.pages import OcrStats, PageOcr
from pdf2md.tables import is_numeric

log = logging.getLogger(__name__)


def _has_trusted_text(crop: RegionCrop) -> bool:
    """Triage looked at the page and found its text layer good."""
    return crop.triage is not None and not crop.triage.needs_ocr


class OcrTableRecogniser:
    """Tables on scanned pages, from OCR'd words (``"ocr-table"``)."""

    name = "ocr-table"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self._ocr = PageOcr(context)

    @property
    def stats(self) -> OcrStats:
        """OCR work done by this recogniser."""
        return self._ocr.stats

    def load(self) -> None:
        """Load the OCR engine and the orientation model."""
        self._ocr.load()

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """A Markdown table per crop, or ``None`` where no grid is found.

        Crops on pages with a trusted text layer get ``None`` at once: there the text layer
        reads better than OCR, and the route's next recogniser (``pdf-text``) takes them.
        """
        trusted = [_has_trusted_text(c) for c in crops]
        if any(trusted):
            todo = [c for c, t in zip(crops, trusted) if not t]
            answers = iter(self.recognise(todo) if todo else [])
            return [None if t else next(answers) for t in trusted]
        pages = self._ocr.pages([c.page for c in crops]) if crops else {}
        version = getattr(self._ocr.engine, "version", "unknown")
        out: list[Content | None] = []
        for crop in crops:
            words = pages[crop.region.page_index].words_in(crop.bbox)
            grid = table_grid(words)
            if grid is None:
                out.append(None)
                continue
            conf = statistics.fmean(w.confidence for w in words)
            out.append(
                Content(
                    region_id=crop.region.id,
                    text=markdown_table(grid),
                    orig=" ".join(w.text for w in words),
                    recogniser=f"ocr-table:{self._ocr.engine_name}@{version}",
                    method="ocr",
                    confidence=conf,
                )
            )
        return out


def _column_edges(rows: Sequence[Sequence[Word]], min_gap: float) -> list[float]:
    """x positions splitting columns: strips at least ``min_gap`` wide that most rows leave open."""
    x0 = min(w.bbox.x0 for r in rows for w in r)
    x1 = max(w.bbox.x1 for r in rows for w in r)
    bins = max(1, int(x1 - x0) + 1)
    covered = [0] * bins
    for row in rows:
        mark = [False] * bins
        for w in row:
            for i in range(int(w.bbox.x0 - x0), min(bins, int(w.bbox.x1 - x0) + 1)):
                mark[i] = True
        for i, m in enumerate(mark):
            covered[i] += m
    allowed = int(0.15 * len(rows))
    edges: list[float] = []
    start: int | None = None
    for i, c in enumerate([*covered, allowed + 1]):
        if c <= allowed and start is None:
            start = i
        elif c > allowed and start is not None:
            if i - start >= min_gap and start > 0 and i < bins:
                edges.append(x0 + (start + i) / 2)
            start = None
    return edges


def _row_edges(row: Sequence[Word], min_gap: float) -> list[float]:
    """Column edges from the gaps of one (the fullest) row: for tables whose other rows are
    mostly empty, where no strip is open in most rows."""
    return [
        (a.bbox.x1 + b.bbox.x0) / 2
        for a, b in zip(row, row[1:], strict=False)
        if b.bbox.x0 - a.bbox.x1 >= 2 * min_gap
    ]


def _figure_rows(rows: Sequence[Sequence[Word]]) -> list[Sequence[Word]]:
    """Rows that are mostly numbers (at least two): the body of a table of figures.

    Where they make up a third of the table or more, their gaps give the columns: header
    rows above them often hold one caption spanning several columns, which would close the
    gap between those columns. (A few such rows in a region of prose say little.)
    """
    return [r for r in rows if sum(1 for w in r if is_numeric(w.text)) >= max(2, (len(r) + 1) // 2)]


def table_grid(words: Sequence[Word]) -> list[list[str]] | None:
    """Cell texts row by row, or ``None`` where fewer than 2 rows or 2 columns appear."""
    if not words:
        return None
    rows = [
        sorted((w for ln in r for w in ln.words), key=lambda w: w.bbox.x0)
        for r in _rows([Line((w,)) for w in words])
    ]
    min_gap = 0.8 * median_height(words)
    basis = _figure_rows(rows)
    edges = _column_edges(basis, min_gap) if len(basis) >= max(2, len(rows) / 3) else []
    edges = edges or _column_edges(rows, min_gap) or _row_edges(max(rows, key=len), min_gap)
    if len(rows) < 2 or not edges:
        return None
    grid: list[list[str]] = []
    for row in rows:
        cells: list[list[Word]] = [[] for _ in range(len(edges) + 1)]
        for w in row:
            cx = w.bbox.center[0]
            cells[sum(1 for e in edges if cx > e)].append(w)
        grid.append([_cell_text(c, 0.5 * min_gap) for c in cells])
    return grid


def _cell_text(words: Sequence[Word], tolerance: float) -> str:
    """Words of one cell: text lines top to bottom (centres within ``tolerance``), each left
    to right; a cell's lines share its table row band."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.bbox.center[1]):
        if lines and w.bbox.center[1] - lines[-1][-1].bbox.center[1] <= tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.bbox.x0))


def markdown_table(grid: Sequence[Sequence[str]]) -> str:
    """A pipe table; the first row is the header. ``|`` in cells is escaped."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    head, *body = grid
    sep = "| " + " | ".join("---" for _ in head) + " |"
    return "\n".join([line(head), sep, *(line(r) for r in body)])
