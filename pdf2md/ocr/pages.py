"""OCR whole pages once, in parallel, and keep the words for every recogniser that asks.

:class:`PageOcr` renders each page (in the calling thread: PyMuPDF is not thread-safe), turns
it upright (:mod:`pdf2md.ocr.orientation`), whites out figures the layout stage found to hold
no text, skips blank pages (:mod:`pdf2md.ocr.gate`), and runs the OCR engine in a thread pool
of ``profile.ocr.workers`` threads (0 = one per core) with at most twice that many page images
in memory. Results are cached on the :class:`~pdf2md.source.PageView` (its ``_cache``), so the
text and table recognisers, and the layout backend's orientation decision, share one pass.
"""

from __future__ import annotations

import logging
import os
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pdf2md.backend import BackendContext, OcrEngine
from pdf2md.model import BBox
from pdf2md.ocr.gate import is_blank
from pdf2md.ocr.lines import Word
from pdf2md.ocr.orientation import OrientationClassifier, PageGeometry, dark_mask, detect_geometry

if TYPE_CHECKING:
    from PIL import Image

    from pdf2md.source import PageView

log = logging.getLogger(__name__)

GEOMETRY_KEY = "pdf2md.ocr.geometry"
NO_TEXT_KEY = "pdf2md.ocr.no_text_boxes"
# Boxes (page points) of every region the image layout found, so that OCR'd words outside all
# of them can be given to the nearest text region instead of being lost.
REGIONS_KEY = "pdf2md.ocr.layout_boxes"
_GEOMETRY_DPI = 100
# Large pages (posters, slides wrapped at 1 pt per pixel) are rendered at a lower dpi so the
# long side stays under this many pixels: engines downscale huge images badly, and slowly.
MAX_SIDE_PX = 3500


@dataclass(frozen=True)
class OcrPage:
    """The words of one OCR'd page.

    Attributes:
        page_index: 0-based page index.
        words: words in the *upright* frame, in points (for grouping into lines).
        page_boxes: the same words' boxes on the page as displayed, in points.
        geometry: how the page was turned upright.
        skipped: why OCR did not run (``"blank"``), else ``None``.
        seconds: engine time for the page.
    """

    page_index: int
    words: tuple[Word, ...]
    page_boxes: tuple[BBox, ...]
    geometry: PageGeometry
    skipped: str | None = None
    seconds: float = 0.0

    def words_in(self, bbox: BBox) -> list[Word]:
        """Words (upright frame) whose centre on the page lies in ``bbox`` (page points)."""
        return [
            w
            for w, box in zip(self.words, self.page_boxes, strict=True)
            if bbox.contains_point(*box.center)
        ]


@dataclass
class OcrStats:
    """How much OCR work ran and how much the gate skipped."""

    pages: int = 0
    pages_skipped: int = 0
    masked_area: float = 0.0
    page_area: float = 0.0
    seconds: float = 0.0

    @property
    def skipped_share(self) -> float:
        """Share of page area (blank pages and text-free figures) not OCR'd, 0..1."""
        return self.masked_area / self.page_area if self.page_area > 0 else 0.0


def cached_geometry(page: PageView, classifier: OrientationClassifier | None) -> PageGeometry:
    """The page's orientation and skew, computed once per PageView from a 100-dpi render."""
    geom = page._cache.get(GEOMETRY_KEY)
    if geom is None:
        geom = detect_geometry(page.render(dpi=page_dpi(page, _GEOMETRY_DPI, 2000)), classifier)
        page._cache[GEOMETRY_KEY] = geom
    assert isinstance(geom, PageGeometry)
    return geom


