"""RapidOCR (PP-OCR, ONNX; the det/rec/cls weights ship inside the ``rapidocr`` wheel).

Returns one :class:`~pdf2md.backend.OcrWord` per word (RapidOCR's word boxes), with the id of
the detected text line it belongs to. RapidOCR's own line order reads straight across columns;
the grouping in :mod:`pdf2md.ocr.lines` puts words back into column order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, OcrWord, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox
from pdf2md.onnx_env import quiet_onnxruntime

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

# PP-OCRv6's bundled recognition model reads Chinese, English and these Latin-script
# languages; Tesseract codes map onto them.
_LATIN = {
    "eng",
    "deu",
    "fra",
    "spa",
    "ita",
    "por",
    "nld",
    "pol",
    "ces",
    "slk",
    "slv",
    "hrv",
    "ron",
    "hun",
    "fin",
    "swe",
    "dan",
    "nor",
    "isl",
    "est",
    "lav",
    "lit",
    "cat",
    "eus",
    "glg",
    "gle",
    "cym",
    "lat",
    "mlt",
    "sqi",
    "afr",
    "ind",
    "msa",
    "swa",
    "tur",
    "aze",
    "bos",
}
_SUPPORTED = _LATIN | {"chi_sim", "chi_tra", "jpn", "ch", "en"}


class RapidOcrOptions(BaseModel):
    """``[options.rapidocr]``: detector limits and threads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_side_len: int = Field(default=2000, ge=320)
    # RapidOCR's default (short side up to 736) blows a wide strip up several times over;
    # capping the long side bounds detection time. Below about 1900 px dense lines merge
    # (a two-page CJK spread lost whole lines at 1280). Recognition reads full-resolution crops.
    det_limit_side_len: int = Field(default=1920, ge=320)
    det_limit_type: Literal["max", "min"] = "max"
    text_score: float = Field(default=0.5, ge=0.0, le=1.0)
    threads: int = Field(default=0, ge=0, description="ONNX intra-op threads; 0 = cores / workers")


class RapidOcrEngine:
    """RapidOCR engine (``"rapidocr"``). One engine object serves several threads."""

    name = "rapidocr"

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, "rapidocr", RapidOcrOptions)
        # "auto" is fine: the bundled model reads all the languages it supports at once
        self.languages = [x for x in context.profile.ocr.languages if x != "auto"] or ["eng"]
        self.workers = context.profile.ocr.workers or (os.cpu_count() or 1)
        self.version = "unknown"
        self._engine: Any = None

    def load(self) -> None:
        """Build the RapidOCR pipeline from the wheel's weights.

        Raises:
            BackendUnavailable: rapidocr or onnxruntime missing, or an unsupported language.
        """
        unsupported = [lang for lang in self.languages if lang not in _SUPPORTED]
        if unsupported:
            raise BackendUnavailable(
                f"rapidocr: the bundled PP-OCR model cannot read {', '.join(unsupported)}; "
                'set ocr.engine = "tesseract" (PDF2MD_OCR__ENGINE=tesseract) with its traineddata'
            )
        quiet_onnxruntime()
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise BackendUnavailable(
                f"rapidocr cannot be imported ({exc}); pip install 'pdf2md[ocr]'"
            ) from exc
        threads = self.options.threads or max(1, (os.cpu_count() or 1) // max(1, self.workers))
        params = {
            "Global.log_level": "error",
            "Global.return_word_box": True,
            "Global.max_side_len": self.options.max_side_len,
            "Global.text_score": self.options.text_score,
            "Det.limit_side_len": self.options.det_limit_side_len,
            "Det.limit_type": self.options.det_limit_type,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._engine = RapidOCR(params=params)
        self.version = _version("rapidocr")

    def read(self, images: Sequence[Image.Image]) -> list[list[OcrWord]]:
        """Words per image with pixel boxes; ``line_id`` is RapidOCR's detected line."""
        if self._engine is None:
            self.load()
        import numpy as np

        out: list[list[OcrWord]] = []
        for image in images:
            result = self._engine(np.asarray(image.convert("RGB")))
            out.append(_words(result))
        return out


def _words(result: Any) -> list[OcrWord]:
    """One OcrWord per space-separated token of each detected line.

    RapidOCR's word boxes split CJK text, digits and letters into single characters; the
    line's own text says where the spaces are, so characters between two spaces are merged
    back into one word (their boxes united).
    """
    words: list[OcrWord] = []
    texts = getattr(result, "txts", None) or ()
    for line_id, line in enumerate(getattr(result, "word_results", None) or ()):
        text = str(texts[line_id]) if line_id < len(texts) else ""
        for token, score, box in _tokens(text, line):
            words.append(OcrWord(token, box, score, line_id, 0))
    return words


def _tokens(text: str, line: Any) -> list[tuple[str, float, BBox]]:
    """Merge RapidOCR's pieces of one line into space-separated tokens."""
    out: list[tuple[str, float, BBox]] = []
    pos = 0
    for piece, score, quad in line:
        piece = str(piece).strip()
        if not piece:
            continue
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        box = BBox(min(xs), min(ys), max(xs), max(ys))
        at = text.find(piece, pos)
        spaced = at < 0 or not out or " " in text[pos:at]
        pos = at + len(piece) if at >= 0 else pos
        if spaced:
            out.append((piece, float(score), box))
        else:
            prev, prev_score, prev_box = out[-1]
            out[-1] = (prev + piece, min(prev_score, float(score)), prev_box.union(box))
    return out


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"
