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
from pdf2md.models import pick_device, pil_image_processor, resolve_model
from pdf2md.recognise.vlm_tasks import (
    PageOptions,
    PageTask,
    ReferenceWords,
    TableOptions,
    TableTask,
    VlmTask,
    VlmTaskOptions,
    accept_answer,
)

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
    batch_size: int = Field(default=4, ge=1)


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
        self,
        images: Sequence[Any],
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        max_pixels: int,
        min_pixels: int,
    ) -> list[tuple[str, bool]]:
        """Answer each prompt about its image, as one batch (left-padded).

        Returns, per image, the text and whether it was cut off at ``max_new_tokens``.
        """
        import torch

        size = {"shortest_edge": min_pixels, "longest_edge": max_pixels}
        vision = self.image_processor(images=list(images), size=size, return_tensors="pt")
        grid = vision["image_grid_thw"]
        merge = self.image_processor.merge_size**2
        texts = [
            f"<|im_start|>system\n{_SYSTEM}<|im_end|>\n<|im_start|>user\n<|vision_start|>"
            + "<|image_pad|>" * (int(thw.prod()) // merge)
            + f"<|vision_end|>{prompt}<|im_end|>\n<|im_start|>assistant\n"
            for thw, prompt in zip(grid, prompts, strict=True)
        ]
        inputs = self.tokenizer(texts, return_tensors="pt", padding=True)
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=inputs["input_ids"].to(self.device),
                attention_mask=inputs["attention_mask"].to(self.device),
                pixel_values=vision["pixel_values"].to(self.device, self.model.dtype),
                image_grid_thw=grid.to(self.device),
                max_new_tokens=max_new_tokens,
                do_sample=False,
            )
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        answers = []
        for row in out[:, inputs["input_ids"].shape[1] :].tolist():
            ended = any(t in eos_ids for t in row)
            text = self.tokenizer.decode(row, skip_special_tokens=True).strip()
            answers.append((text, not ended and len(row) >= max_new_tokens))
        return answers


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
    tokenizer.padding_side = "left"  # batched generation continues each row at its end
    if tokenizer.convert_tokens_to_ids("<|image_pad|>") != config.image_token_id:
        raise BackendUnavailable(
            f"{folder}: the tokenizer's <|image_pad|> does not match the model"
        )
    processor = pil_image_processor(transformers, "Qwen2VLImageProcessor").from_pretrained(
        folder, local_files_only=True
    )
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
        assert self.runner is not None
        self.last_errors = []
        opts = self.options
        out: list[Content | None] = []
        for i in range(0, len(crops), opts.batch_size):
            batch = crops[i : i + opts.batch_size]
            answers = self.runner.generate(
                [self.task.image(c) for c in batch],
                [self.task.prompt(c) for c in batch],
                max_new_tokens=opts.max_tokens,
                max_pixels=opts.max_pixels,
                min_pixels=opts.min_pixels,
            )
            out += [self._accept(c, a) for c, a in zip(batch, answers, strict=True)]
        return out

    def _accept(self, crop: RegionCrop, answer: tuple[str, bool]) -> Content | None:
        text, cut_off = answer
        return accept_answer(
            self.label,
            self.task,
            crop,
            (text, cut_off, ""),
            max_tokens=self.options.max_tokens,
            errors=self.last_errors,
        )


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
