"""``nougat`` and ``nougat-page``: Meta's Nougat through transformers, from the local model store.

The ``nougat-ocr`` package cannot run here (it needs torchvision); transformers' own
``VisionEncoderDecoderModel`` (DonutSwin encoder + MBart decoder), ``NougatTokenizerFast`` and
the PIL Nougat image processor run the same checkpoints. Weights are read from
``<models_dir>/nougat-small`` (``pdf2md models pull nougat-small``); nothing is downloaded.

- ``nougat`` reads EQUATION regions: the page is rendered as Nougat expects a page, with
  everything outside the region painted white, so the model sees the formula where it is.
- ``nougat-page`` reads whole pages (regions of the ``whole-page`` layout) into Markdown.

Both rewrite Nougat's ``\\[..\\]``/``\\(..\\)`` into ``$$..$$``/``$..$`` (:func:`to_markdown_math`).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import Content
from pdf2md.models import ModelSpec, require_model

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

VERSION = "1"
NOUGAT_SMALL = ModelSpec(
    name="nougat-small",
    repo_id="facebook/nougat-small",
    backend="nougat",
    required_files=("config.json", "tokenizer.json", "preprocessor_config.json"),
    description="Nougat small (250M): scientific pages and formulas to LaTeX-flavoured Markdown",
)
NOUGAT_BASE = ModelSpec(
    name="nougat-base",
    repo_id="facebook/nougat-base",
    backend="nougat",
    required_files=NOUGAT_SMALL.required_files,
    description="Nougat base (350M): slower, slightly better than small",
)
_SPECS = {s.name: s for s in (NOUGAT_SMALL, NOUGAT_BASE)}
_INSTALL_HINT = "pip install 'pdf2md[nougat]' (torch, transformers, nltk, levenshtein)"


class NougatOptions(BaseModel):
    """Options of ``[options.nougat]`` / ``[options.nougat-page]``.

    Attributes:
        model: the model store name (``nougat-small`` or ``nougat-base``).
        max_new_tokens: generation limit per crop (pages need thousands, formulas a few hundred).
        dpi: render resolution before the processor resizes to the model's input.
        batch_size: crops per ``generate`` call.
        min_confidence: below this mean token probability, answer ``None`` (route falls back).
        device: ``cpu``, ``cuda`` or ``auto``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = "nougat-small"
    max_new_tokens: int = Field(default=384, ge=1, le=8192)
    dpi: int = Field(default=96, ge=36, le=300)
    batch_size: int = Field(default=4, ge=1, le=64)
    min_confidence: float = Field(default=0.3, ge=0.0, le=1.0)
    device: str = "auto"


