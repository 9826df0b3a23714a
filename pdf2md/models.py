"""The local model store: where model-backed backends find their weights. Never downloads.

Weights live in ``<models_dir>/<name>/`` where ``models_dir`` is the profile's ``models.dir``
or ``$PDF2MD_HOME/models`` (default ``~/.cache/pdf2md/models``). ``pdf2md models list`` shows
what each backend needs; ``pdf2md models pull NAME`` downloads, only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pdf2md.errors import BackendUnavailable


@dataclass(frozen=True)
class ModelSpec:
    """One model a backend needs: store name, hub repo id, files that prove it is present."""

    name: str
    repo_id: str
    backend: str
    required_files: tuple[str, ...] = ("config.json",)
    description: str = ""


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
