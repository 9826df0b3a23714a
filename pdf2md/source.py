"""Open a PDF once and serve each page's text layer, drawings, images and renderings.

Everything here is in PDF points, top-left origin, with the page's rotation applied (what a
reader sees). Text comes from PyMuPDF's ``dict`` extraction with ligatures expanded; the
per-character view (``chars_in``) is computed only when a backend asks for it.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pymupdf

from pdf2md.errors import DocumentLoadError
from pdf2md.model import BBox
from pdf2md.page_limits import MAX_RENDER_PIXELS, MUPDF_ERRORS, capped_dpi, check_page
from pdf2md.urls import link_target_is_safe

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

T = TypeVar("T")

# Ligatures expanded (no TEXT_PRESERVE_LIGATURES); images and vector paths not inlined.
_TEXT_FLAGS = (
    pymupdf.TEXT_PRESERVE_WHITESPACE
    | pymupdf.TEXT_MEDIABOX_CLIP
    | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
)

_BOLD = 16
_ITALIC = 2
_MONO = 8
_SUPERSCRIPT = 1


@dataclass(frozen=True)
class TextSpan:
    """A run of text in one font. ``origin_y`` is the baseline, in points."""

    text: str
    bbox: BBox
    font: str
    size: float
    flags: int
    color: int
    origin_y: float
    alpha: int = 255

    @property
    def is_bold(self) -> bool:
        """Bold by flag or by font name."""
        name = self.font.lower()
        return bool(self.flags & _BOLD) or "bold" in name or "black" in name or "heavy" in name

    @property
    def is_italic(self) -> bool:
        """Italic by flag or font name."""
        name = self.font.lower()
        return bool(self.flags & _ITALIC) or "italic" in name or "oblique" in name

    @property
    def is_mono(self) -> bool:
        """Monospaced by flag or font name."""
        name = self.font.lower()
        return bool(self.flags & _MONO) or any(
            m in name for m in ("mono", "courier", "consol", "cmtt", "typewriter", "menlo")
        )

    @property
    def is_superscript(self) -> bool:
        """PyMuPDF's superscript flag (raised, smaller text)."""
        return bool(self.flags & _SUPERSCRIPT)


@dataclass(frozen=True)
class TextLine:
    """One line of text: spans left to right. ``block_index`` is PyMuPDF's text block."""

    bbox: BBox
    spans: tuple[TextSpan, ...]
    block_index: int
    direction: tuple[float, float] = (1.0, 0.0)

    @cached_property
    def text(self) -> str:
        """The line's plain text."""
        return "".join(s.text for s in self.spans)

    @cached_property
    def size(self) -> float:
        """The dominant font size (by character count)."""
        best: dict[float, int] = {}
        for s in self.spans:
            key = round(s.size, 1)
            best[key] = best.get(key, 0) + len(s.text.strip())
        return max(best, key=lambda k: best[k]) if best else 0.0

    @property
    def is_horizontal(self) -> bool:
        """True for left-to-right horizontal lines."""
        return abs(self.direction[1]) < 0.1 and self.direction[0] > 0


@dataclass(frozen=True)
class TextChar:
    """One glyph: its character, box, baseline origin, font and size."""

    char: str
    bbox: BBox
    origin: tuple[float, float]
    font: str
    size: float
    flags: int


@dataclass(frozen=True)
class Link:
    """A link annotation: its area and its target (a URI, or ``#page=N`` inside the PDF)."""

    bbox: BBox
    uri: str


@dataclass(frozen=True)
class Drawing:
    """A vector path's bounding box, and whether it is a thin horizontal or vertical rule."""

    bbox: BBox
    is_rule: bool
    is_filled: bool


