"""Pipeline profiles: TOML files in ``layouts/`` validated into one strict pydantic model.

Precedence, highest first: CLI flags > ``PDF2MD_*`` environment > profile file > defaults.
:func:`resolve_profile` records where every value came from, for ``pdf2md profile show``.

Environment variables name a dotted key with ``__`` between parts, e.g.
``PDF2MD_OCR__ENGINE=rapidocr`` or ``PDF2MD_ROUTE__TABLE='["pdf-table"]'`` (JSON for lists).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pdf2md.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ENV_PREFIX = "PDF2MD_"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LayoutSettings(_Strict):
    """Which layout backends cut pages into regions."""

    backend: str = "pymupdf-layout"
    scanned_backend: str = "rapid-layout"
    fallback: str = "text-heuristic"
    model_pages: Literal["auto", "always", "never"] = "auto"
    order: Literal["xy-cut", "detector"] = "xy-cut"


class RouteSettings(_Strict):
    """For each region kind, the recognisers to try, in order. ``[]`` drops the kind."""

    text: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    title: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    section_header: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    list_item: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    caption: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    footnote: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    code: list[str] = Field(default_factory=lambda: ["pdf-text", "ocr"])
    table: list[str] = Field(
        default_factory=lambda: ["pdf-table", "slanet-table", "ocr-table", "pdf-text", "image-crop"]
    )
    equation: list[str] = Field(default_factory=lambda: ["pdf-math", "image-crop"])
    figure: list[str] = Field(default_factory=lambda: ["image-crop"])
    page_header: list[str] = Field(default_factory=lambda: ["pdf-text"])
    page_footer: list[str] = Field(default_factory=lambda: ["pdf-text"])

    def for_kind(self, kind: str) -> list[str]:
        """The recogniser names for a region kind (its ``RegionKind`` value)."""
        names: list[str] = getattr(self, kind)
        return names


class OcrSettings(_Strict):
    """When and how pages are OCR'd."""

    mode: Literal["auto", "force", "off"] = "auto"
    engine: str = "tesseract"
    # "auto": each page read in the language it is in (see pdf2md.ocr.tesseract)
    languages: list[str] = Field(default_factory=lambda: ["auto"])
    dpi: int = Field(default=200, ge=50, le=600)
    workers: int = Field(default=0, ge=0)
    fallback_engine: str = "rapidocr"
    fallback_below_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class ImageSettings(_Strict):
    """Figure and fallback crops written beside the output."""

    enabled: bool = True
    dpi: int = Field(default=150, ge=36, le=600)
    format: Literal["png"] = "png"


class DocumentSettings(_Strict):
    """Cross-page work and what the Markdown shows."""

    remove_furniture: bool = True
    page_markers: bool = False
    heading_source: Literal["auto", "outline", "numbering", "font"] = "auto"


class RenderSettings(_Strict):
    """How the Markdown is written. ``allow_raw_html`` keeps HTML found in the PDF's text
    (off: it is escaped, so that rendering the output runs nothing the PDF's author wrote)."""

    allow_raw_html: bool = False


class ModelSettings(_Strict):
    """Where model weights live. Empty means ``$PDF2MD_HOME/models``."""

    dir: str = ""


class VlmSettings(_Strict):
    """An OpenAI-compatible endpoint for VLM recognisers."""

    url: str = ""
    model: str = ""
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = Field(default=60.0, gt=0)
    concurrency: int = Field(default=4, ge=1)
    retries: int = Field(default=2, ge=0)


class Profile(_Strict):
    """A whole pipeline configuration. Unknown keys anywhere are errors."""

    name: str = "default"
    description: str = ""
    layout: LayoutSettings = Field(default_factory=LayoutSettings)
    route: RouteSettings = Field(default_factory=RouteSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    images: ImageSettings = Field(default_factory=ImageSettings)
    document: DocumentSettings = Field(default_factory=DocumentSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    models: ModelSettings = Field(default_factory=ModelSettings)
    vlm: VlmSettings = Field(default_factory=VlmSettings)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @property
    def hash(self) -> str:
        """A short, stable hash of every resolved value (for provenance)."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def backend_options(self, name: str) -> dict[str, Any]:
        """The ``[options.<name>]`` table for one backend (empty if none)."""
        return dict(self.options.get(name, {}))


@dataclass(frozen=True)
class ResolvedProfile:
    """A profile with, for each dotted key, where its value came from.

    Sources: ``default``, ``profile:<path>``, ``env:<VAR>`` or ``cli``.
    """

    profile: Profile
    sources: Mapping[str, str]


def layouts_dir() -> Path:
    """The folder of bundled profiles (the repo's ``layouts/`` or the wheel's copy)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_layouts", here.parent / "layouts"):
        if candidate.is_dir():
            return candidate
    return here.parent / "layouts"


def profile_names() -> list[str]:
    """Names of the bundled profiles."""
    return sorted(p.stem for p in layouts_dir().glob("*.toml"))


def find_profile(name_or_path: str) -> Path:
    """The TOML file for a bundled profile name or a path.

    Raises:
        ConfigError: neither a bundled name nor an existing file.
    """
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.is_file():
        return path
    bundled = layouts_dir() / f"{name_or_path}.toml"
    if bundled.is_file():
        return bundled
    if path.suffix == ".toml" or len(path.parts) > 1:  # meant as a file, not a bundled name
        reason = "is a folder" if path.is_dir() else "no such file"
        raise ConfigError(f"profile {name_or_path}: {reason}")
    raise ConfigError(
        f"unknown profile {name_or_path!r}; bundled: {', '.join(profile_names())} "
        "(or give a path to a .toml file)"
    )


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and key != "options":
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def _set_dotted(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = target
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{dotted!r}: {part!r} is not a table")
    node[parts[-1]] = value


def _env_overrides(env: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    found: dict[str, tuple[Any, str]] = {}
    for var, raw in env.items():
        if not var.startswith(ENV_PREFIX) or "__" not in var:
            continue
        dotted = var[len(ENV_PREFIX) :].lower().replace("__", ".")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        found[dotted] = (value, f"env:{var}")
    return found


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _validate(data: dict[str, Any], origin: str) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{origin}: {where}: {first['msg']}") from exc


def resolve_profile(
    name_or_path: str = "default",
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ResolvedProfile:
    """Load a profile and apply environment and CLI overrides, recording each value's source.

    Args:
        name_or_path: a bundled profile name (``default``, ``fast``...) or a ``.toml`` path.
        env: environment to read ``PDF2MD_*`` variables from; ``None`` reads none.
        overrides: dotted keys set on the command line, e.g. ``{"ocr.mode": "force"}``.

    Raises:
        ConfigError: unknown profile, invalid TOML, an unknown key or a bad value.
    """
    path = find_profile(name_or_path)
    data = _read_toml(path)
    _validate(data, str(path))
    sources = dict.fromkeys(_flatten(Profile().model_dump()), "default")
    sources.update(dict.fromkeys(_flatten(data), f"profile:{path}"))
    layered: list[tuple[str, Any, str]] = [
        (k, v, src) for k, (v, src) in _env_overrides(env or {}).items()
    ]
    layered += [(k, v, "cli") for k, v in (overrides or {}).items()]
    for dotted, value, source in layered:
        _set_dotted(data, dotted, value)
        sources[dotted] = source
    return ResolvedProfile(_validate(data, "overrides"), sources)


def load_profile(name_or_path: str = "default") -> Profile:
    """Load a bundled or custom profile with no overrides.

    Example:
        >>> load_profile("fast").layout.backend
        'text-heuristic'
    """
    return resolve_profile(name_or_path).profile
