"""The local model store: where model-backed backends find their weights. Never downloads.

Weights live in ``<models_dir>/<name>/`` where ``models_dir`` is the profile's ``models.dir``
or ``$PDF2MD_HOME/models`` (default ``~/.cache/pdf2md/models``). ``pdf2md models list`` shows
what each backend needs; ``pdf2md models pull NAME`` downloads, only when asked.

Loading goes through :func:`resolve_model`: a catalogue name (``"trocr-printed"``) or a folder
path. It never touches the network; transformers loaders are called with
``local_files_only=True`` on the folder it returns.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdf2md.errors import BackendUnavailable, ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    """One model a backend needs: its store name, hub repo id and the files that prove it is there.

    Attributes:
        name: the folder name in the store and the name ``pdf2md models pull`` takes.
        repo_id: the Hugging Face repository the weights come from.
        backend: the backend name(s) that use it, comma-separated for display.
        required_files: files (relative to the folder) that must exist.
        description: one line for ``pdf2md models list``.
        revision: the hub revision ``pull`` fetches (a branch, tag or commit).
        size_hint: rough download size, for people.
        licence: the weights' licence, for people.
    """

    name: str
    repo_id: str
    backend: str
    required_files: tuple[str, ...] = ("config.json",)
    description: str = ""
    revision: str = "main"
    size_hint: str = ""
    licence: str = ""


# Every model-backed backend and the weights it reads. Weights are opt-in: none is needed by
# the default profile.
CATALOGUE: tuple[ModelSpec, ...] = (
    ModelSpec(
        "qwen2.5-vl-3b",
        "Qwen/Qwen2.5-VL-3B-Instruct",
        "local-vlm-table, local-vlm-page",
        description="Qwen2.5-VL 3B instruct: tables and whole pages (default local VLM)",
        size_hint="7.5 GB",
        licence="Qwen research licence",
    ),
    ModelSpec(
        "qwen2-vl-2b",
        "Qwen/Qwen2-VL-2B-Instruct",
        "local-vlm-table, local-vlm-page",
        description="Qwen2-VL 2B instruct: smallest local VLM",
        size_hint="4.5 GB",
        licence="Apache-2.0",
    ),
    ModelSpec(
        "olmocr-7b",
        "allenai/olmOCR-7B-0725",
        "local-vlm-page",
        description="olmOCR (Qwen2.5-VL 7B fine-tune): whole page to text, GPU advised",
        size_hint="16 GB",
        licence="Apache-2.0",
    ),
    ModelSpec(
        "rolmocr",
        "reducto/RolmOCR",
        "local-vlm-page",
        description="RolmOCR (Qwen2.5-VL 7B fine-tune): whole page to text, GPU advised",
        size_hint="16 GB",
        licence="Apache-2.0",
    ),
    ModelSpec(
        "trocr-printed",
        "microsoft/trocr-base-printed",
        "trocr",
        description="TrOCR base, printed text lines",
        size_hint="1.3 GB",
        licence="MIT",
    ),
    ModelSpec(
        "trocr-handwritten",
        "microsoft/trocr-base-handwritten",
        "trocr",
        description="TrOCR base, handwritten text lines",
        size_hint="1.3 GB",
        licence="MIT",
    ),
    ModelSpec(
        "got-ocr2",
        "stepfun-ai/GOT-OCR-2.0-hf",
        "got-ocr2",
        description="GOT-OCR 2.0 (transformers port): region OCR, formatted output",
        size_hint="1.5 GB",
        licence="Apache-2.0",
    ),
    ModelSpec(
        "nougat-small",
        "facebook/nougat-small",
        "nougat, nougat-page",
        description="Nougat small: academic pages and equations to Markdown/LaTeX",
        size_hint="1 GB",
        licence="CC-BY-NC-4.0",
    ),
    ModelSpec(
        "nougat-base",
        "facebook/nougat-base",
        "nougat, nougat-page",
        description="Nougat base: academic pages and equations to Markdown/LaTeX",
        size_hint="1.4 GB",
        licence="CC-BY-NC-4.0",
    ),
    ModelSpec(
        "surya-detection",
        "s3://text_detection/2025_05_07",
        "surya-layout, surya-ocr",
        required_files=("config.json",),
        description="surya's text-line detector (DetectionPredictor.local); surya fetches it",
        size_hint="80 MB",
        licence="AI Pubs OpenRAIL-M",
    ),
)


def model_path(models_dir: Path, spec: ModelSpec) -> Path:
    """The folder that holds (or would hold) ``spec``'s weights."""
    return models_dir / spec.name


def is_present(models_dir: Path, spec: ModelSpec) -> bool:
    """True where every required file of the model is in the store."""
    folder = model_path(models_dir, spec)
    return all((folder / f).exists() for f in spec.required_files)


