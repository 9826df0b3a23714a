"""``got-ocr2``: GOT-OCR 2.0 (transformers ``GotOcr2ForConditionalGeneration``) on region crops.

GOT reads a whole region (many lines) at once; with ``format = true`` it answers formatted
text (Markdown/LaTeX). The processor is built from the PIL image processor and the tokenizer
(no torchvision). Weights come from the model store (``pdf2md models pull got-ocr2``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import Content
from pdf2md.models import pick_device, pil_image_processor, resolve_model
from pdf2md.validate import AnswerRejected, check_no_repetition, check_not_empty

log = logging.getLogger(__name__)


class GotOcr2Options(BaseModel):
    """``[options.got-ocr2]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = "got-ocr2"
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    dpi: int = Field(default=200, ge=50, le=600)
    max_tokens: int = Field(default=1024, ge=1)
    format: bool = False


class GotOcr2Recogniser:
    """Reads region crops with GOT-OCR 2.0 from the model store."""

    name = "got-ocr2"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, GotOcr2Options)
        self.last_errors: list[tuple[str, str]] = []
        self._model: Any = None
        self._processor: Any = None
        self._image_tokens = 256
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
            raise BackendUnavailable(
                "got-ocr2 needs transformers: pip install 'pdf2md[vlm]'"
            ) from exc
        self._device = pick_device(self.options.device)
        model: Any = transformers.GotOcr2ForConditionalGeneration.from_pretrained(
            folder, local_files_only=True
        )
        self._model = model.to(self._device).eval()
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        images = pil_image_processor(transformers, "GotOcr2ImageProcessor").from_pretrained(
            folder, local_files_only=True
        )
        make_processor: Any = transformers.GotOcr2Processor
        self._processor = make_processor(image_processor=images, tokenizer=tokenizer)
        vision = model.config.vision_config
        # The vision tower's patches, halved twice by the projector's strided convolutions.
        self._image_tokens = (vision.image_size // vision.patch_size // 4) ** 2

    @property
    def label(self) -> str:
        """``got-ocr2@model`` for provenance."""
        return f"{self.name}@{Path(self.options.model).name}"

    def read(self, image: Any) -> str:
        """GOT's answer for one image."""
        import torch

        inputs = self._processor(
            images=[image.convert("RGB")],
            return_tensors="pt",
            format=self.options.format,
            num_image_tokens=self._image_tokens,
        )
        end = self._processor.tokenizer.convert_tokens_to_ids("<|im_end|>")
        inputs = {k: v.to(self._device) for k, v in inputs.items()}
        with torch.inference_mode():
            out = self._model.generate(
                **inputs, max_new_tokens=self.options.max_tokens, do_sample=False, eos_token_id=end
            )
        new = out[0, inputs["input_ids"].shape[1] :]
        text: str = self._processor.tokenizer.decode(new, skip_special_tokens=True)
        return text.strip()

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One answer per crop (``None`` where it is empty or loops)."""
        if self._model is None:
            self.load()
        self.last_errors = []
        results: list[Content | None] = []
        for crop in crops:
            raw = self.read(crop.page.render(crop.bbox, dpi=self.options.dpi))
            try:
                text = check_not_empty(raw, what="OCR result")
                check_no_repetition(text)
            except AnswerRejected as exc:
                self.last_errors.append((crop.region.id, f"{self.name}: {exc}"))
                results.append(None)
                continue
            if not self.options.format:
                text = "\n".join(" ".join(ln.split()) for ln in text.splitlines()).strip()
            results.append(
                Content(
                    region_id=crop.region.id,
                    text=text,
                    orig=raw,
                    recogniser=self.label,
                    method="ocr",
                )
            )
        return results