class NougatRecogniser:
    """Nougat on EQUATION regions: each answer is one or more ``$$`` blocks."""

    name = "nougat"
    _default_tokens = 384

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, NougatOptions)
        self._model: Any = None
        self._tokenizer: Any = None
        self._processor: Any = None
        self._device = "cpu"

    def load(self) -> None:
        """Find the weights in the model store and load them (offline only).

        Raises:
            BackendUnavailable: torch/transformers missing, or the weights are not in the store
                (the message names ``pdf2md models pull``).
        """
        spec = _SPECS.get(self.options.model)
        if spec is None:
            raise BackendUnavailable(
                f"{self.name}: unknown model {self.options.model!r}; "
                f"known: {', '.join(sorted(_SPECS))}"
            )
        folder = require_model(self.context.models_dir, spec)
        try:
            import torch
            from transformers import (  # type: ignore[attr-defined]  # lazy exports
                NougatImageProcessorPil,
                NougatTokenizerFast,
                VisionEncoderDecoderModel,
            )
        except ImportError as exc:
            raise BackendUnavailable(f"{self.name}: {exc}; {_INSTALL_HINT}") from exc
        self._device = _pick_device(torch, self.options.device)
        self._tokenizer = NougatTokenizerFast.from_pretrained(folder, local_files_only=True)
        self._processor = NougatImageProcessorPil.from_pretrained(folder, local_files_only=True)
        model: Any = VisionEncoderDecoderModel.from_pretrained(folder, local_files_only=True)
        self._model = model.to(self._device).eval()
        log.info("nougat: loaded %s from %s on %s", spec.name, folder, self._device)

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One answer per crop, in order; ``None`` where the output is empty or unsure."""
        if self._model is None:
            self.load()
        answers: list[Content | None] = []
        size = self.options.batch_size
        for start in range(0, len(crops), size):
            batch = crops[start : start + size]
            texts = self.generate([self._image(c) for c in batch])
            answers.extend(self._content(c, t, p) for c, (t, p) in zip(batch, texts, strict=True))
        return answers

    def _image(self, crop: RegionCrop) -> Image.Image:
        """The page as Nougat expects it, blank except for the region."""
        from PIL import Image

        page = crop.page.render(dpi=self.options.dpi)
        canvas = Image.new("RGB", page.size, "white")
        scale = self.options.dpi / 72.0
        box = crop.bbox.pad(2.0).clip(crop.page.bbox).scale(scale)
        x0, y0, x1, y1 = (round(v) for v in box)
        canvas.paste(page.crop((x0, y0, x1, y1)), (x0, y0))
        return canvas

    def generate(self, images: Sequence[Image.Image]) -> list[tuple[str, float]]:
        """Run the model: post-processed text and mean token probability per image."""
        import torch

        pixel_values = self._processor(list(images), return_tensors="pt").pixel_values
        with torch.inference_mode():
            out = self._model.generate(
                pixel_values.to(self._device),
                max_new_tokens=self.options.max_new_tokens,
                bad_words_ids=[[self._tokenizer.unk_token_id]],
                return_dict_in_generate=True,
                output_scores=True,
            )
        scores = self._model.compute_transition_scores(
            out.sequences, out.scores, normalize_logits=True
        )
        texts = self._tokenizer.batch_decode(out.sequences, skip_special_tokens=True)
        texts = self._tokenizer.post_process_generation(texts, fix_markdown=False)
        probs = [_mean_probability(row.tolist()) for row in scores]
        return list(zip(texts, probs, strict=True))

    def _content(self, crop: RegionCrop, text: str, prob: float) -> Content | None:
        body = self.to_markdown(text)
        if not body.strip() or prob < self.options.min_confidence or _is_repetitive(text):
            return None
        return Content(
            region_id=crop.region.id,
            text=body,
            orig=text,
            recogniser=f"{self.name}@{VERSION}",
            method="math",
            confidence=round(prob, 3),
        )

    def to_markdown(self, text: str) -> str:
        """Nougat's output for a formula crop as ``$$`` blocks."""
        return equation_markdown(text)


class NougatPageRecogniser(NougatRecogniser):
    """Nougat on whole pages: the page's Markdown, math as ``$$``/``$``."""

    name = "nougat-page"

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        if "max_new_tokens" not in context.profile.backend_options(self.name):
            self.options = self.options.model_copy(update={"max_new_tokens": 3584})

    def _image(self, crop: RegionCrop) -> Image.Image:
        return crop.page.render(crop.bbox, dpi=self.options.dpi)

    def to_markdown(self, text: str) -> str:
        """Nougat's page Markdown with its math delimiters rewritten."""
        return to_markdown_math(text)


def _pick_device(torch: Any, wanted: str) -> str:
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return wanted


def _mean_probability(log_probs: Sequence[float]) -> float:
    finite = [v for v in log_probs if math.isfinite(v)]
    return math.exp(sum(finite) / len(finite)) if finite else 0.0


def _is_repetitive(text: str) -> bool:
    """Nougat's known failure: the same chunk looping until the token limit."""
    tail = text[-300:]
    return len(tail) >= 300 and any(tail.count(tail[-n:]) >= 6 for n in (10, 20, 40))


_DISPLAY_RE = re.compile(r"\\\[(.+?)\\\]", re.DOTALL)
_INLINE_RE = re.compile(r"\\\((.+?)\\\)", re.DOTALL)


def to_markdown_math(text: str) -> str:
    """Rewrite ``\\[..\\]`` as a ``$$`` block and ``\\(..\\)`` as ``$..$``."""
    text = _DISPLAY_RE.sub(lambda m: f"\n$$\n{m.group(1).strip()}\n$$\n", text)
    text = _INLINE_RE.sub(lambda m: f"${m.group(1).strip()}$", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def equation_markdown(text: str) -> str:
    """Nougat's output for one formula as ``$$`` blocks (bare LaTeX is wrapped whole)."""
    displays = [m.group(1).strip() for m in _DISPLAY_RE.finditer(text)]
    if not displays:
        inline = [m.group(1).strip() for m in _INLINE_RE.finditer(text)]
        displays = [" ".join(inline)] if inline else [text.strip().strip("$").strip()]
    displays = [d for d in displays if d]
    return "\n\n".join(f"$$\n{d}\n$$" for d in displays)
