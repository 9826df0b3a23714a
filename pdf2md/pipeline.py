"""``Converter(profile).convert(path) -> Result``: wires the stages together, nothing more.

source -> triage -> layout -> order -> route/recognise -> document -> render. Pages stream in
bounded batches so memory stays flat on long documents. A failing page is recorded and the rest
of the document goes on; a document that cannot be opened gives ``status="failed"``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pdf2md import __version__
from pdf2md.backend import AssetSink, BackendContext, DirectoryAssetSink, RegionCrop
from pdf2md.chunks import ChunkDone, PageChunk, chunk_indices, merged_stats
from pdf2md.document import assemble_document
from pdf2md.errors import BackendUnavailable, ConversionTimeout, Pdf2mdError
from pdf2md.ink import empty_page_warning, has_ink, is_nearly_empty
from pdf2md.layout_choice import page_layouts
from pdf2md.ledger import PageSource, ledger_totals, page_source, with_ledgers
from pdf2md.model import (
    Block,
    Document,
    ErrorItem,
    Page,
    PageMethod,
    PageTriage,
    Region,
    Result,
    Status,
)
from pdf2md.order import order_regions
from pdf2md.page_pool import PagePool
from pdf2md.profile import Profile, ResolvedProfile, resolve_profile
from pdf2md.render.markdown import render_markdown
from pdf2md.render.safe import safe_document
from pdf2md.route import BackendPool, OcrTally, recognise_regions, validate_profile
from pdf2md.source import PageView, SourceDocument, TextLine, open_pdf
from pdf2md.triage import LayerCheck, triage_page
from pdf2md.urls import redact_text

log = logging.getLogger(__name__)

MIN_HELPER_PAGES = 4


@dataclass
class _Run:
    """State of one conversion (local to one call of :meth:`Converter.convert`)."""

    profile: Profile
    pool: BackendPool
    strict: bool
    deadline: float | None
    on_progress: Callable[[int, int], None] | None = None
    assets: AssetSink | None = None
    errors: list[ErrorItem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    sources: dict[int, PageSource] = field(default_factory=dict)

    def record(self, item: ErrorItem) -> None:
        # a backend's message may quote an endpoint: no credentials in what is recorded
        self.errors.append(item.model_copy(update={"message": redact_text(item.message)}))

    def tick(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - started
        return now

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ConversionTimeout("document ran past its time limit")

    def fresh(self) -> _Run:
        """A run for one chunk of this document's pages, with nothing recorded yet."""
        return _Run(self.profile, self.pool, self.strict, self.deadline, None, self.assets)

    def merge(self, done: ChunkDone) -> None:
        """Take in what a chunk recorded (in page order, so errors read as in one pass)."""
        self.errors.extend(done.errors)
        for stage, seconds in done.timings.items():
            self.timings[stage] = self.timings.get(stage, 0.0) + seconds
        self.sources.update(done.sources)
        if isinstance(self.assets, DirectoryAssetSink):
            self.assets.written.extend(done.written)


def _as_profile(profile: str | Profile | ResolvedProfile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, ResolvedProfile):
        return profile.profile
    return resolve_profile(profile).profile


def _failed(message: str, stage: str = "source") -> Result:
    return Result(
        status="failed",
        document=None,
        errors=(ErrorItem(stage=stage, message=message),),  # type: ignore[arg-type]
    )


