"""Pages that came out (nearly) empty although they have ink: handwriting, a picture of text.

Such a page is never passed over in silence: the pipeline records a warning naming it. Whether a
page "has ink" is decided cheaply: the page is rendered at a low resolution and the share of
pixels clearly darker than the page's background is measured. Only pages whose output is nearly
empty are rendered, so the cost is paid where something probably went wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pdf2md.model import Block, ErrorItem

if TYPE_CHECKING:
    from pdf2md.source import PageView

INK_DPI = 24
"""Resolution of the ink test: a page is about 200 x 280 pixels."""

MIN_INK_SHARE = 0.002
"""Share of dark pixels above which a page has ink (a short handwritten line passes it)."""

MAX_CHARS = 8
"""Pages with fewer letters and digits than this in their body count as nearly empty."""

_DARKER_BY = 64


def is_nearly_empty(blocks: Sequence[Block]) -> bool:
    """True where the body (running heads and image links aside) has almost no letters or digits
    and no picture was kept as an image."""
    body = [b for b in blocks if not b.region.kind.is_furniture]
    if any(b.content.asset for b in body):
        return False
    text = "".join(b.content.text for b in body if b.content.method != "image")
    return sum(ch.isalnum() for ch in text) < MAX_CHARS


def ink_share(gray: Sequence[int]) -> float:
    """Share of pixel values (0 black .. 255 white) darker than the background by a margin.

    The background is the median value, so a grey or yellowed scan is not all "ink".

    Example:
        >>> ink_share([255] * 98 + [0, 0])
        0.02
    """
    if not gray:
        return 0.0
    background = sorted(gray)[len(gray) // 2]
    limit = background - _DARKER_BY
    return sum(1 for value in gray if value < limit) / len(gray)


def has_ink(view: PageView) -> bool:
    """True where the page, rendered at :data:`INK_DPI`, has more than a speck of dark pixels."""
    gray = view.render(dpi=INK_DPI).convert("L").tobytes()
    return ink_share(gray) > MIN_INK_SHARE


def empty_page_warning(page_index: int) -> ErrorItem:
    """The warning recorded for a page whose output is nearly empty although it has ink."""
    return ErrorItem(
        stage="recognise",
        page_index=page_index,
        message="almost no text came out, but the page has ink (handwriting or a picture of text?)",
    )
