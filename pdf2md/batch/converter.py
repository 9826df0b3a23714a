"""The per-document converter the batch calls, and the plain data it returns.

The batch machinery does not call :func:`pdf2md.pipeline.convert` directly: it calls a
*converter*, a callable ``(path, ConvertOptions) -> Converted`` named by a ``"module:name"``
string, so that worker processes (local or on Ray) can import it and tests can swap in a fake
that sleeps, crashes or leaks. Where the name is a class, each worker builds one instance and
calls it for every document, so it can keep state such as loaded models. The production
converter, :class:`PipelineConverter`, keeps a :class:`pdf2md.pipeline.Converter` per profile
(models load once per worker, not once per document) and adds the Markdown writer.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pdf2md.errors import ConfigError

if TYPE_CHECKING:
    from pdf2md.model import Result
    from pdf2md.pipeline import Converter as PipelineBackend

log = logging.getLogger(__name__)

DEFAULT_CONVERTER = "pdf2md.batch.converter:PipelineConverter"
DEFAULT_WARM_UP = "pdf2md.batch.converter:warm_up_pipeline"

ConvertStatus = Literal["ok", "partial", "failed"]


@dataclass(frozen=True)
class ConvertOptions:
    """What every document of a batch is converted with.

    Attributes:
        profile: profile name or path.
        max_pages: convert only the first ``max_pages`` pages (``None``: all).
        timeout_s: the pipeline's own (cooperative) time limit; the worker kills a
            conversion that overruns it anyway.
    """

    profile: str = "default"
    max_pages: int | None = None
    timeout_s: float | None = None


@dataclass(frozen=True)
class PageRecord:
    """One converted page: its character span in the Markdown and how it was read.

    ``start``/``end`` are offsets into the document's Markdown (``end`` exclusive); a page
    that produced no text (blank or failed) has ``start == end``. ``method`` is one of
    ``text-layer``, ``ocr``, ``model``, ``mixed``, ``blank``, ``failed``.
    """

    page_index: int
    start: int
    end: int
    method: str


@dataclass(frozen=True)
class ErrorRecord:
    """One error the converter reported (a whole-document failure or a page/region one)."""

    stage: str
    message: str
    page_index: int | None = None


@dataclass(frozen=True)
class Converted:
    """A converter's answer for one document.

    ``status`` is ``failed`` where no Markdown came out (``errors`` says why), ``partial``
    where some pages or regions failed (they are marked in ``pages``), else ``ok``.
    ``page_count`` is the number of pages in the PDF, which exceeds ``len(pages)`` when
    ``max_pages`` cut the document short.
    """

    status: ConvertStatus
    markdown: str = ""
    pages: tuple[PageRecord, ...] = ()
    page_count: int = 0
    errors: tuple[ErrorRecord, ...] = ()
    profile: str = ""
    pdf2md_version: str = ""
    timings: dict[str, float] = field(default_factory=dict)


Converter = Callable[[str, ConvertOptions], Converted]


def load_converter(spec: str) -> Any:
    """Import the converter (or warm-up function) named ``"module:name"``; a class is
    instantiated (with no arguments) and the instance returned.

    Raises:
        ConfigError: the module or function cannot be found.
    """
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"converter {spec!r}: expected 'module:function'")
    try:
        func = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"converter {spec!r} cannot be imported: {exc}") from exc
    if isinstance(func, type):
        func = func()
    if not callable(func):
        raise ConfigError(f"converter {spec!r} is not callable")
    return func


def _page_selection(path: str, max_pages: int | None) -> list[int] | None:
    if max_pages is None:
        return None
    import pymupdf

    try:
        with pymupdf.open(path) as doc:  # type: ignore[no-untyped-call]  # untyped library
            return list(range(min(max_pages, doc.page_count)))
    except (RuntimeError, ValueError, OSError):
        return None  # unreadable: let the pipeline open it and report the error properly


def from_result(result: Result) -> Converted:
    """Turn a pipeline :class:`~pdf2md.model.Result` into a :class:`Converted`."""
    from pdf2md.render.markdown import render_markdown

    errors = tuple(ErrorRecord(e.stage, e.message, e.page_index) for e in result.errors)
    doc = result.document
    if result.status == "failed" or doc is None:
        return Converted(status="failed", errors=errors or (ErrorRecord("source", "no document"),))
    rendered = render_markdown(doc)
    spans = {page_index: (start, end) for start, end, page_index in rendered.page_spans}
    pages: list[PageRecord] = []
    cursor = 0
    for page in doc.pages:
        start, end = spans.get(page.page_index, (cursor, cursor))
        method = page.method if start < end or page.method in ("failed", "blank") else "blank"
        pages.append(PageRecord(page.page_index, start, end, method))
        cursor = end
    return Converted(
        status=result.status,
        markdown=rendered.text,
        pages=tuple(pages),
        page_count=doc.page_count,
        errors=errors,
        profile=doc.profile_name,
        pdf2md_version=doc.pdf2md_version,
        timings=dict(result.timings),
    )


class PipelineConverter:
    """The production converter: :class:`pdf2md.pipeline.Converter` + the Markdown writer.

    One instance lives as long as its worker process; it keeps one pipeline converter (and so
    the loaded layout model and OCR engines) per profile across documents.
    """

    def __init__(self) -> None:
        self._converters: dict[str, PipelineBackend] = {}

    def __call__(self, path: str, options: ConvertOptions) -> Converted:
        """Convert one document with ``options``."""
        from pdf2md.errors import Pdf2mdError

        try:
            converter = self._converter(options.profile)
        except Pdf2mdError as exc:
            return Converted(status="failed", errors=(ErrorRecord("profile", str(exc)),))
        result = converter.convert(
            path, pages=_page_selection(path, options.max_pages), timeout_s=options.timeout_s
        )
        return from_result(result)

    def _converter(self, profile: str) -> PipelineBackend:
        if profile not in self._converters:
            from pdf2md.pipeline import Converter as Pipeline

            self._converters[profile] = Pipeline(profile)
        return self._converters[profile]


def convert_with_pipeline(path: str, options: ConvertOptions) -> Converted:
    """One document through a fresh :class:`PipelineConverter` (models load for this call)."""
    return PipelineConverter()(path, options)


def warm_up_pipeline(converter: Converter, options: ConvertOptions) -> None:
    """Convert a one-page PDF made on the spot with the worker's ``converter``, so that a new
    worker loads its models and imports before its first real document (whose time limit
    should not pay for them)."""
    import tempfile

    import pymupdf

    doc = pymupdf.open()  # type: ignore[no-untyped-call]  # untyped library
    page = doc.new_page(width=300, height=200)
    page.insert_text((20, 40), "Warm-up", fontsize=14)
    page.insert_text((20, 70), "A short paragraph that loads the pipeline's models.", fontsize=9)
    with tempfile.TemporaryDirectory(prefix="pdf2md-warm-up-") as folder:
        path = f"{folder}/warm-up.pdf"
        doc.save(path)  # type: ignore[no-untyped-call]
        doc.close()  # type: ignore[no-untyped-call]
        result = converter(path, options)
    if result.status == "failed":
        log.warning("warm-up conversion failed: %s", "; ".join(e.message for e in result.errors))
