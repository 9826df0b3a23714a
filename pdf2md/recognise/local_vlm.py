"""Local VLM recognisers through transformers: Qwen2-VL / Qwen2.5-VL and their fine-tunes
(olmOCR, RolmOCR), from the model store. No torchvision: the PIL image processor and the
tokenizer are used directly (``Qwen2VLProcessor`` cannot be built without torchvision).

- ``local-vlm-table``: table crop in, HTML table out (same checks as ``vlm-table``).
- ``local-vlm-page``: whole page in, Markdown out (same checks as ``vlm-page``).

Options (``[options.local-vlm-page]``): ``model`` (a name from ``pdf2md models list`` or a
folder), ``device`` (``auto``, ``cpu``, ``cuda``), ``dtype``, ``max_pixels`` plus the task options
of :mod:`pdf2md.recognise.vlm_tasks`. Loading never downloads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.errors import BackendUnavailable
from pdf2md.model import Content
from pdf2md.models import pick_device, resolve_model
from pdf2md.recognise.vlm_tasks import (
    PageOptions,
    PageTask,
    ReferenceWords,
    TableOptions,
    TableTask,
    VlmTask,
    VlmTaskOptions,
    reject_cut_off,
)
from pdf2md.validate import AnswerRejected

log = logging.getLogger(__name__)

_MODEL_CLASSES = {
    "qwen2_5_vl": "Qwen2_5_VLForConditionalGeneration",
    "qwen2_vl": "Qwen2VLForConditionalGeneration",
}
_SYSTEM = "You are a helpful assistant."
Device = Literal["auto", "cpu", "cuda", "mps"]
DType = Literal["auto", "float32", "bfloat16", "float16"]


class _LocalFields(VlmTaskOptions):
    model: str = "qwen2.5-vl-3b"
    device: Device = "auto"
    dtype: DType = "auto"
    max_pixels: int = Field(default=1280 * 28 * 28, ge=56 * 56)
    min_pixels: int = Field(default=56 * 56, ge=28 * 28)


class LocalTableOptions(TableOptions, _LocalFields):
    """``[options.local-vlm-table]``."""


class LocalPageOptions(PageOptions, _LocalFields):
    """``[options.local-vlm-page]``."""


@dataclass
class QwenVl:
    """A loaded Qwen2(.5)-VL checkpoint: model, tokenizer and PIL image processor."""

    model: Any
    tokenizer: Any
    image_processor: Any
    device: str

    def generate(
        self, image: Any, prompt: str, *, max_new_tokens: int, max_pixels: int, min_pixels: int
    ) -> tuple[str, bool]:
        """Answer ``prompt`` about ``image``; returns (text, whether it hit max_new_tokens)."""
        import torch

        size = {"shortest_edge": min_pixels, "longest_edge": max_pixels}
        vision = self.image_processor(images=[image], size=size, return_tensors="pt")
        grid = vision["image_grid_thw"]
        n_tokens = int(grid.prod()) // (self.image_processor.merge_size**2)
        text = (
            f"<|im_start|>system\n{_SYSTEM}<|im_end|>\n<|im_start|>user\n<|vision_start|>"
            + "<|image_pad|>" * n_tokens
            + f"<|vision_end|>{prompt}<|im_end|>\n<|im_start|>assistant\n"
        )
        inputs = self.tokenizer(text, return_tensors="pt")
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=inputs["input_ids"].to(self.device),
                attention_mask=inputs["attention_mask"].to(self.device),
                pixel_values=vision["pixel_values"].to(self.device, self.model.dtype),
                image_grid_thw=grid.to(self.device),
                max_new_tokens=max_new_tokens,
                do_sample=False,
            )
        new = out[0, inputs["input_ids"].shape[1] :]
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        cut_off = len(new) >= max_new_tokens and int(new[-1]) not in eos_ids
        return self.tokenizer.decode(new, skip_special_tokens=True).strip(), cut_off


def load_qwen_vl(folder: Path, *, device: str = "auto", dtype: str = "auto") -> QwenVl:
    """Load a Qwen2-VL / Qwen2.5-VL checkpoint from ``folder``, offline.

    Raises:
        BackendUnavailable: torch/transformers missing, or the folder is not a Qwen-VL model.
    """
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise BackendUnavailable(
            f"local VLM needs torch and transformers: pip install 'pdf2md[vlm]' ({exc})"
        ) from exc
    config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
    cls_name = _MODEL_CLASSES.get(config.model_type)
    if cls_name is None:
        raise BackendUnavailable(
            f"{folder}: model type {config.model_type!r} is not a Qwen2-VL/Qwen2.5-VL checkpoint"
        )
    where = pick_device(device)
    torch_dtype = None if dtype == "auto" else getattr(torch, dtype)
    if torch_dtype is None:
        torch_dtype = torch.bfloat16 if where == "cuda" else torch.float32
    model = (
        getattr(transformers, cls_name)
        .from_pretrained(folder, local_files_only=True, dtype=torch_dtype)
        .to(where)
        .eval()
    )
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    if tokenizer.convert_tokens_to_ids("<|image_pad|>") != config.image_token_id:
        raise BackendUnavailable(
            f"{folder}: the tokenizer's <|image_pad|> does not match the model"
        )
    processor = transformers.Qwen2VLImageProcessorPil.from_pretrained(folder, local_files_only=True)
    return QwenVl(model, tokenizer, processor, where)


class _LocalVlmRecogniser:
    name: ClassVar[str] = ""
    options_cls: ClassVar[type[_LocalFields]] = _LocalFields

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.options = parse_options(context, self.name, self.options_cls)
        self.reference = ReferenceWords(context, use_ocr=self.options.verify_with_ocr)
        self.task: VlmTask = self._make_task()
        self.runner: QwenVl | None = None
        self.last_errors: list[tuple[str, str]] = []

    def _make_task(self) -> VlmTask:
        raise NotImplementedError

    def load(self) -> None:
        """Load the checkpoint named by ``options.model`` from the model store (never downloads).

        Raises:
            BackendUnavailable: the model is not in the store (the message names the
                ``pdf2md models pull`` command), or torch/transformers are missing.
        """
        folder = resolve_model(self.context.models_dir, self.options.model, backend=self.name)
        self.runner = load_qwen_vl(folder, device=self.options.device, dtype=self.options.dtype)

    @property
    def label(self) -> str:
        """``name@model`` for provenance."""
        return f"{self.name}@{Path(self.options.model).name}"

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One checked answer (or ``None``) per crop; reasons for ``None`` in ``last_errors``."""
        if self.runner is None:
            self.load()
        self.last_errors = []
        return [self._one(crop) for crop in crops]

    def _one(self, crop: RegionCrop) -> Content | None:
        assert self.runner is not None
        opts = self.options
        try:
            text, cut_off = self.runner.generate(
                self.task.image(crop),
                self.task.prompt(crop),
                max_new_tokens=opts.max_tokens,
                max_pixels=opts.max_pixels,
                min_pixels=opts.min_pixels,
            )
            if cut_off:
                raise reject_cut_off(text, opts.max_tokens)
            return self.task.interpret(crop, text, self.label)
        except AnswerRejected as exc:
            log.info("%s rejected for %s: %s", self.name, crop.region.id, exc)
            self.last_errors.append((crop.region.id, f"{self.name}: {exc}"))
            return None


class LocalVlmTableRecogniser(_LocalVlmRecogniser):
    """Table crop in, HTML table out, with a local Qwen-VL model."""

    name: ClassVar[str] = "local-vlm-table"
    options_cls: ClassVar[type[_LocalFields]] = LocalTableOptions

    def _make_task(self) -> VlmTask:
        return TableTask(self.options, self.reference)


class LocalVlmPageRecogniser(_LocalVlmRecogniser):
    """Whole page in, Markdown out, with a local Qwen-VL model (olmOCR, RolmOCR...)."""

    name: ClassVar[str] = "local-vlm-page"
    options_cls: ClassVar[type[_LocalFields]] = LocalPageOptions

    def _make_task(self) -> VlmTask:
        return PageTask(self.options, self.reference)
