"""Bounds on what one page may cost, checked before any stage reads the page.

A hostile or broken PDF can make one page cost without limit: Form XObjects nested hundreds
deep (MuPDF's interpreter then overflows its stack), a content stream that inflates a few
kilobytes into gigabytes (a deflate bomb), a page of 200 inches a side rendered at 300 dpi
(gigapixels). :func:`check_page` measures the first two without interpreting the page, and
raises :class:`~pdf2md.errors.LimitExceeded` with a one-line message, so the page fails alone
and early. :func:`capped_dpi` lowers a render's resolution to stay under a pixel budget.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import pymupdf

from pdf2md.errors import LimitExceeded

MAX_FORM_DEPTH = 64
"""Form XObjects inside Form XObjects: real PDFs stay under ten levels."""

MAX_PAGE_STREAM_BYTES = 256 * 2**20
"""Decompressed bytes of a page's content streams and Form XObjects together."""

MAX_IMAGE_PIXELS = 400_000_000
"""Declared pixels of one image on a page (20,000 px a side); larger ones are noted."""

MAX_RENDER_PIXELS = 50_000_000
"""Pixels of one rendering (a letter page at 800 dpi); larger renders get a lower dpi."""

_CHUNK = 1 << 20
# what MuPDF raises on a damaged object; measuring gives up there and MuPDF repairs what it can
MUPDF_ERRORS = (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)


@dataclass(frozen=True)
class PageCost:
    """What :func:`check_page` measured: deepest Form nesting and decompressed stream bytes.

    ``notes`` are bounds hit that do not stop the page (an oversized image is left out).
    """

    form_depth: int
    stream_bytes: int
    notes: tuple[str, ...] = ()


def _is_flate(doc: Any, xref: int) -> bool:  # Any: pymupdf is untyped
    kind, value = doc.xref_get_key(xref, "Filter")
    return kind in ("name", "array") and ("/FlateDecode" in value or "/Fl" in value.split())


def stream_bytes(doc: Any, xref: int, budget: int) -> int:
    """Decompressed size of one stream, counted up to ``budget`` (inflated chunk by chunk,
    so a bomb costs at most ``budget`` bytes of work, never its full size in memory)."""
    raw: bytes = doc.xref_stream_raw(xref) or b""
    if not _is_flate(doc, xref):
        return len(raw)
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    try:
        while data and total <= budget and not inflater.eof:
            total += len(inflater.decompress(data, _CHUNK))
            data = inflater.unconsumed_tail
    except zlib.error:  # a filter chain or a damaged stream: MuPDF repairs what it can
        return max(total, len(raw))
    return total


def _form_depths(page: Any) -> dict[int, int]:
    """Nesting depth of every Form XObject the page reaches (1 = used by the page itself)."""
    invoked_by: dict[int, int] = {}
    for xref, _name, invoker, _bbox in page.get_xobjects():
        invoked_by.setdefault(int(xref), int(invoker))
    depths: dict[int, int] = {}
    for start in invoked_by:
        chain: list[int] = []
        xref = start
        while xref in invoked_by and xref not in depths and xref not in chain:
            chain.append(xref)
            xref = invoked_by[xref]
        base = depths.get(xref, 0)
        for offset, item in enumerate(reversed(chain), start=1):
            depths[item] = base + offset
    return depths


def check_page(page: pymupdf.Page, *, sizes: MutableMapping[int, int] | None = None) -> PageCost:
    """Measure one page against :data:`MAX_FORM_DEPTH` and :data:`MAX_PAGE_STREAM_BYTES`.

    Args:
        page: the page (its document must be open).
        sizes: stream sizes already measured, by xref (shared Forms are measured once).

    Raises:
        LimitExceeded: a bound is passed; the message says which and by how much.
    """
    raw: Any = page  # pymupdf is untyped
    doc = raw.parent
    try:
        depths = _form_depths(raw)
    except MUPDF_ERRORS:  # a broken resource tree: MuPDF reads what it can
        depths = {}
    deepest = max(depths.values(), default=0)
    if deepest > MAX_FORM_DEPTH:
        raise LimitExceeded(f"Form XObjects nested {deepest} deep (the limit is {MAX_FORM_DEPTH})")
    known = sizes if sizes is not None else {}
    total = 0
    try:
        contents = [int(x) for x in raw.get_contents()]
    except MUPDF_ERRORS:
        contents = []
    for xref in [*contents, *depths]:
        if xref not in known:
            try:
                known[xref] = stream_bytes(doc, xref, MAX_PAGE_STREAM_BYTES)
            except MUPDF_ERRORS:  # a broken object: not ours to judge
                known[xref] = 0
        total += known[xref]
        if total > MAX_PAGE_STREAM_BYTES:
            raise LimitExceeded(
                "content streams decompress to more than "
                f"{MAX_PAGE_STREAM_BYTES // 2**20} MiB (a compression bomb?)"
            )
    return PageCost(deepest, total, _image_notes(raw))


def _image_notes(page: Any) -> tuple[str, ...]:
    try:
        images = page.get_images(full=True)
    except MUPDF_ERRORS:
        return ()
    return tuple(
        f"an image of {width}x{height} px is over the limit of"
        f" {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
        for _x, _s, width, height, *_ in images
        if int(width) * int(height) > MAX_IMAGE_PIXELS
    )


def capped_dpi(width_pt: float, height_pt: float, dpi: int) -> int:
    """``dpi``, lowered so that a ``width_pt`` x ``height_pt`` area renders to at most
    :data:`MAX_RENDER_PIXELS` pixels (never below 1 dpi)."""
    pixels = max(width_pt, 0.0) * max(height_pt, 0.0) * (dpi / 72.0) ** 2
    if pixels <= MAX_RENDER_PIXELS:
        return dpi
    return max(1, int(dpi * math.sqrt(MAX_RENDER_PIXELS / pixels)))