class Converter:
    """Converts PDFs with one profile, keeping its backends (and their models) loaded.

    Loading a layout model or an OCR engine costs seconds; a ``Converter`` pays it once, on the
    first document that needs it, and reuses it for every later one. Use one per process (it is
    not thread-safe); :func:`convert` is the one-document shorthand.

    With ``workers`` above 1, documents of :data:`MIN_HELPER_PAGES` pages or more are shared
    with ``workers - 1`` helper processes (started on the first such document, kept until
    :meth:`close`; see :mod:`pdf2md.page_pool`). Pages are independent until the document
    stage, so the output is the same as with one process. Each helper limits ONNX Runtime to
    one thread; a program that uses helpers should call
    :func:`pdf2md.onnx_env.limit_onnx_threads` with 1 before it imports pdf2md's pipeline, so
    that its own models do not take every core too. Batch workers keep ``workers=1``: they
    already share the cores by documents.

    Example:
        >>> with Converter("fast") as converter:  # doctest: +SKIP
        ...     results = [converter.convert(p) for p in paths]

    Raises:
        ConfigError: the profile cannot be resolved or names an unknown recogniser.
    """

    def __init__(
        self,
        profile: str | Profile | ResolvedProfile = "default",
        *,
        backends: dict[str, object] | None = None,
        workers: int = 1,
    ) -> None:
        self.profile = _as_profile(profile)
        validate_profile(self.profile)
        self._pool = BackendPool(BackendContext(profile=self.profile), dict(backends or {}))
        # backends given as instances cannot travel to another process: no helpers then
        self._helpers = (
            PagePool(
                workers, f"{__name__}:helper_converter", self.profile, f"{__name__}:convert_chunk"
            )
            if workers > 1 and not backends
            else None
        )

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def loaded_backends(self) -> list[object]:
        """The backends loaded so far (they stay loaded for later documents)."""
        return self._pool.loaded()

    def close(self) -> None:
        """Let go of the loaded backends (their models are freed with the last reference) and
        stop the page helpers."""
        self._pool = BackendPool(self._pool.context, self._pool.overrides)
        if self._helpers is not None:
            self._helpers.close()

    def convert(
        self,
        path: str | Path,
        *,
        pages: Sequence[int] | None = None,
        password: str | None = None,
        images_dir: str | Path | None = None,
        image_link_prefix: str | None = None,
        strict: bool = False,
        timeout_s: float | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Result:
        """Convert one PDF; the arguments are those of :func:`convert`."""
        started = time.perf_counter()
        try:
            src = open_pdf(path, password=password)
        except Pdf2mdError as exc:
            if strict:
                raise
            return _failed(str(exc))
        with src:
            sink = None
            if images_dir is not None and self.profile.images.enabled:
                folder = Path(images_dir)
                prefix = folder.name if image_link_prefix is None else image_link_prefix
                sink = DirectoryAssetSink(folder, prefix)
            deadline = time.monotonic() + timeout_s if timeout_s else None
            run = _Run(self.profile, self._pool, strict, deadline, on_progress, sink)
            run.tick("source", started)
            tally = OcrTally.of(self._pool)
            chunk = PageChunk(
                str(src.path),
                password,
                (),
                str(sink.directory) if sink is not None else None,
                sink.link_prefix if sink is not None else "",
                strict,
                deadline,
            )
            helper_stats: list[dict[str, float]] = []
            try:
                result = _convert_open(src, run, pages, self._helpers, chunk, helper_stats)
            except ConversionTimeout as exc:
                if sink is not None:
                    sink.discard()
                if strict:
                    raise
                return _failed(str(exc), stage="timeout")
            except BaseException:
                if sink is not None:
                    sink.discard()  # no image files of a conversion that did not finish
                raise
            if result.status == "failed" and sink is not None:
                sink.discard()
            stats = merged_stats([tally.since(self._pool), *helper_stats])
            return result.model_copy(update={"stats": stats})

    def convert_chunk(self, chunk: PageChunk) -> ChunkDone | None:
        """Convert a share of a document's pages in a page helper; ``None`` where the helper
        cannot open the PDF (the caller then converts those pages itself)."""
        try:
            src = open_pdf(chunk.path, password=chunk.password)
        except Pdf2mdError:
            return None
        with src:
            sink = None
            if chunk.images_dir is not None:
                sink = DirectoryAssetSink(Path(chunk.images_dir), chunk.link_prefix)
            run = _Run(self.profile, self._pool, chunk.strict, chunk.deadline, None, sink)
            tally = OcrTally.of(self._pool)
            try:
                pages = _read_chunk(src, run, chunk.indices)
            except BaseException:
                if sink is not None:
                    sink.discard()
                raise
            written = list(sink.written) if sink is not None else []
            return ChunkDone(
                pages, run.errors, run.timings, run.sources, written, tally.since(self._pool)
            )


def helper_converter(profile: Profile) -> Converter:
    """The state of a page helper: a converter of the caller's profile (see ``workers``)."""
    return Converter(profile)


def convert_chunk(converter: Converter, chunk: PageChunk) -> ChunkDone | None:
    """The work of a page helper."""
    return converter.convert_chunk(chunk)


def convert(
    path: str | Path,
    *,
    profile: str | Profile | ResolvedProfile = "default",
    pages: Sequence[int] | None = None,
    password: str | None = None,
    images_dir: str | Path | None = None,
    image_link_prefix: str | None = None,
    strict: bool = False,
    timeout_s: float | None = None,
    backends: dict[str, object] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> Result:
    """Convert one PDF to Markdown (models load for this call; see :class:`Converter`).

    Args:
        path: the PDF.
        profile: a bundled profile name, a ``.toml`` path, or a (resolved) Profile.
        pages: 0-based page indices to convert, in order; ``None`` for all.
        password: for encrypted PDFs.
        images_dir: where figure crops are written; ``None`` writes no image files.
        image_link_prefix: how the Markdown links to ``images_dir`` (default: its name).
        strict: raise on the first error instead of recording it.
        timeout_s: give up (status ``failed``) after this many seconds.
        backends: ready backend instances by name, overriding the registry (for tests).
        on_progress: called with ``(pages_done, pages_total)`` after each batch of pages.
        workers: processes that share the pages, this one included (see :class:`Converter`).

    Returns:
        A :class:`~pdf2md.model.Result`; it never raises for bad input unless ``strict``.
    """
    try:
        converter = Converter(profile, backends=backends, workers=workers)
    except Pdf2mdError as exc:
        if strict:
            raise
        return _failed(str(exc))
    with converter:
        return converter.convert(
            path,
            pages=pages,
            password=password,
            images_dir=images_dir,
            image_link_prefix=image_link_prefix,
            strict=strict,
            timeout_s=timeout_s,
            on_progress=on_progress,
        )


def _page_indices(src: SourceDocument, pages: Sequence[int] | None) -> list[int]:
    if pages is None:
        return list(range(src.page_count))
    # stop at the first page out of range: a range of a billion pages is refused before
    # anything the size of that range is built
    bad = next((p for p in pages if not 0 <= p < src.page_count), None)
    if bad is not None:
        raise Pdf2mdError(f"page {bad + 1} out of range: the document has {src.page_count} pages")
    return list(pages)


def _convert_open(
    src: SourceDocument,
    run: _Run,
    pages: Sequence[int] | None,
    helpers: PagePool | None = None,
    template: PageChunk | None = None,
    helper_stats: list[dict[str, float]] | None = None,
) -> Result:
    try:
        indices = _page_indices(src, pages)
    except Pdf2mdError as exc:
        if run.strict:
            raise
        return _failed(str(exc))
    out_pages: list[Page] = []
    if len(indices) < MIN_HELPER_PAGES:
        helpers = None  # starting a helper costs more than it saves
    chunks = chunk_indices(indices, helpers.workers if helpers is not None else 1)

    def here(chunk: PageChunk) -> ChunkDone:
        part = run.fresh()
        done = _read_chunk(src, part, chunk.indices)
        return ChunkDone(done, part.errors, part.timings, part.sources)

    jobs = [
        replace(template or PageChunk("", None, (), None, "", False, None), indices=c)
        for c in chunks
    ]
    results = helpers.map(jobs, here) if helpers is not None else map(here, jobs)
    for job, result in zip(jobs, results):
        done = result if result is not None else here(job)
        run.merge(done)
        if helper_stats is not None and done.stats:
            helper_stats.append(done.stats)
        out_pages.extend(done.pages)
        if run.on_progress is not None:
            run.on_progress(len(out_pages), len(indices))
    t = time.perf_counter()
    doc = Document(
        source_path=str(src.path),
        source_sha256=src.sha256,
        page_count=src.page_count,
        profile_name=run.profile.name,
        profile_hash=run.profile.hash,
        pdf2md_version=__version__,
        title=src.title,
        pages=tuple(out_pages),
    )
    doc = _assembled(doc, src, run)
    t = run.tick("document", t)
    markdown = render_markdown(
        doc,
        page_markers=run.profile.document.page_markers,
        allow_raw_html=run.profile.render.allow_raw_html,
    ).text
    run.tick("render", t)
    failed_pages = sum(1 for p in doc.pages if p.method == "failed")
    status: Status = "ok" if not run.errors else "partial"
    if failed_pages == len(doc.pages):
        status = "failed"
    return Result(
        status=status,
        document=doc if status != "failed" else None,
        markdown=markdown if status != "failed" else "",
        errors=tuple(run.errors),
        timings=run.timings,
        ledger=ledger_totals(doc),
    )


def _read_chunk(src: SourceDocument, run: _Run, indices: Sequence[int]) -> list[Page]:
    """Convert some pages of an open document, each failure recorded on its page."""
    run.check_deadline()
    opened = [_open_page(src, i, run) for i in indices]
    views = [v for v in opened if isinstance(v, PageView)]
    converted = iter(_convert_pages(views, run))
    pages = [next(converted) if isinstance(v, PageView) else v for v in opened]
    for view in views:
        _record_bounds(view, run)
    del views, opened
    src.release_caches()
    return pages


def _page_failure(exc: Exception) -> str:
    if isinstance(exc, Pdf2mdError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _failed_page(src: SourceDocument | None, view: PageView | None, page_index: int) -> Page:
    """The record of a page that could not be read: no blocks, ``method="failed"``."""
    width = height = 0.0
    if view is not None:
        width, height = view.width_pt, view.height_pt
    elif src is not None:
        with contextlib.suppress(RuntimeError, ValueError, IndexError):
            rect = src.doc[page_index].rect
            width, height = float(rect.width), float(rect.height)
    return Page(page_index=page_index, width_pt=width, height_pt=height, method="failed")


def _open_page(src: SourceDocument, page_index: int, run: _Run) -> PageView | Page:
    """A view of the page, or (its failure recorded) a failed page where it cannot be read."""
    try:
        return src.page(page_index)
    except Exception as exc:  # anything a page holds can break MuPDF: only this page fails
        if run.strict:
            raise
        log.info("page %d cannot be read: %s", page_index + 1, _page_failure(exc))
        run.record(ErrorItem(stage="source", page_index=page_index, message=_page_failure(exc)))
        return _failed_page(src, None, page_index)


def _convert_pages(views: list[PageView], run: _Run) -> list[Page]:
    """Convert a batch of pages; where the batch fails, each page again on its own, so that
    only the page that breaks a stage is lost (recorded as a failed page)."""
    if not views:
        return []
    first_error = len(run.errors)
    try:
        return _convert_batch(views, run)
    except ConversionTimeout:
        raise
    except Exception as exc:  # a bug or a page MuPDF cannot process: isolate the page
        if run.strict:
            raise
        del run.errors[first_error:]  # the pages are converted again, errors and all
        if len(views) > 1:
            return [page for view in views for page in _convert_pages([view], run)]
        view = views[0]
        log.info("page %d failed: %s", view.page_index + 1, _page_failure(exc))
        run.record(
            ErrorItem(stage="source", page_index=view.page_index, message=_page_failure(exc))
        )
        return [_failed_page(None, view, view.page_index)]


def _record_bounds(view: PageView, run: _Run) -> None:
    for message in view.bounds_hit.values():
        log.info("page %d: %s", view.page_index + 1, message)
        run.record(ErrorItem(stage="source", page_index=view.page_index, message=message))


def _assembled(doc: Document, src: SourceDocument, run: _Run) -> Document:
    """The cross-page steps, then output made safe to render; where assembly breaks, the
    pages as they were read (the failure recorded)."""
    try:
        doc = assemble_document(doc, outline=src.outline, settings=run.profile.document)
    except Exception as exc:  # a bug on odd content: keep the pages, record what happened
        if run.strict:
            raise
        log.info("document assembly failed: %s", _page_failure(exc))
        run.record(ErrorItem(stage="document", message=_page_failure(exc)))
    doc = with_ledgers(doc, run.sources)  # what was emitted, before escaping for HTML
    return safe_document(doc, allow_raw_html=run.profile.render.allow_raw_html)


def _convert_batch(views: list[PageView], run: _Run) -> list[Page]:
    t = time.perf_counter()
    first_error = len(run.errors)
    check = _layer_check(run)
    triages = [triage_page(v, mode=run.profile.ocr.mode, check_layer=check) for v in views]
    t = run.tick("triage", t)
    regions = page_layouts(views, triages, run.profile.layout, run.pool, run.record, run.strict)
    t = run.tick("layout", t)
    # OCR pages keep the image layout's order: it was decided on the upright page image,
    # which for a page scanned sideways is not the frame the boxes are stored in
    ordered = [
        order_regions(r, v.width_pt)
        if run.profile.layout.order == "xy-cut" and not tr.needs_ocr
        else [region.model_copy(update={"order": i}) for i, region in enumerate(r)]
        for r, v, tr in zip(regions, views, triages)
    ]
    ordered = [[_renamed(r) for r in page_regions] for page_regions in ordered]
    t = run.tick("order", t)
    crops = [
        RegionCrop(region, view, triage, run.assets)
        for view, triage, page_regions in zip(views, triages, ordered)
        for region in page_regions
    ]
    answers = recognise_regions(crops, run.profile.route, run.pool, run.record, strict=run.strict)
    run.tick("recognise", t)
    batch_errors = run.errors[first_error:]
    pages: list[Page] = []
    for view, triage, page_regions in zip(views, triages, ordered):
        blocks = tuple(
            Block(region=r, content=answers[r.id]) for r in page_regions if r.id in answers
        )
        has_errors = any(e.page_index in (None, view.page_index) for e in batch_errors)
        if not has_errors and is_nearly_empty(blocks) and has_ink(view):
            run.record(empty_page_warning(view.page_index))  # never an empty page in silence
        run.sources[view.page_index] = page_source(view, not triage.needs_ocr, page_regions, blocks)
        pages.append(
            Page(
                page_index=view.page_index,
                width_pt=view.width_pt,
                height_pt=view.height_pt,
                blocks=blocks,
                method=_page_method(blocks, has_errors, triage),
                triage=triage,
            )
        )
    return pages


def _layer_check(run: _Run) -> LayerCheck | None:
    """Hidden text layers are checked against the ink with the profile's OCR engine, loaded
    on the first such page (where it cannot load, the layer is trusted as before)."""
    if run.profile.ocr.mode != "auto":
        return None
    from pdf2md.ocr.layer_check import layer_agreement

    def check(page: PageView, lines: Sequence[TextLine]) -> float | None:
        try:
            engine = run.pool.ocr_engine(run.profile.ocr.engine)
        except BackendUnavailable:
            return None
        return layer_agreement(page, lines, engine)

    return check


def _renamed(region: Region) -> Region:
    return region.model_copy(update={"id": f"p{region.page_index}-r{region.order}"})


def _page_method(blocks: Sequence[Block], has_errors: bool, triage: PageTriage) -> PageMethod:
    """How the page was read; ``failed`` where nothing came out and something went wrong,
    ``blank`` where nothing came out because there was nothing to read."""
    body = [b for b in blocks if not b.region.kind.is_furniture]
    if not body:
        return "failed" if has_errors else "blank"
    methods = {b.content.method for b in body} - {"image", "none"}
    if not methods:
        return "text-layer" if not triage.needs_ocr else "ocr"
    if methods <= {"text-layer", "math"}:
        return "text-layer"
    if methods == {"ocr"}:
        return "ocr"
    if methods <= {"vlm"}:
        return "model"
    return "mixed"
