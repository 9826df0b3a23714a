"""The protocols every backend implements, and what the pipeline hands them.

One protocol per role, one verb each, batch in and batch out:

- :class:`LayoutBackend` ``detect(pages) -> regions per page``
- :class:`Recogniser` ``recognise(crops) -> one Content (or None) per crop``
- :class:`OcrEngine` ``read(images) -> words per image``

A backend is constructed with a :class:`BackendContext` and does no I/O there; ``load()`` reads
weights or imports heavy libraries and raises :class:`~pdf2md.errors.BackendUnavailable` where
it cannot. A recogniser returns ``None`` for a crop it cannot answer; the pipeline then tries the
next recogniser of the route.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from pdf2md.errors import ConfigError
from pdf2md.model import BBox, Content, PageTriage, Region
from pdf2md.profile import Profile

if TYPE_CHECKING:
    from PIL import Image

    from pdf2md.source import PageView


class AssetSink(Protocol):
    """Where image files go. ``save`` returns the path to link from the Markdown."""

    def save(self, name: str, data: bytes) -> str:
        """Store ``data`` under a file ``name``; return the link target."""
        ...


@dataclass(frozen=True)
class DirectoryAssetSink:
    """Writes assets into ``directory``; links are ``link_prefix/name``.

    It remembers what it wrote, so that :meth:`discard` can take it all back when the
    conversion that wrote it fails.
    """

    directory: Path
    link_prefix: str
    written: list[Path] = field(default_factory=list, compare=False, repr=False)

    def save(self, name: str, data: bytes) -> str:
        """Write the file (atomically) and return its link."""
        if not self.directory.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            self.written.append(self.directory)
        target = self.directory / name
        tmp = target.with_name(f".{name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        self.written.append(target)
        return f"{self.link_prefix}/{name}" if self.link_prefix else name

    def discard(self) -> None:
        """Remove every file this sink wrote (and the folder, where it made it and it is
        empty again)."""
        for path in reversed(self.written):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        self.written.clear()


def asset_name(region: Region, suffix: str = "") -> str:
    """The file name of a region's image: the 1-based page number people see, then the rest of
    the region id (``p7-r4`` on page index 7 with suffix ``figure`` -> ``p8-r4-figure.png``).
    """
    _, _, rest = region.id.partition("-")
    stem = f"p{region.page_index + 1}-{rest or region.order}"
    return f"{stem}-{suffix}.png" if suffix else f"{stem}.png"


def default_models_dir() -> Path:
    """``$PDF2MD_HOME/models``, by default ``~/.cache/pdf2md/models``."""
    home = os.environ.get("PDF2MD_HOME")
    base = Path(home) if home else Path.home() / ".cache" / "pdf2md"
    return base / "models"


@dataclass(frozen=True)
class BackendContext:
    """What every backend is constructed with: the resolved profile and where models live.

    It outlives one document (a :class:`~pdf2md.pipeline.Converter` keeps its backends loaded),
    so anything that belongs to one conversion, such as where images go, travels on the
    :class:`RegionCrop` instead.
    """

    profile: Profile = field(default_factory=Profile)

    @property
    def models_dir(self) -> Path:
        """The model store folder for this run."""
        return Path(self.profile.models.dir) if self.profile.models.dir else default_models_dir()


OptionsT = TypeVar("OptionsT", bound=BaseModel)


def parse_options(context: BackendContext, name: str, options_cls: type[OptionsT]) -> OptionsT:
    """Validate ``[options.<name>]`` of the profile into the backend's Options class.

    Raises:
        ConfigError: an unknown key or a bad value.
    """
    try:
        return options_cls.model_validate(context.profile.backend_options(name))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"options.{name}.{where}: {first['msg']}") from exc


@dataclass(frozen=True)
class RegionCrop:
    """One region to recognise, with read access to its page.

    ``triage`` says whether the page's text layer can be trusted; ``page`` renders on demand;
    ``assets`` is where this conversion's image files go (``None``: write none).
    """

    region: Region
    page: PageView
    triage: PageTriage | None = None
    assets: AssetSink | None = None

    @property
    def bbox(self) -> BBox:
        """The region's box in points."""
        return self.region.bbox

    @property
    def text_layer_ok(self) -> bool:
        """False where triage said this page needs OCR."""
        return self.triage is None or not self.triage.needs_ocr


@runtime_checkable
class LayoutBackend(Protocol):
    """Cuts pages into regions. Returns, per page, regions (``order`` may be left at -1)."""

    name: str

    def load(self) -> None:
        """Import libraries and read weights; raise BackendUnavailable where impossible."""
        ...

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """Regions for each page, same length and order as ``pages``."""
        ...


@runtime_checkable
class Recogniser(Protocol):
    """Reads regions. ``None`` for a crop means: cannot answer, try the next one."""

    name: str

    def load(self) -> None:
        """Import libraries and read weights; raise BackendUnavailable where impossible."""
        ...

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One answer per crop, same order."""
        ...


class OcrWorkStats(Protocol):
    """Counters of OCR work: pages OCR'd, pages skipped, page area skipped of all seen."""

    pages: int
    pages_skipped: int
    masked_area: float
    page_area: float


@runtime_checkable
class ReportsOcrStats(Protocol):
    """A recogniser that counts its OCR work (the ``ocr`` and ``ocr-table`` recognisers)."""

    @property
    def stats(self) -> OcrWorkStats:
        """The counters so far."""
        ...


@dataclass(frozen=True)
class OcrWord:
    """One recognised word (or text line, for engines that give lines) in *pixel* coordinates."""

    text: str
    bbox_px: BBox
    confidence: float
    line_id: int = 0
    block_id: int = 0


@runtime_checkable
class OcrEngine(Protocol):
    """Reads text from images."""

    name: str

    def load(self) -> None:
        """Import the engine and its data; raise BackendUnavailable where impossible."""
        ...

    def read(self, images: Sequence[Image.Image]) -> list[list[OcrWord]]:
        """Words per image, in the engine's reading order."""
        ...