def require_model(models_dir: Path, spec: ModelSpec) -> Path:
    """The model's folder, or a clear error saying how to get it.

    Raises:
        BackendUnavailable: the weights are not in the store.
    """
    if not is_present(models_dir, spec):
        folder = model_path(models_dir, spec)
        raise BackendUnavailable(
            f"{spec.backend}: model {spec.name!r} not found in {folder}; "
            f"run `pdf2md models pull {spec.name}` (needs network) or copy the "
            f"{spec.repo_id} checkpoint there"
        )
    return model_path(models_dir, spec)


def find_spec(name: str) -> ModelSpec:
    """The catalogue entry called ``name``.

    Raises:
        ConfigError: no such model; the message lists the known ones.
    """
    for spec in CATALOGUE:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in CATALOGUE)
    raise ConfigError(f"unknown model {name!r}; known: {known}")


def resolve_model(models_dir: Path, name_or_path: str, *, backend: str) -> Path:
    """The folder to load a model from: a catalogue name in the store, or a folder path.

    A value holding a path separator (or starting with ``~``) is a folder; it must contain a
    ``config.json``. Anything else is a catalogue name looked up in ``models_dir``.

    Raises:
        BackendUnavailable: the folder or the store entry is missing; the message names the
            command that fixes it.
        ConfigError: an unknown catalogue name.
    """
    if os.sep in name_or_path or "/" in name_or_path or name_or_path.startswith("~"):
        folder = Path(name_or_path).expanduser()
        if not (folder / "config.json").is_file():
            raise BackendUnavailable(
                f"{backend}: no model at {folder} (no config.json); give a folder holding a "
                "checkpoint, or a name from `pdf2md models list`"
            )
        return folder
    return require_model(models_dir, find_spec(name_or_path))


@dataclass(frozen=True)
class ModelStatus:
    """One row of ``pdf2md models list``."""

    spec: ModelSpec
    folder: Path
    is_present: bool


def list_models(models_dir: Path) -> list[ModelStatus]:
    """Every catalogue model with its folder in ``models_dir`` and whether it is there."""
    return [ModelStatus(s, model_path(models_dir, s), is_present(models_dir, s)) for s in CATALOGUE]


Downloader = Callable[..., str]


def _hub_downloader() -> Downloader:
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise BackendUnavailable(
            "pulling models needs huggingface_hub: pip install huggingface_hub"
        ) from exc
    return snapshot_download


def pull_model(models_dir: Path, spec: ModelSpec, *, downloader: Downloader | None = None) -> Path:
    """Download ``spec`` into the store (only ever called on the user's explicit request).

    Args:
        models_dir: the store folder.
        spec: the model to fetch.
        downloader: ``huggingface_hub.snapshot_download`` by default (tests pass a fake).

    Raises:
        BackendUnavailable: offline mode is on, the hub cannot be reached, or the download is
            incomplete; the message says what to do instead.
    """
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        raise BackendUnavailable(
            f"cannot pull {spec.name}: HF_HUB_OFFLINE is set; unset it on a machine with "
            f"network, or copy the {spec.repo_id} checkpoint to {model_path(models_dir, spec)}"
        )
    folder = model_path(models_dir, spec)
    if "://" in spec.repo_id:
        raise BackendUnavailable(
            f"{spec.name} is not on the Hugging Face hub: its package downloads {spec.repo_id} "
            f"itself (for surya: pip install 'pdf2md[surya]' and run `surya_detect` once); copy "
            f"the checkpoint folder it fetched to {folder}"
        )
    fetch = downloader or _hub_downloader()
    folder.mkdir(parents=True, exist_ok=True)
    log.info("pulling %s (%s@%s) into %s", spec.name, spec.repo_id, spec.revision, folder)
    try:
        fetch(repo_id=spec.repo_id, revision=spec.revision, local_dir=str(folder))
    except OSError as exc:  # requests' and httpx's connection errors are OSErrors
        raise BackendUnavailable(
            f"cannot pull {spec.name} from {spec.repo_id}: {exc}; check the network, or copy "
            f"the checkpoint to {folder}"
        ) from exc
    if not is_present(models_dir, spec):
        missing = [f for f in spec.required_files if not (folder / f).exists()]
        raise BackendUnavailable(f"pulled {spec.name} but {', '.join(missing)} is missing")
    return folder


def pick_device(requested: str = "auto") -> str:
    """``cuda`` where asked for or where ``auto`` finds a GPU, else what was asked (``cpu``)."""
    if requested != "auto":
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def pil_image_processor(transformers: Any, name: str) -> Any:
    """transformers' PIL image processor class ``name`` (``<name>Pil`` in transformers 5).

    The PIL processors need no torchvision; transformers 4 has them under the plain name.
    """
    return getattr(transformers, f"{name}Pil", None) or getattr(transformers, name)
