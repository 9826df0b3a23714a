"""A cheap gate that says whether an image (a page, a figure) holds any text, before OCR.

Works on a boolean ink mask at low resolution (see :func:`pdf2md.ocr.orientation.dark_mask`):
a blank page has almost no ink; text shows as many glyph-sized connected components that sit
side by side on shared rows. Photos and line art mostly do not. Milliseconds per image.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

_BLANK_INK = 0.0015
_MIN_GLYPHS = 12


def is_blank(mask: np.ndarray) -> bool:
    """True where under 0.15% of the pixels are ink (specks and scanner dust)."""
    return mask.size == 0 or float(mask.mean()) < _BLANK_INK


def _glyph_boxes(mask: np.ndarray) -> np.ndarray:
    """``(x, y, w, h)`` of connected components shaped like glyphs."""
    import cv2
    import numpy as np

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    boxes = stats[1:count, :4]
    w, h = boxes[:, 2], boxes[:, 3]
    keep = (h >= 3) & (h <= 60) & (w <= 4 * h) & (w >= 1)
    fill = stats[1:count, 4] / np.maximum(w * h, 1)
    glyphs: np.ndarray = boxes[keep & (fill > 0.1)]
    return glyphs


def holds_text(mask: np.ndarray) -> bool:
    """True where the mask shows rows of glyph-sized components (or cannot tell).

    Without OpenCV the gate cannot look and answers True, so nothing is skipped wrongly.
    """
    if is_blank(mask):
        return False
    try:
        boxes = _glyph_boxes(mask)
    except ImportError:
        return True
    if len(boxes) < _MIN_GLYPHS:
        return False
    import numpy as np

    cy = boxes[:, 1] + boxes[:, 3] / 2
    h = boxes[:, 3].astype(np.float64)
    order = np.argsort(boxes[:, 0])
    neighbours = 0
    for i in order[: min(len(order), 400)]:
        near = (np.abs(cy - cy[i]) < 0.3 * h[i]) & (np.abs(h - h[i]) < 0.5 * h[i])
        dx = boxes[:, 0] - (boxes[i, 0] + boxes[i, 2])
        near &= (dx >= -1) & (dx < 1.5 * h[i])
        neighbours += int(near.sum() > 0)
    sampled = min(len(order), 400)
    return neighbours >= _MIN_GLYPHS and neighbours / sampled > 0.35
