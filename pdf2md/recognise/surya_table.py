"""``surya-table``: table crops through surya's OCR model, which answers tables as HTML.

The HTML is checked exactly like a VLM's (:class:`~pdf2md.recognise.vlm_tasks.TableTask`):
it must parse, and agree with the text layer's words where the page has one. Needs
``pip install 'pdf2md[surya]'`` and a surya inference server (see :mod:`pdf2md.surya_api`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pydantic import Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.model import Content
from pdf2md.recognise.surya_ocr import SuryaOptions
from pdf2md.recognise.vlm_tasks import ReferenceWords, TableOptions, TableTask
from pdf2md.surya_api import surya_block_html, surya_manager
from pdf2md.validate import AnswerRejected

log = logging.getLogger(__name__)


class SuryaTableOptions(SuryaOptions):
    """``[options.surya-table]``: surya settings plus the table checks' thresholds."""

    min_precision: float = Field(default=0.9, ge=0.0, le=1.0)
    min_recall: float = Field(default=0.8, ge=0.0, le=1.0)
    max_unmatched_run: int = Field(default=4, ge=0)
    verify_with_ocr: bool = False


class SuryaTableRecogniser:
    """Table crop in, checked Markdown (or HTML) table out."""

    name = "surya-table"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, SuryaTableOptions)
        opts = self.options
        task_options = TableOptions(
            dpi=opts.dpi,
            max_tokens=opts.max_tokens,
            min_precision=opts.min_precision,
            min_recall=opts.min_recall,
            max_unmatched_run=opts.max_unmatched_run,
            verify_with_ocr=opts.verify_with_ocr,
        )
        self.task = TableTask(task_options, ReferenceWords(context, use_ocr=opts.verify_with_ocr))
        self.last_errors: list[tuple[str, str]] = []
        self._manager: Any = None

    def load(self) -> None:
        """Import surya and attach to (or spawn) its inference server.

        Raises:
            BackendUnavailable: surya is not installed; the message says how to install it.
        """
        self._manager = surya_manager(self.options.inference_url)

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One table per crop; ``None`` (reason in ``last_errors``) where rejected."""
        if self._manager is None:
            self.load()
        self.last_errors = []
        images = [self.task.image(crop) for crop in crops]
        answers = surya_block_html(self._manager, images, max_tokens=self.options.max_tokens)
        out: list[Content | None] = []
        for crop, (raw, error) in zip(crops, answers, strict=True):
            try:
                if error:
                    raise AnswerRejected(error)
                out.append(self.task.interpret(crop, raw, self.name))
            except AnswerRejected as exc:
                self.last_errors.append((crop.region.id, f"{self.name}: {exc}"))
                out.append(None)
        return out
