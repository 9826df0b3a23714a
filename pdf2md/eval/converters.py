"""Converter adapters: how ``pdf2md eval`` runs each PDF-to-Markdown tool on one PDF or one page.

An adapter has a ``name``, ``check()`` (None when it can run here, else a sentence saying why not
and how to fix it) and ``convert(pdf, page_index)`` returning Markdown. Adapters run inside a
worker subprocess (:mod:`pdf2md.eval.worker`), never in the eval process itself, so imports of
the converters happen there. ``page_index=None`` converts the whole document.

Spec strings: ``pdf2md``, ``pdf2md:fast`` (a profile), ``pymupdf4llm``, ``markitdown``,
``docling``, ``marker``, ``mineru``, or the dotted path of any class built as ``Cls(option)``
that follows :class:`Converter` (``mypkg.adapters.MyConverter:option``).
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pdf2md.errors import ConfigError, RecognitionError


class Converter(Protocol):
    """What the eval worker needs from a converter."""

    name: str

    def check(self) -> str | None:
        """None when the converter can run here; else why not, and how to fix it."""

    def convert(self, pdf: Path, page_index: int | None) -> str:
        """Markdown of one page (0-based ``page_index``) or of the whole document (None)."""


@runtime_checkable
class ReportsLedger(Protocol):
    """A converter that accounts for its words (pdf2md's word ledger)."""

    def word_ledger(self) -> dict[str, int] | None:
        """``words_in``, ``lost`` and ``duplicated`` of the last conversion, or None."""


def _missing(module: str, install: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return f"not installed ({install})"
    return None


def single_page_pdf(pdf: Path, page_index: int, folder: Path) -> Path:
    """Write page ``page_index`` of ``pdf`` as its own PDF in ``folder`` (for page-less tools)."""
    import pymupdf

    out = folder / f"{pdf.stem}_p{page_index + 1}.pdf"
    # pymupdf's constructor is untyped.
    with pymupdf.open(pdf) as src, pymupdf.open() as dst:  # type: ignore[no-untyped-call]
        dst.insert_pdf(src, from_page=page_index, to_page=page_index)
        dst.save(out)
    return out


@dataclass
class Pdf2mdConverter:
    """pdf2md itself, through ``pdf2md.pipeline.convert`` with a profile."""

    profile: str = "default"
    name: str = "pdf2md"
    _pipeline: Any = field(default=None, repr=False, compare=False)
    _ledger: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def check(self) -> str | None:
        if importlib.util.find_spec("pdf2md.pipeline") is None:
            return "pdf2md.pipeline is not available in this checkout"
        return None

    def convert(self, pdf: Path, page_index: int | None) -> str:
        if self._pipeline is None:  # one Converter for every page: models load once
            from pdf2md.pipeline import Converter

            self._pipeline = Converter(self.profile)
        pages = None if page_index is None else [page_index]
        self._ledger = None
        result = self._pipeline.convert(pdf, pages=pages)
        if result.ledger is not None:
            totals = result.ledger
            self._ledger = {
                "words_in": totals.words_in,
                "lost": totals.lost,
                "duplicated": totals.duplicated,
            }
        if result.status == "failed":
            messages = "; ".join(str(getattr(e, "message", e)) for e in result.errors)
            raise RecognitionError(messages or "conversion failed")
        return str(result.markdown)

    def word_ledger(self) -> dict[str, int] | None:
        """The word-ledger totals of the last conversion."""
        return self._ledger


@dataclass
class Pymupdf4llmConverter:
    """pymupdf4llm ``to_markdown`` with its defaults (layout mode when pymupdf-layout is there)."""

    name: str = "pymupdf4llm"

    def check(self) -> str | None:
        return _missing("pymupdf4llm", "pip install pymupdf4llm")

    def convert(self, pdf: Path, page_index: int | None) -> str:
        import pymupdf4llm

        pages = None if page_index is None else [page_index]
        return str(pymupdf4llm.to_markdown(str(pdf), pages=pages, show_progress=False))


@dataclass
class MarkitdownConverter:
    """Microsoft markitdown; pages are cut into single-page PDFs first."""

    name: str = "markitdown"

    def check(self) -> str | None:
        return _missing("markitdown", "pip install 'markitdown[pdf]'")

    def convert(self, pdf: Path, page_index: int | None) -> str:
        from markitdown import MarkItDown

        with tempfile.TemporaryDirectory(prefix="pdf2md-eval-") as tmp:
            path = pdf if page_index is None else single_page_pdf(pdf, page_index, Path(tmp))
            return str(MarkItDown().convert(str(path)).text_content)


@dataclass
class DoclingConverter:
    """docling's standard PDF pipeline (needs torchvision, so it cannot run on our CPU image)."""

    name: str = "docling"

    def check(self) -> str | None:
        return _missing("docling", "pip install docling; its PDF pipeline needs torchvision")

    def convert(self, pdf: Path, page_index: int | None) -> str:
        from docling.document_converter import DocumentConverter

        kwargs = {} if page_index is None else {"page_range": (page_index + 1, page_index + 1)}
        result = DocumentConverter().convert(str(pdf), **kwargs)
        return str(result.document.export_to_markdown())


@dataclass
class MarkerConverter:
    """marker (``marker-pdf``); it downloads models at start-up, so it needs network."""

    name: str = "marker"

    def check(self) -> str | None:
        return _missing(
            "marker", "pip install marker-pdf; it needs torchvision and downloads models at start"
        )

    def convert(self, pdf: Path, page_index: int | None) -> str:
        from marker.converters.pdf import PdfConverter
        from marker.models import create_model_dict
        from marker.output import text_from_rendered

        config = {} if page_index is None else {"page_range": [page_index]}
        converter = PdfConverter(artifact_dict=create_model_dict(), config=config)
        text, _, _ = text_from_rendered(converter(str(pdf)))
        return str(text)


@dataclass
class MineruConverter:
    """MinerU through its ``mineru`` command line (pipeline backend)."""

    name: str = "mineru"

    def check(self) -> str | None:
        if shutil.which("mineru") is None:
            return "not installed (pip install 'mineru[core]'; its models download at first run)"
        return None

    def convert(self, pdf: Path, page_index: int | None) -> str:
        with tempfile.TemporaryDirectory(prefix="pdf2md-eval-mineru-") as tmp:
            command = ["mineru", "-p", str(pdf), "-o", tmp, "-b", "pipeline"]
            if page_index is not None:
                command += ["-s", str(page_index), "-e", str(page_index)]
            subprocess.run(command, check=True, capture_output=True)
            outputs = sorted(Path(tmp).rglob("*.md"))
            if not outputs:
                raise RecognitionError("mineru wrote no Markdown")
            return outputs[0].read_text(encoding="utf-8")


_FACTORIES: dict[str, Callable[[str | None], Converter]] = {
    "pdf2md": lambda option: Pdf2mdConverter(
        profile=option or "default", name=f"pdf2md:{option}" if option else "pdf2md"
    ),
    "pymupdf4llm": lambda option: Pymupdf4llmConverter(),
    "markitdown": lambda option: MarkitdownConverter(),
    "docling": lambda option: DoclingConverter(),
    "marker": lambda option: MarkerConverter(),
    "mineru": lambda option: MineruConverter(),
}

KNOWN_CONVERTERS = tuple(sorted(_FACTORIES))


def make_converter(spec: str) -> Converter:
    """The adapter for a spec such as ``pdf2md:fast`` or ``markitdown``.

    Raises:
        ConfigError: the name is unknown (the message lists the known ones).
    """
    name, _, option = spec.partition(":")
    factory = _FACTORIES.get(name.strip())
    if factory is None and "." in name:
        factory = _plugin_factory(name.strip())
    if factory is None:
        raise ConfigError(
            f"unknown converter {name!r}; known: {', '.join(KNOWN_CONVERTERS)}, "
            "or a dotted path package.module.Class to a class taking (option)"
        )
    return factory(option.strip() or None)


def _plugin_factory(dotted: str) -> Callable[[str | None], Converter] | None:
    """A converter class named by a dotted path (``mypkg.adapters.MyConverter``)."""
    module_name, _, attr = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    factory = getattr(module, attr, None)
    return factory if callable(factory) else None
