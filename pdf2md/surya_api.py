"""surya's own API, wrapped once for the surya backends (``pip install 'pdf2md[surya]'``).

surya 0.22 runs OCR, layout and tables with one small VLM behind an OpenAI-compatible inference
server (vLLM or llama.cpp), reached through ``SuryaInferenceManager``: it attaches to the server
at ``SURYA_INFERENCE_URL`` (or the backends' ``inference_url`` option) or spawns one. Only its
text-line detector is an in-process torch model, loaded from the model store with
``DetectionPredictor.local(checkpoint=folder)``. Nothing here imports surya until asked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pdf2md.backend import BackendContext
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox
from pdf2md.models import find_spec, require_model

log = logging.getLogger(__name__)

SURYA_HINT = "pip install 'pdf2md[surya]'"


def import_surya(*modules: str) -> list[Any]:
    """Import surya modules, or explain how to install surya.

    Raises:
        BackendUnavailable: surya is not installed (or cannot import here).
    """
    import importlib

    try:
        return [importlib.import_module(m) for m in modules]
    except ImportError as exc:
        raise BackendUnavailable(f"surya is not installed ({exc}); {SURYA_HINT}") from exc


def surya_manager(inference_url: str) -> Any:
    """A ``SuryaInferenceManager``, attached to ``inference_url`` where one is given."""
    inference, settings_mod = import_surya("surya.inference", "surya.settings")
    if inference_url:
        # surya reads its server address from its own settings object.
        settings_mod.settings.SURYA_INFERENCE_URL = inference_url
    return inference.SuryaInferenceManager()


def surya_block_html(
    manager: Any, images: Sequence[Any], *, max_tokens: int
) -> list[tuple[str, str]]:
    """surya's block OCR (HTML) for each image, as ``(html, error)`` pairs; one is empty."""
    (schema,) = import_surya("surya.inference.schema")
    items = [
        schema.BatchInputItem(image=im, prompt_type="block", max_tokens=max_tokens) for im in images
    ]
    out: list[tuple[str, str]] = []
    for result in manager.generate(items):
        failed = bool(getattr(result, "error", False))
        raw = str(getattr(result, "raw", "") or "")
        out.append(("", f"surya failed: {raw[:120]}") if failed else (raw, ""))
    return out


class SuryaLineDetector:
    """surya's text-line detector, in process, from the model store (``surya-detection``)."""

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self._predictor: Any = None

    def load(self) -> None:
        """Load the detector checkpoint (never downloads).

        Raises:
            BackendUnavailable: surya missing, or the checkpoint is not in the store.
        """
        (detection,) = import_surya("surya.detection")
        folder = require_model(self.context.models_dir, find_spec("surya-detection"))
        self._predictor = detection.DetectionPredictor.local(checkpoint=str(folder))

    def detect(self, images: Sequence[Any]) -> list[list[BBox]]:
        """Line boxes in *pixels* of each image, top to bottom."""
        if self._predictor is None:
            self.load()
        results = self._predictor(list(images))
        return [
            sorted((BBox(*map(float, b.bbox)) for b in r.bboxes), key=lambda b: (b.y0, b.x0))
            for r in results
        ]
