"""Routing: each region goes down its kind's list of recognisers until one answers.

The route is data in the profile (``[route]``): ``kind -> [recogniser names]``. Recognisers are
called in batches (all crops waiting for the same recogniser at once). A recogniser that returns
``None`` for a crop, raises, or cannot be loaded passes that crop to the next name; every such
failure is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pdf2md.backend import (
    BackendContext,
    LayoutBackend,
    OcrEngine,
    Recogniser,
    RegionCrop,
    ReportsOcrStats,
)
from pdf2md.errors import BackendUnavailable, ConfigError, Pdf2mdError
from pdf2md.model import Content, ErrorItem
from pdf2md.profile import Profile, RouteSettings
from pdf2md.registry import LAYOUTS, OCR_ENGINES, RECOGNISERS, Registry

log = logging.getLogger(__name__)


@dataclass
class BackendPool:
    """Backends of one conversion, constructed and loaded once, on first use.

    A backend that fails to load is remembered as unavailable (with its message) so it is not
    retried on every page. ``overrides`` maps a name to a ready instance (tests, embedding apps).
    """

    context: BackendContext
    overrides: dict[str, object] = field(default_factory=dict)
    _ready: dict[tuple[str, str], object] = field(default_factory=dict)
    _broken: dict[tuple[str, str], str] = field(default_factory=dict)

    def _get(self, registry: Registry, name: str) -> object:
        key = (registry.role, name)
        if name in self.overrides:
            return self.overrides[name]
        if key in self._broken:
            raise BackendUnavailable(self._broken[key])
        if key not in self._ready:
            try:
                backend = registry.resolve(name)(self.context)
                backend.load()
            except BackendUnavailable as exc:
                self._broken[key] = str(exc)
                raise
            self._ready[key] = backend
        return self._ready[key]

    def loaded(self) -> list[object]:
        """Every backend constructed and loaded so far."""
        return [*self._ready.values(), *self.overrides.values()]

    def recogniser(self, name: str) -> Recogniser:
        """The loaded recogniser ``name``."""
        backend = self._get(RECOGNISERS, name)
        assert isinstance(backend, Recogniser), name
        return backend

    def layout(self, name: str) -> LayoutBackend:
        """The loaded layout backend ``name``."""
        backend = self._get(LAYOUTS, name)
        assert isinstance(backend, LayoutBackend), name
        return backend

    def ocr_engine(self, name: str) -> OcrEngine:
        """The loaded OCR engine ``name`` (the triage's layer check uses it)."""
        backend = self._get(OCR_ENGINES, name)
        assert isinstance(backend, OcrEngine), name
        return backend


@dataclass(frozen=True)
class OcrTally:
    """The OCR counters of a pool's backends at one moment, to report one conversion's share
    of work done by backends that live across conversions."""

    counts: dict[int, tuple[int, int, float, float]]

    @staticmethod
    def _read(pool: BackendPool) -> dict[int, tuple[int, int, float, float]]:
        return {
            id(b): (b.stats.pages, b.stats.pages_skipped, b.stats.masked_area, b.stats.page_area)
            for b in pool.loaded()
            if isinstance(b, ReportsOcrStats)
        }

    @classmethod
    def of(cls, pool: BackendPool) -> OcrTally:
        """The counters now."""
        return cls(cls._read(pool))

    def since(self, pool: BackendPool) -> dict[str, float]:
        """OCR pages done and skipped since this tally, and the largest share of page area
        the OCR gate found empty; ``{}`` where no OCR backend ran."""
        deltas = [
            tuple(now - then for now, then in zip(counts, self.counts.get(key, (0, 0, 0.0, 0.0))))
            for key, counts in self._read(pool).items()
        ]
        if not deltas:
            return {}
        shares = [d[2] / d[3] for d in deltas if d[0] and d[3] > 0]
        return {
            "ocr_pages": float(sum(d[0] for d in deltas)),
            "ocr_pages_skipped": float(sum(d[1] for d in deltas)),
            "ocr_skipped_share": max(shares) if shares else 0.0,
        }


def validate_route(route: RouteSettings) -> None:
    """Fail early on recogniser names nobody registered.

    Raises:
        ConfigError: an unknown name, with the known ones listed.
    """
    for kind, names in route.model_dump().items():
        for name in names:
            if name not in RECOGNISERS:
                raise ConfigError(
                    f"route.{kind}: unknown recogniser {name!r}; known: "
                    + ", ".join(RECOGNISERS.names())
                )


def validate_profile(profile: Profile) -> None:
    """Check every backend name and every ``[options.X]`` table of a profile, before any
    document: in a batch of a million PDFs a typo is one error at start-up, not a million
    failed records.

    Each backend the profile names (route, layout, OCR engines) or gives options to is
    constructed once and dropped: construction validates its options and does no I/O. A backend
    whose module cannot be imported (an optional package missing) is left to fail where it is
    used, with its own install hint.

    Raises:
        ConfigError: an unknown backend name, an options table for no backend, or an unknown
            or bad option key; the message names the key.
    """
    validate_route(profile.route)
    layout, ocr = profile.layout, profile.ocr
    named = [
        (LAYOUTS, "layout.backend", layout.backend),
        (LAYOUTS, "layout.scanned_backend", layout.scanned_backend),
        (LAYOUTS, "layout.fallback", layout.fallback),
        (OCR_ENGINES, "ocr.engine", ocr.engine),
        (OCR_ENGINES, "ocr.fallback_engine", ocr.fallback_engine),
    ]
    for registry, key, name in named:
        if name and name not in registry:
            raise ConfigError(f"{key}: unknown {registry.role} {name!r}; known: {_known(registry)}")
    context = BackendContext(profile=profile)
    for name in profile.options:
        registries = [r for r in (RECOGNISERS, LAYOUTS, OCR_ENGINES) if name in r]
        if not registries:
            known = sorted({*RECOGNISERS, *LAYOUTS, *OCR_ENGINES})
            raise ConfigError(
                f"[options.{name}]: no backend is named {name!r}; known: " + ", ".join(known)
            )
        for registry in registries:
            _construct(registry, name, context)


def _known(registry: Registry) -> str:
    return ", ".join(registry.names())


def _construct(registry: Registry, name: str, context: BackendContext) -> None:
    try:
        cls = registry.resolve(name)
    except BackendUnavailable:
        return
    cls(context)


ErrorSink = Callable[[ErrorItem], None]


def _call(
    pool: BackendPool, name: str, crops: list[RegionCrop], record: ErrorSink, strict: bool
) -> list[Content | None]:
    try:
        answers = pool.recogniser(name).recognise(crops)
    except BackendUnavailable as exc:
        record(ErrorItem(stage="recognise", backend=name, message=str(exc)))
        return [None] * len(crops)
    except Exception as exc:  # a backend bug must not kill the document: record, fall back
        if strict:
            raise
        log.warning("recogniser %s failed: %s", name, exc, exc_info=log.isEnabledFor(10))
        page = crops[0].region.page_index if crops else None
        record(
            ErrorItem(
                stage="recognise",
                backend=name,
                page_index=page,
                message=f"{type(exc).__name__}: {exc}",
            )
        )
        return [None] * len(crops)
    if len(answers) != len(crops):
        raise Pdf2mdError(f"recogniser {name} returned {len(answers)} answers for {len(crops)}")
    for rid, message in getattr(pool.recogniser(name), "last_errors", ()):
        record(ErrorItem(stage="recognise", backend=name, region_id=rid, message=message))
    return list(answers)


def recognise_regions(
    crops: Sequence[RegionCrop],
    route: RouteSettings,
    pool: BackendPool,
    record: ErrorSink,
    *,
    strict: bool = False,
) -> dict[str, Content]:
    """Answers by region id. Regions nobody could read are absent (and recorded)."""
    step = {c.region.id: 0 for c in crops}
    pending = list(crops)
    answers: dict[str, Content] = {}
    while pending:
        by_name: dict[str, list[RegionCrop]] = {}
        for crop in pending:
            names = route.for_kind(crop.region.kind.value)
            if step[crop.region.id] < len(names):
                by_name.setdefault(names[step[crop.region.id]], []).append(crop)
        pending = []
        for name, group in by_name.items():
            for crop, answer in zip(group, _call(pool, name, group, record, strict)):
                if answer is not None:
                    answers[crop.region.id] = answer
                else:
                    step[crop.region.id] += 1
                    pending.append(crop)
    return answers
