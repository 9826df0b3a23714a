"""Registries of backends: kebab-case names mapped to lazily imported classes.

A registry holds ``"name" -> "module:Class"`` strings and imports the module only when the
name is looked up, so importing :mod:`pdf2md` never imports torch, surya or tesserocr.
Third-party backends can be added through the ``pdf2md.backends`` entry-point group, opt-in
(``allow_plugins=True``), never by mutating the registries at run time.

Example:
    >>> cls = RECOGNISERS.resolve("pdf-text")
    >>> cls.__name__
    'PdfTextRecogniser'
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from pdf2md.errors import BackendUnavailable, ConfigError


@dataclass(frozen=True)
class Registry:
    """An immutable name -> ``"module:Class"`` map for one backend role."""

    role: str
    entries: Mapping[str, str]

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def target(self, name: str) -> str:
        """The ``"module:Class"`` string for ``name``.

        Raises:
            ConfigError: the name is unknown; the message lists the known ones.
        """
        try:
            return self.entries[name]
        except KeyError:
            known = ", ".join(self.names())
            raise ConfigError(f"unknown {self.role} {name!r}; known: {known}") from None

    def resolve(self, name: str) -> Any:
        """Import and return the class registered as ``name``.

        Raises:
            ConfigError: unknown name.
            BackendUnavailable: its module cannot be imported (a missing optional package).
        """
        module_name, _, attr = self.target(name).partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise BackendUnavailable(
                f"{self.role} {name!r} cannot be imported ({exc}); "
                "pip install 'pdf2md[all]' or the extra its docs name"
            ) from exc
        return getattr(module, attr)

    def with_plugins(self, group: str = "pdf2md.backends") -> Registry:
        """A copy extended by entry points named ``<role>.<name>`` in ``group``.

        Raises:
            ConfigError: a plugin reuses a built-in name.
        """
        extra: dict[str, str] = {}
        prefix = f"{self.role}."
        for ep in entry_points(group=group):
            if not ep.name.startswith(prefix):
                continue
            name = ep.name[len(prefix) :]
            if name in self.entries:
                raise ConfigError(f"plugin {ep.name!r} duplicates a built-in {self.role}")
            extra[name] = ep.value
        return Registry(self.role, {**self.entries, **extra})


LAYOUTS = Registry(
    "layout",
    {
        "pymupdf-layout": "pdf2md.layout.pymupdf_layout:PymupdfLayout",
        "text-heuristic": "pdf2md.layout.heuristic:HeuristicLayout",
        "rapid-layout": "pdf2md.layout.rapid_layout:RapidLayout",
        "surya-layout": "pdf2md.layout.surya_layout:SuryaLayout",
        "whole-page": "pdf2md.layout.whole_page:WholePageLayout",
    },
)

RECOGNISERS = Registry(
    "recogniser",
    {
        "pdf-text": "pdf2md.recognise.pdf_text:PdfTextRecogniser",
        "pdf-table": "pdf2md.recognise.pdf_table:PdfTableRecogniser",
        "pdf-math": "pdf2md.recognise.pdf_math:PdfMathRecogniser",
        "image-crop": "pdf2md.recognise.image_crop:ImageCropRecogniser",
        "ocr": "pdf2md.recognise.ocr_text:OcrTextRecogniser",
        "ocr-table": "pdf2md.recognise.ocr_table:OcrTableRecogniser",
        "slanet-table": "pdf2md.recognise.ocr_slanet:SlanetTableRecogniser",
        "nougat": "pdf2md.recognise.nougat:NougatRecogniser",
        "nougat-page": "pdf2md.recognise.nougat:NougatPageRecogniser",
        "vlm-page": "pdf2md.recognise.vlm:VlmPageRecogniser",
        "local-vlm-page": "pdf2md.recognise.local_vlm:LocalVlmPageRecogniser",
        "vlm-table": "pdf2md.recognise.vlm:VlmTableRecogniser",
        "vlm-figure": "pdf2md.recognise.vlm:VlmFigureRecogniser",
        "vlm-math": "pdf2md.recognise.vlm:VlmMathRecogniser",
        "local-vlm-table": "pdf2md.recognise.local_vlm:LocalVlmTableRecogniser",
        "surya-ocr": "pdf2md.recognise.surya_ocr:SuryaOcrRecogniser",
        "surya-table": "pdf2md.recognise.surya_table:SuryaTableRecogniser",
        "trocr": "pdf2md.recognise.trocr:TrOcrRecogniser",
        "got-ocr2": "pdf2md.recognise.got_ocr2:GotOcr2Recogniser",
    },
)

OCR_ENGINES = Registry(
    "ocr engine",
    {
        "tesseract": "pdf2md.ocr.tesseract:TesseractEngine",
        "rapidocr": "pdf2md.ocr.rapidocr:RapidOcrEngine",
    },
)
