"""``trocr``: TrOCR (transformers ``VisionEncoderDecoderModel``) on text regions, line by line.

TrOCR reads one text line per image, so a region crop is cut into lines first (a horizontal
projection profile of dark pixels); each line is read and the lines are joined into one
paragraph, with end-of-line hyphens joined. Weights come from the model store
(``pdf2md models pull trocr-printed``); loading never downloads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import Content
from pdf2md.models import pick_device, pil_image_processor, resolve_model
from pdf2md.validate import AnswerRejected, check_no_repetition, check_not_empty

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)


class TrOcrOptions(BaseModel):
    """``[options.trocr]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = "trocr-printed"
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    dpi: int = Field(default=200, ge=50, le=600)
    max_tokens: int = Field(default=64, ge=1)
    batch_size: int = Field(default=16, ge=1)
    min_line_px: int = Field(default=6, ge=1)


def split_lines(image: Image.Image, *, min_line_px: int = 6, pad_px: int = 2) -> list[Image.Image]:
    """Cut a text crop into line images by rows holding dark pixels; the whole crop if none."""
    import numpy as np

    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    if gray.size == 0:
        return []
    threshold = min(160, int(gray.mean()) - 20)
    row_ink = (gray < threshold).sum(axis=1)
    has_ink = row_ink > max(1, gray.shape[1] // 500)
    lines: list[Image.Image] = []
    start: int | None = None
    for y, ink in enumerate([*has_ink.tolist(), False]):
        if ink and start is None:
            start = y
        elif not ink and start is not None:
            if y - start >= min_line_px:
                top, bottom = max(0, start - pad_px), min(gray.shape[0], y + pad_px)
                lines.append(image.crop((0, top, image.width, bottom)))
            start = None
    return lines or [image]


def join_lines(lines: Sequence[str]) -> str:
    """Lines to one paragraph: a trailing hyphen joins the next line's first word."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out.endswith("-") and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out


class TrOcrRecogniser:
    """Reads text regions with a TrOCR checkpoint from the model store."""

    name = "trocr"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, TrOcrOptions)
        self.last_errors: list[tuple[str, str]] = []
        self._model: Any = None
        self._processor: Any = None
        self._tokenizer: Any = None
        self._device = "cpu"

    def load(self) -> None:
        """Load the checkpoint (offline).

        Raises:
            BackendUnavailable: weights not in the store (names the pull command), or
                torch/transformers missing.
        """
        folder = resolve_model(self.context.models_dir, self.options.model, backend=self.name)
        try:
            import transformers
        except ImportError as exc:
            raise BackendUnavailable("trocr needs transformers: pip install 'pdf2md[vlm]'") from exc
        self._device = pick_device(self.options.device)
        model: Any = transformers.VisionEncoderDecoderModel.from_pretrained(
            folder, local_files_only=True
        )
        self._model = model.to(self._device).eval()
        self._processor = pil_image_processor(transformers, "ViTImageProcessor").from_pretrained(
            folder, local_files_only=True
        )
        self._tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)

    @property
    def label(self) -> str:
        """``trocr@model`` for provenance."""
        return f"{self.name}@{Path(self.options.model).name}"

    def read_lines(self, images: Sequence[Image.Image]) -> list[str]:
        """TrOCR on line images, in batches; one string per image."""
        import torch

        texts: list[str] = []
        size = self.options.batch_size
        for i in range(0, len(images), size):
            batch = [im.convert("RGB") for im in images[i : i + size]]
            pixels = self._processor(images=batch, return_tensors="pt")["pixel_values"]
            with torch.inference_mode():
                out = self._model.generate(
                    pixel_values=pixels.to(self._device),
                    max_new_tokens=self.options.max_tokens,
                    do_sample=False,
                )
            texts += self._tokenizer.batch_decode(out, skip_special_tokens=True)
        return texts

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One paragraph per crop (``None`` where nothing usable was read)."""
        if self._model is None:
            self.load()
        self.last_errors = []
        results: list[Content | None] = []
        for crop in crops:
            image = crop.page.render(crop.bbox, dpi=self.options.dpi)
            lines = split_lines(image, min_line_px=self.options.min_line_px)
            raw = self.read_lines(lines)
            try:
                text = check_not_empty(join_lines(raw), what="OCR result")
                check_no_repetition(text)
            except AnswerRejected as exc:
                self.last_errors.append((crop.region.id, f"{self.name}: {exc}"))
                results.append(None)
                continue
            results.append(
                Content(
                    region_id=crop.region.id,
                    text=text,
                    orig="\n".join(raw),
                    recogniser=self.label,
                    method="ocr",
                )
            )
        return results
