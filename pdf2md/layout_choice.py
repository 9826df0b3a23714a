"""Which layout backend reads each page, and the fallback where one fails."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pdf2md.errors import BackendUnavailable
from pdf2md.model import ErrorItem, PageTriage, Region, RegionKind
from pdf2md.profile import LayoutSettings
from pdf2md.route import BackendPool
from pdf2md.source import PageView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Detect:
    """Layout detection with the profile's fallback and the run's error record."""

    settings: LayoutSettings
    pool: BackendPool
    record: Callable[[ErrorItem], None]
    strict: bool

    def detect(self, name: str, views: list[PageView]) -> list[list[Region]]:
        """The regions of ``name``; where it fails, the fallback's (the failure recorded)."""
        fallback = self.settings.fallback
        try:
            return self.pool.layout(name).detect(views)
        except BackendUnavailable as exc:
            self.record(ErrorItem(stage="layout", backend=name, message=str(exc)))
        except Exception as exc:  # a backend bug: record it, fall back to the heuristic layout
            if self.strict:
                raise
            log.warning("layout %s failed: %s", name, exc)
            self.record(
                ErrorItem(
                    stage="layout",
                    backend=name,
                    page_index=views[0].page_index,
                    message=f"{type(exc).__name__}: {exc}",
                )
            )
        if name != fallback and any(v.lines for v in views):
            return self.detect(fallback, views)
        return [[_whole_page_region(v)] for v in views]


def page_layouts(
    views: list[PageView],
    triages: list[PageTriage],
    settings: LayoutSettings,
    pool: BackendPool,
    record: Callable[[ErrorItem], None],
    strict: bool,
) -> list[list[Region]]:
    """Regions per page: the text-layer layout for trusted pages, the image one for the rest."""
    detector = _Detect(settings, pool, record, strict)
    choice: dict[str, list[int]] = {}
    for i, (view, triage) in enumerate(zip(views, triages)):
        if triage.needs_ocr:
            name = settings.scanned_backend
        elif settings.model_pages == "never" or view.is_rotated:
            # the layout model reads rotated pages (/Rotate 90) as vertical text: the text
            # heuristics, which work in display space, do better there
            name = settings.fallback
        elif settings.model_pages == "always" or _needs_model(view):
            name = settings.backend
        else:
            name = settings.fallback
        choice.setdefault(name, []).append(i)
    result: list[list[Region]] = [[] for _ in views]
    for name, idx in choice.items():
        for i, regions in zip(idx, detector.detect(name, [views[i] for i in idx])):
            result[i] = regions
    return result


def _needs_model(view: PageView) -> bool:
    """Cheap test: does this text-layer page have structure the heuristics may get wrong?

    Pages with pictures, many vector paths, multiple columns or math fonts go to the model.
    """
    from pdf2md.layout.complexity import is_complex_page

    return is_complex_page(view)


def _whole_page_region(view: PageView) -> Region:
    return Region(
        id=f"p{view.page_index}-w0",
        kind=RegionKind.TEXT,
        bbox=view.bbox,
        page_index=view.page_index,
        detector="whole-page",
    )