@dataclass
class PageOcr:
    """Runs one OCR engine over whole pages; see the module docstring."""

    context: BackendContext
    engine_factory: Callable[[BackendContext], OcrEngine] | None = None
    stats: OcrStats = field(default_factory=OcrStats)
    _engine: Any = None
    _classifier: OrientationClassifier | None = None
    _fallback: Any = None
    _fallback_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def engine_name(self) -> str:
        """The engine's registry name (``profile.ocr.engine``)."""
        return self.context.profile.ocr.engine

    @property
    def engine(self) -> Any:
        """The loaded engine (after :meth:`load`)."""
        return self._engine

    def load(self) -> None:
        """Resolve and load the engine and the orientation classifier.

        Raises:
            ConfigError: unknown engine name.
            BackendUnavailable: the engine's package or data is missing.
        """
        if self._engine is not None:
            return
        if self.engine_factory is None:
            from pdf2md.registry import OCR_ENGINES

            self.engine_factory = OCR_ENGINES.resolve(self.engine_name)
        assert self.engine_factory is not None
        engine = self.engine_factory(self.context)
        engine.load()
        classifier = OrientationClassifier()
        classifier.load()
        self._engine, self._classifier = engine, classifier

    def _key(self) -> str:
        ocr = self.context.profile.ocr
        return f"pdf2md.ocr.words:{ocr.engine}:{ocr.dpi}:{'+'.join(ocr.languages)}"

    def pages(self, pages: Sequence[PageView]) -> dict[int, OcrPage]:
        """OCR every page not OCR'd yet (in parallel); results for all, by page index."""
        self.load()
        views = _unique(pages)
        todo = [p for p in views if self._key() not in p._cache]
        if todo:
            self._run(todo)
        return {p.page_index: p._cache[self._key()] for p in views}

    def _workers(self) -> int:
        return self.context.profile.ocr.workers or (os.cpu_count() or 1)

    def _run(self, todo: Sequence[PageView]) -> None:
        workers = self._workers()
        in_flight: dict[Future[OcrPage], PageView] = {}
        queue = list(todo)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdf2md-ocr") as pool:
            while queue or in_flight:
                while queue and len(in_flight) < 2 * workers:
                    page = queue.pop(0)
                    job = self._prepare(page)
                    if isinstance(job, OcrPage):
                        page._cache[self._key()] = job
                        continue
                    in_flight[pool.submit(self._read, page.page_index, *job)] = page
                if not in_flight:
                    continue
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in done:
                    page = in_flight.pop(fut)
                    result = fut.result()
                    self.stats.seconds += result.seconds
                    page._cache[self._key()] = result

    def _prepare(
        self, page: PageView
    ) -> OcrPage | tuple[Image.Image, PageGeometry, tuple[int, int], int]:
        """Render, mask and turn one page upright (main thread), or skip it when blank."""
        geom = cached_geometry(page, self._classifier)
        dpi = page_dpi(page, self.context.profile.ocr.dpi)
        # Grayscale: both engines read it, and turning it upright costs a third of RGB.
        image = page.render(dpi=dpi).convert("L")
        self.stats.pages += 1
        self.stats.page_area += page.bbox.area
        if is_blank(dark_mask(image)):
            self.stats.pages_skipped += 1
            self.stats.masked_area += page.bbox.area
            return OcrPage(page.page_index, (), (), geom, skipped="blank")
        self._mask_figures(page, image, dpi)
        return geom.upright(image), geom, image.size, dpi

    def _mask_figures(self, page: PageView, image: Image.Image, dpi: int) -> None:
        from PIL import ImageDraw

        boxes: Sequence[BBox] = page._cache.get(NO_TEXT_KEY, ())
        if not boxes:
            return
        draw = ImageDraw.Draw(image)
        for box in boxes:
            draw.rectangle(tuple(box.scale(dpi / 72.0)), fill=255)
            self.stats.masked_area += box.area

    def _fallback_engine(self) -> Any:
        """The second engine, loaded on first need; ``None`` where it cannot run here."""
        with self._fallback_lock:
            if self._fallback is None:
                from pdf2md.errors import BackendUnavailable
                from pdf2md.registry import OCR_ENGINES

                name = self.context.profile.ocr.fallback_engine
                try:
                    engine = OCR_ENGINES.resolve(name)(self.context)
                    engine.load()
                except BackendUnavailable as exc:
                    log.warning("OCR fallback engine %s unavailable: %s", name, exc)
                    engine = False
                self._fallback = engine
            return self._fallback or None

    def _read_words(self, page_index: int, upright: Image.Image) -> list[Any]:
        """Words from the engine, or from the fallback engine where the first read nothing
        on this page with ink (handwriting, a picture of text) or read it at a mean
        confidence below ``ocr.fallback_below_confidence`` (Tesseract on a script it has no
        data for reads Latin garbage at about 0.3); the more confident reading wins. A page
        that stays empty is a warning."""
        raw = list(self._engine.read([upright])[0])
        ocr = self.context.profile.ocr
        if not ocr.fallback_engine or ocr.fallback_engine == ocr.engine:
            return self._warn_if_empty(page_index, raw, [ocr.engine])
        mean = statistics.fmean(w.confidence for w in raw) if raw else 0.0
        if raw and mean >= ocr.fallback_below_confidence:
            return raw
        engine = self._fallback_engine()
        if engine is None:
            return self._warn_if_empty(page_index, raw, [ocr.engine])
        alt = list(engine.read([upright])[0])
        if alt and (not raw or statistics.fmean(w.confidence for w in alt) > mean):
            log.info(
                "OCR: %s read page %d %s; using %s",
                ocr.engine,
                page_index + 1,
                f"at confidence {mean:.2f}" if raw else "as empty",
                ocr.fallback_engine,
            )
            return alt
        return self._warn_if_empty(page_index, raw, [ocr.engine, ocr.fallback_engine])

    @staticmethod
    def _warn_if_empty(page_index: int, words: list[Any], engines: Sequence[str]) -> list[Any]:
        if not words:
            log.warning(
                "page %d has ink but %s read no text on it", page_index + 1, " and ".join(engines)
            )
        return words

    def _read(
        self,
        page_index: int,
        upright: Image.Image,
        geom: PageGeometry,
        size_px: tuple[int, int],
        dpi: int,
    ) -> OcrPage:
        start = time.perf_counter()
        raw = self._read_words(page_index, upright)
        k = 72.0 / dpi
        words = tuple(Word(w.text, w.bbox_px.scale(k), w.confidence, w.line_id) for w in raw)
        boxes = tuple(geom.to_page(w.bbox_px, size_px=size_px, dpi=dpi) for w in raw)
        return OcrPage(page_index, words, boxes, geom, None, time.perf_counter() - start)


def cached_ocr_page(page: PageView) -> OcrPage | None:
    """The page's OCR words where an OCR pass ran on it in this conversion, else ``None``."""
    found = [v for v in page._cache.values() if isinstance(v, OcrPage)]
    return found[0] if found else None


def page_dpi(page: PageView, dpi: int, max_side_px: int = MAX_SIDE_PX) -> int:
    """``dpi``, lowered where the page's long side would exceed ``max_side_px`` pixels."""
    long_side_pt = max(page.width_pt, page.height_pt, 1.0)
    return max(36, min(dpi, int(max_side_px * 72.0 / long_side_pt)))


def _unique(pages: Sequence[PageView]) -> list[PageView]:
    seen: dict[int, PageView] = {}
    for p in pages:
        seen.setdefault(p.page_index, p)
    return list(seen.values())