@dataclass
class PageView:
    """Read access to one page. Cheap to create; each view is computed once, when first used."""

    page: pymupdf.Page
    page_index: int
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    bounds_hit: dict[str, str] = field(default_factory=dict, repr=False)
    """Bounds this page hit that did not stop it (a render at lower dpi), by kind: message."""

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """A value computed once per page by another stage (``make()``), kept as long
        as the page view; ``key`` names it (``"module.what"``)."""
        if key not in self._cache:
            self._cache[key] = make()
        value: T = self._cache[key]
        return value

    @property
    def width_pt(self) -> float:
        """Page width after rotation, in points."""
        return float(self.page.rect.width)

    @property
    def height_pt(self) -> float:
        """Page height after rotation, in points."""
        return float(self.page.rect.height)

    @property
    def bbox(self) -> BBox:
        """The whole page as a box."""
        return BBox(0.0, 0.0, self.width_pt, self.height_pt)

    @property
    def is_rotated(self) -> bool:
        """True for pages with a /Rotate of 90, 180 or 270 degrees."""
        return bool(self.page.rotation)

    @cached_property
    def _rotation(self) -> pymupdf.Matrix | None:
        return self.page.rotation_matrix if self.page.rotation else None

    def to_display(self, box: Any) -> BBox:
        """A box from PyMuPDF's unrotated page space in display space (rotation applied).

        PyMuPDF reports text, drawings and images of a rotated page (``/Rotate 90``) in the
        page's unrotated coordinates while ``page.rect`` is rotated; everything pdf2md hands
        on is in display space.
        """
        if self._rotation is None:
            return BBox(float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        r = pymupdf.Rect(box) * self._rotation
        return BBox(r.x0, r.y0, r.x1, r.y1)

    def _point(self, x: float, y: float) -> tuple[float, float]:
        if self._rotation is None:
            return (x, y)
        p = pymupdf.Point(x, y) * self._rotation
        return (float(p.x), float(p.y))

    def _direction(self, d: Any) -> tuple[float, float]:
        m = self._rotation
        x, y = float(d[0]), float(d[1])
        if m is None:
            return (x, y)
        return (m.a * x + m.c * y, m.b * x + m.d * y)

    @cached_property
    def text_dict(self) -> dict[str, Any]:
        """PyMuPDF's raw ``dict`` extraction (for backends that need it verbatim)."""
        result: dict[str, Any] = self.page.get_text("dict", flags=_TEXT_FLAGS, sort=False)
        return result

    @cached_property
    def lines(self) -> tuple[TextLine, ...]:
        """Every non-empty text line on the page, in content-stream order."""
        out: list[TextLine] = []
        for b_index, block in enumerate(self.text_dict.get("blocks", ())):
            for line in block.get("lines", ()):
                spans = tuple(
                    self._respaced(self._span(s)) for s in line.get("spans", ()) if s.get("text")
                )
                if not spans or not "".join(s.text for s in spans).strip():
                    continue
                out.append(
                    TextLine(
                        bbox=self.to_display(line["bbox"]),
                        spans=spans,
                        block_index=b_index,
                        direction=self._direction(line["dir"]),
                    )
                )
        return tuple(out)

    def _span(self, raw: dict[str, Any]) -> TextSpan:
        origin = raw.get("origin", (0.0, raw["bbox"][3]))
        return TextSpan(
            text=raw["text"],
            bbox=self.to_display(raw["bbox"]),
            font=str(raw.get("font", "")),
            size=float(raw.get("size", 0.0)),
            flags=int(raw.get("flags", 0)),
            color=int(raw.get("color", 0)),
            origin_y=self._point(float(origin[0]), float(origin[1]))[1],
            alpha=int(raw.get("alpha", 255)),
        )

    def _respaced(self, span: TextSpan) -> TextSpan:
        """Put back word spaces a PDF left out (words placed by position alone).

        Only spans holding a run of 15 or more characters without a space are checked (a
        tightly set line, ``Thisis arubyclient forstatsd``, or one placed word by word), glyph
        by glyph: a gap wider than a tenth of the font size between two glyphs (nearly half of
        it in a monospaced font) is a word break, except between CJK characters, which are
        written without spaces.
        """
        if not span.text.isprintable() or max(map(len, span.text.split()), default=0) < 15:
            return span
        chars = [c for c in self.chars_in(span.bbox) if span.bbox.contains_point(*c.bbox.center)]
        if len(chars) != len(span.text):
            return span
        # in a monospaced font narrow glyphs (".", "(") leave wide ink gaps; a missing space
        # there leaves a whole character's width
        gap_em = 0.45 if span.is_mono else 0.1
        wide = [
            ch.bbox.x0 - prev.bbox.x1 > gap_em * span.size
            and not prev.char.isspace()
            and not ch.char.isspace()
            and not (_is_cjk(prev.char) and _is_cjk(ch.char))
            for prev, ch in zip(chars, chars[1:])
        ]
        if not any(wide) or sum(wide) > 0.4 * len(wide):  # none, or letter-spaced (tracking)
            return span
        out = [chars[0].char]
        for ch, gap in zip(chars[1:], wide):
            out.append(" " + ch.char if gap else ch.char)
        return TextSpan(**{**span.__dict__, "text": "".join(out)})

    @cached_property
    def body_size_pt(self) -> float:
        """The most common font size on the page, weighted by characters (10.0 if no text)."""
        counts: dict[float, int] = {}
        for line in self.lines:
            for span in line.spans:
                key = round(span.size, 1)
                counts[key] = counts.get(key, 0) + len(span.text.strip())
        return max(counts, key=lambda k: counts[k]) if counts else 10.0

    def lines_in(self, bbox: BBox, min_overlap: float = 0.5) -> list[TextLine]:
        """Lines whose area lies at least ``min_overlap`` inside ``bbox``, in stream order."""
        if min_overlap <= 0:
            return list(self.lines)
        out: list[TextLine] = []
        for ln in self.lines:
            box = ln.bbox
            if not box.touches(bbox):
                continue  # apart: no overlap (the cheap test first; most lines are elsewhere)
            if box.overlap_ratio(bbox) >= min_overlap or (
                box.area == 0 and bbox.contains_point(*box.center)
            ):
                out.append(ln)
        return out

    @cached_property
    def _char_lines(self) -> tuple[tuple[BBox, tuple[TextChar, ...]], ...]:
        """Every glyph of the page, grouped by text line with the line's box (one extraction)."""
        raw = self.page.get_text("rawdict", flags=_TEXT_FLAGS)
        out: list[tuple[BBox, tuple[TextChar, ...]]] = []
        for block in raw.get("blocks", ()):
            for line in block.get("lines", ()):
                chars = tuple(
                    TextChar(
                        char=ch["c"],
                        bbox=self.to_display(ch["bbox"]),
                        origin=self._point(float(ch["origin"][0]), float(ch["origin"][1])),
                        font=span.get("font", ""),
                        size=float(span.get("size", 0.0)),
                        flags=int(span.get("flags", 0)),
                    )
                    for span in line.get("spans", ())
                    for ch in span.get("chars", ())
                )
                if chars:
                    out.append((BBox.enclosing([c.bbox for c in chars]), chars))
        return tuple(out)

    def chars_in(self, bbox: BBox) -> list[TextChar]:
        """Every glyph whose centre lies in ``bbox``, in content-stream order."""
        out: list[TextChar] = []
        for box, chars in self._char_lines:
            if not box.touches(bbox):
                continue
            out.extend(c for c in chars if bbox.contains_point(*c.bbox.center))
        return out

    @cached_property
    def drawings(self) -> tuple[Drawing, ...]:
        """Bounding boxes of vector paths (rules, boxes, fills)."""
        out: list[Drawing] = []
        for path in self.page.get_drawings():
            rect = path.get("rect")
            if rect is None:
                continue
            box = self.to_display(rect)
            thin = min(box.width, box.height) <= 2.0 and max(box.width, box.height) > 3.0
            out.append(Drawing(box, is_rule=thin, is_filled=path.get("fill") is not None))
        return tuple(out)

    @cached_property
    def image_boxes(self) -> tuple[BBox, ...]:
        """Where raster images are placed on the page."""
        boxes: list[BBox] = []
        for info in self.page.get_image_info():
            box = self.to_display(info["bbox"]).clip(self.bbox)
            if box.area > 0:
                boxes.append(box)
        return tuple(boxes)

    @cached_property
    def links(self) -> tuple[Link, ...]:
        """Link annotations with an internal page target or a URI of a safe scheme (``http``,
        ``https``, ``mailto``): a ``javascript:`` or ``file:`` link is no link in the output."""
        out: list[Link] = []
        for link in self.page.get_links():
            uri = link.get("uri")
            if not uri and link.get("kind") == pymupdf.LINK_GOTO and link.get("page", -1) >= 0:
                uri = f"#page={int(link['page']) + 1}"
            if uri and link_target_is_safe(str(uri)):
                r = link["from"]
                out.append(Link(BBox(r.x0, r.y0, r.x1, r.y1), str(uri)))
        return tuple(out)

    def render_dpi(self, bbox: BBox | None = None, dpi: int = 150) -> int:
        """The dpi :meth:`render` uses for ``bbox`` at ``dpi``: lower where the image would
        pass :data:`~pdf2md.page_limits.MAX_RENDER_PIXELS` (noted in :attr:`bounds_hit`).
        Callers that map pixels back to points ask first and render at the answer."""
        box = (bbox or self.bbox).clip(self.bbox)
        capped = capped_dpi(box.width, box.height, dpi)
        if capped != dpi:
            self.bounds_hit.setdefault(
                "render",
                f"rendered at {capped} dpi instead of {dpi}: {box.width:.0f}x{box.height:.0f} pt"
                f" is over the render limit of {MAX_RENDER_PIXELS // 1_000_000} megapixels",
            )
        return capped

    def _pixmap(self, bbox: BBox | None, dpi: int) -> pymupdf.Pixmap:
        clip = pymupdf.Rect(*bbox) if bbox is not None else None
        return self.page.get_pixmap(dpi=self.render_dpi(bbox, dpi), clip=clip, alpha=False)

    def render(self, bbox: BBox | None = None, *, dpi: int = 150) -> Image.Image:
        """Render the page, or the part inside ``bbox``, to an RGB PIL image at ``dpi``
        (or at :meth:`render_dpi`, where ``dpi`` would make it too large)."""
        from PIL import Image

        pix = self._pixmap(bbox, dpi)
        return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)

    def draw_log(self) -> list[tuple[str, BBox]]:
        """What the page draws, in drawing order: ``(kind, bbox)`` with kinds such as
        ``fill-text``, ``ignore-text`` (invisible) and ``fill-image``; points, as stored
        (the triage reads it on unrotated pages only). 1-10 ms a page."""
        log_ = self.page.get_bboxlog()
        return [(str(kind), BBox(*rect)) for kind, rect in log_]

    def render_png(self, bbox: BBox | None = None, *, dpi: int = 150) -> bytes:
        """Render like :meth:`render` and return PNG bytes."""
        data: bytes = self._pixmap(bbox, dpi).tobytes("png")
        return data


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF


