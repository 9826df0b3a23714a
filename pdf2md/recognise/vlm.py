"""VLM recognisers through any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, hosted APIs).

- ``vlm-table``: a table crop in, an HTML table out (checked, rendered as Markdown).
- ``vlm-page``: a whole page in, Markdown out (olmOCR-style), for the ``vlm-page`` profile.
- ``vlm-figure``: a figure crop in, a short description out (opt-in in the route).
- ``vlm-math``: an equation crop in, LaTeX out.

The endpoint comes from the profile's ``[vlm]`` table (``url``, ``model``, ``api_key_env``,
``timeout_s``, ``concurrency``, ``retries``). Every answer is validated
(:mod:`pdf2md.validate`); a rejected, failed or timed-out answer gives ``None`` for its crop so
the pipeline falls back down the route, and the reason is kept in ``last_errors``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import ClassVar

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import Content
from pdf2md.recognise.vlm_tasks import (
    FigureOptions,
    FigureTask,
    MathOptions,
    MathTask,
    PageOptions,
    PageTask,
    ReferenceWords,
    TableOptions,
    TableTask,
    VlmTask,
    VlmTaskOptions,
    accept_answer,
    png_bytes,
)
from pdf2md.vlm_client import VlmAnswer, VlmClient, VlmRequest

log = logging.getLogger(__name__)


class _RemoteVlmRecogniser:
    """Shared machinery: build requests, send them concurrently, validate each answer."""

    name: ClassVar[str] = ""
    options_cls: ClassVar[type[VlmTaskOptions]] = VlmTaskOptions

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, self.options_cls)
        self.reference = ReferenceWords(context, use_ocr=self.options.verify_with_ocr)
        self.task: VlmTask = self._make_task()
        self.client: VlmClient | None = None
        self.last_errors: list[tuple[str, str]] = []

    def _make_task(self) -> VlmTask:
        raise NotImplementedError

    def load(self) -> None:
        """Check the endpoint is configured (no request is sent).

        Raises:
            BackendUnavailable: no ``[vlm] url`` or ``model`` in the profile.
        """
        settings = self.context.profile.vlm
        if not settings.url or not settings.model:
            raise BackendUnavailable(
                f"{self.name} needs an OpenAI-compatible endpoint: set [vlm] url and model in "
                "the profile, or pass --vlm-url and --vlm-model"
            )
        self.client = VlmClient(
            url=settings.url,
            model=settings.model,
            api_key=os.environ.get(settings.api_key_env) or None,
            timeout_s=settings.timeout_s,
            retries=settings.retries,
            concurrency=settings.concurrency,
        )

    @property
    def label(self) -> str:
        """``name@model`` for provenance."""
        return f"{self.name}@{self.context.profile.vlm.model}"

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One checked answer (or ``None``) per crop; reasons for ``None`` in ``last_errors``."""
        if self.client is None:
            self.load()
        assert self.client is not None
        self.last_errors = []
        requests = [
            VlmRequest(
                prompt=self.task.prompt(crop),
                image_png=png_bytes(self.task.image(crop)),
                max_tokens=self.options.max_tokens,
            )
            for crop in crops
        ]
        answers = self.client.complete_many(requests)
        return [self._accept(crop, answer) for crop, answer in zip(crops, answers, strict=True)]

    def _accept(self, crop: RegionCrop, answer: VlmAnswer) -> Content | None:
        return accept_answer(
            self.label,
            self.task,
            crop,
            (answer.text, answer.finish_reason == "length", str(answer.error)),
            max_tokens=self.options.max_tokens,
            errors=self.last_errors,
        )


class VlmTableRecogniser(_RemoteVlmRecogniser):
    """Table crop in, HTML table out; must parse and agree with the text layer's words."""

    name: ClassVar[str] = "vlm-table"
    options_cls: ClassVar[type[VlmTaskOptions]] = TableOptions

    def _make_task(self) -> VlmTask:
        return TableTask(self.options, self.reference)


class VlmPageRecogniser(_RemoteVlmRecogniser):
    """Whole page in, Markdown out (olmOCR-style); checked against the text layer or OCR."""

    name: ClassVar[str] = "vlm-page"
    options_cls: ClassVar[type[VlmTaskOptions]] = PageOptions

    def _make_task(self) -> VlmTask:
        return PageTask(self.options, self.reference)


class VlmFigureRecogniser(_RemoteVlmRecogniser):
    """Figure crop in, a short description out (used as the image's alt text)."""

    name: ClassVar[str] = "vlm-figure"
    options_cls: ClassVar[type[VlmTaskOptions]] = FigureOptions

    def _make_task(self) -> VlmTask:
        return FigureTask(self.options, self.reference)


class VlmMathRecogniser(_RemoteVlmRecogniser):
    """Equation crop in, display LaTeX out."""

    name: ClassVar[str] = "vlm-math"
    options_cls: ClassVar[type[VlmTaskOptions]] = MathOptions

    def _make_task(self) -> VlmTask:
        return MathTask(self.options, self.reference)
