"""``surya-ocr``: region crops through surya's OCR (``pip install 'pdf2md[surya]'``).

surya's OCR model runs behind its inference server (see :mod:`pdf2md.surya_api`).

- ``surya-ocr``: a region crop in, surya's block HTML out, turned into Markdown text.
  With ``lines = true`` the crop is first cut into text lines by the detector.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.model import Content
from pdf2md.surya_api import SuryaLineDetector, surya_block_html, surya_manager
from pdf2md.validate import AnswerRejected, check_no_repetition, check_not_empty

log = logging.getLogger(__name__)


class SuryaOptions(BaseModel):
    """Options every surya backend takes (``[options.surya-ocr]`` etc.)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inference_url: str = ""
    dpi: int = Field(default=192, ge=50, le=600)
    max_tokens: int = Field(default=2048, ge=1)


class SuryaOcrOptions(SuryaOptions):
    """``[options.surya-ocr]``: ``lines`` cuts crops into lines with surya's detector first."""

    lines: bool = False


_MATH = re.compile(r"<math(?P<attrs>[^>]*)>(?P<body>.*?)</math>", re.DOTALL)
_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*"}


def html_to_markdown(fragment: str) -> str:
    """surya's block HTML as Markdown text: math to ``$``/``$$``, bold/italic kept, tags dropped."""

    def math(match: re.Match[str]) -> str:
        body = html.unescape(match.group("body")).strip()
        return f"$${body}$$" if "block" in match.group("attrs") else f"${body}$"

    text = _MATH.sub(math, fragment)
    text = re.sub(r"<br\s*/?>", "\n", text)
    for tag, mark in _INLINE.items():
        text = re.sub(rf"</?{tag}>", mark, text)
    text = re.sub(r"</(p|div|li|h\d)>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [" ".join(ln.split()) for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln).strip()


class SuryaOcrRecogniser:
    """Region crops through surya's OCR (block prompt); Markdown text out."""

    name = "surya-ocr"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, SuryaOcrOptions)
        self.last_errors: list[tuple[str, str]] = []
        self._manager: Any = None
        self._detector = SuryaLineDetector(context) if self.options.lines else None

    def load(self) -> None:
        """Import surya and attach to (or spawn) its inference server.

        Raises:
            BackendUnavailable: surya is not installed; the message says how to install it.
        """
        self._manager = surya_manager(self.options.inference_url)
        if self._detector is not None:
            self._detector.load()

    def _images(self, crop: RegionCrop) -> list[Any]:
        image = crop.page.render(crop.bbox, dpi=self.options.dpi)
        if self._detector is None:
            return [image]
        boxes = self._detector.detect([image])[0]
        return [
            image.crop((int(b.x0), int(b.y0), int(b.x1) + 1, int(b.y1) + 1)) for b in boxes
        ] or [image]

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One answer per crop; ``None`` (with the reason in ``last_errors``) where it fails."""
        if self._manager is None:
            self.load()
        self.last_errors = []
        out: list[Content | None] = []
        for crop in crops:
            answers = surya_block_html(
                self._manager, self._images(crop), max_tokens=self.options.max_tokens
            )
            try:
                errors = [e for _, e in answers if e]
                if errors:
                    raise AnswerRejected(errors[0])
                raw = "\n".join(h for h, _ in answers)
                text = check_not_empty(html_to_markdown(raw), what="OCR result")
                check_no_repetition(text)
            except AnswerRejected as exc:
                self.last_errors.append((crop.region.id, f"{self.name}: {exc}"))
                out.append(None)
                continue
            out.append(
                Content(
                    region_id=crop.region.id,
                    text=text,
                    orig=raw,
                    recogniser=self.name,
                    method="ocr",
                )
            )
        return out