def upright_turn(lines: Sequence[TextLine], *, min_chars: int = 40, share: float = 0.8) -> int:
    """Degrees to add to a page's ``/Rotate`` so that its text reads left to right: 0, 90 or 270.

    Non-zero only where at least ``share`` of the page's characters (and ``min_chars``) lie
    in lines running down (turn 270) or up (turn 90) the displayed page. Vertical CJK
    writing runs down the page by design and is left as it is.
    """
    across = down = up = cjk = 0
    for line in lines:
        n = len(line.text.strip())
        dx, dy = line.direction
        if abs(dy) < 0.1 and dx > 0:
            across += n
        elif abs(dx) < 0.1:
            if dy > 0:
                down += n
            else:
                up += n
            cjk += sum(1 for ch in line.text if _is_cjk(ch))
    total = across + down + up
    sideways = down + up
    if total < min_chars or sideways < share * total or cjk > 0.5 * sideways:
        return 0
    return 270 if down >= up else 90


def _malloc_trim() -> None:
    """glibc keeps freed memory in its arenas; model inference fragments them page by page."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc (macOS, musl): no-op
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass
class SourceDocument:
    """An open PDF. Use as a context manager, or call :meth:`close`."""

    path: Path
    doc: pymupdf.Document
    sha256: str
    _stream_sizes: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def page_count(self) -> int:
        """Number of pages."""
        return int(self.doc.page_count)

    @cached_property
    def outline(self) -> list[tuple[int, str, int]]:
        """The PDF's outline (bookmarks) as ``(level, title, page_number)``; may be empty."""
        try:
            return [(int(lv), str(t), int(p)) for lv, t, p, *_ in self.doc.get_toc(simple=True)]
        except MUPDF_ERRORS:
            return []

    @property
    def title(self) -> str | None:
        """The metadata title, where one is set."""
        try:
            meta = self.doc.metadata or {}
        except MUPDF_ERRORS:
            return None
        title = (meta.get("title") or "").strip()
        return title or None

    def page(self, page_index: int) -> PageView:
        """A view of one page (0-based), turned upright where its text runs sideways.

        A page whose text nearly all runs up or down the page (a landscape table stored on a
        portrait page without ``/Rotate``, or with the wrong one) gets its ``/Rotate`` changed
        in memory, so that every stage sees the text as a reader holding the page
        right sees it (see :func:`upright_turn`).

        Raises:
            LimitExceeded: the page passes a bound of :func:`~pdf2md.page_limits.check_page`.
            RuntimeError: MuPDF cannot read the page (the pipeline records either).
        """
        page = self.doc[page_index]
        cost = check_page(page, sizes=self._stream_sizes)
        view = PageView(page, page_index)
        view.bounds_hit.update((f"image{i}", note) for i, note in enumerate(cost.notes))
        turn = upright_turn(view.lines)
        if not turn:
            return view
        page.set_rotation((page.rotation + turn) % 360)
        page = self.doc.reload_page(page)  # else links keep the old rotation's boxes
        upright = PageView(page, page_index, bounds_hit=view.bounds_hit)
        # the raw extraction is in unrotated coordinates, the same under any /Rotate
        upright.__dict__["text_dict"] = view.text_dict
        return upright

    def pages(self, indices: list[int] | None = None) -> Iterator[PageView]:
        """Views of the given pages (all by default), in order."""
        for i in indices if indices is not None else range(self.page_count):
            yield self.page(i)

    def release_caches(self) -> None:
        """Empty MuPDF's resource store (fonts, images) and hand freed heap back to the OS,
        so memory stays flat on long PDFs."""
        pymupdf.TOOLS.store_shrink(100)
        _malloc_trim()

    def close(self) -> None:
        """Release the file."""
        self.doc.close()

    def __enter__(self) -> SourceDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sniff_pdf(data: bytes, path: Path) -> None:
    """Refuse what is plainly no PDF; a damaged header (``%PDF`` with a flipped byte) with
    PDF objects behind it is left to MuPDF, which repairs what it can."""
    if b"%PDF-" in data[:1024]:
        return
    if b" obj" in data[: 1 << 20] and (b"endobj" in data or b"trailer" in data):
        return
    raise DocumentLoadError(f"{path}: not a PDF (no %PDF header)")


def open_pdf(path: str | Path, *, password: str | None = None) -> SourceDocument:
    """Open a PDF for reading.

    Raises:
        DocumentLoadError: missing file, not a PDF, corrupt, encrypted without the right
            password, or no pages. The message is one line.
    """
    p = Path(path)
    if not p.exists():
        raise DocumentLoadError(f"{p}: no such file")
    if p.is_dir():
        raise DocumentLoadError(f"{p}: is a folder, not a PDF")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentLoadError(f"{p}: cannot read ({exc.strerror})") from exc
    _sniff_pdf(data, p)
    try:
        doc = pymupdf.open(stream=io.BytesIO(data), filetype="pdf")
        if doc.needs_pass and not doc.authenticate(password or ""):
            doc.close()
            hint = "wrong password" if password else "encrypted; give --password"
            raise DocumentLoadError(f"{p}: {hint}")
        if doc.page_count == 0:
            doc.close()
            raise DocumentLoadError(f"{p}: the PDF has no pages")
    except MUPDF_ERRORS as exc:
        raise DocumentLoadError(f"{p}: corrupt or unreadable PDF ({exc})") from exc
    return SourceDocument(p, doc, hashlib.sha256(data).hexdigest())
