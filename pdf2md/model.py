"""The typed vocabulary every stage speaks: boxes, regions, content, pages, documents.

Units: PDF points (1/72 inch) with a top-left origin. ``page_index`` is 0-based; a
``page_number`` (1-based) appears only in what people read. Pixel coordinates never
appear here: backends that render convert with an explicit ``dpi``.

The model holds data only. Writers (Markdown, JSON, JSONL) live in :mod:`pdf2md.render`.
"""

from __future__ import annotations

import enum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class BBox(NamedTuple):
    """An axis-aligned box in PDF points, top-left origin (``y`` grows downwards).

    Example:
        >>> BBox(0, 0, 10, 20).area
        200.0
    """

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Width in points (never negative)."""
        return max(0.0, self.x1 - self.x0)

    @property
    def height(self) -> float:
        """Height in points (never negative)."""
        return max(0.0, self.y1 - self.y0)

    @property
    def area(self) -> float:
        """Area in square points."""
        return float(self.width * self.height)

    @property
    def center(self) -> tuple[float, float]:
        """The centre point ``(x, y)``."""
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def intersect(self, other: BBox) -> BBox:
        """The overlap of two boxes; an empty box (area 0) where they do not meet."""
        x0, y0 = max(self.x0, other.x0), max(self.y0, other.y0)
        x1, y1 = min(self.x1, other.x1), min(self.y1, other.y1)
        if x1 <= x0 or y1 <= y0:
            return BBox(x0, y0, x0, y0)
        return BBox(x0, y0, x1, y1)

    def union(self, other: BBox) -> BBox:
        """The smallest box holding both."""
        return BBox(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def iou(self, other: BBox) -> float:
        """Intersection over union, 0.0 to 1.0."""
        inter = self.intersect(other).area
        total = self.area + other.area - inter
        return inter / total if total > 0 else 0.0

    def overlap_ratio(self, other: BBox) -> float:
        """Share of *this* box's area that lies inside ``other`` (0.0 to 1.0)."""
        return self.intersect(other).area / self.area if self.area > 0 else 0.0

    def touches(self, other: BBox) -> bool:
        """True where the boxes overlap or meet at an edge (also for zero-width or
        zero-height boxes, such as rules)."""
        return not (
            other.x1 < self.x0 or other.x0 > self.x1 or other.y1 < self.y0 or other.y0 > self.y1
        )

    def contains_point(self, x: float, y: float) -> bool:
        """True where the point lies inside the box or on its edge."""
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def contains(self, other: BBox, tolerance_pt: float = 0.0) -> bool:
        """True where ``other`` lies inside this box, give or take ``tolerance_pt``."""
        t = tolerance_pt
        return (
            other.x0 >= self.x0 - t
            and other.y0 >= self.y0 - t
            and other.x1 <= self.x1 + t
            and other.y1 <= self.y1 + t
        )

    def scale(self, factor: float) -> BBox:
        """Every coordinate multiplied by ``factor`` (points to pixels: ``dpi / 72``)."""
        return BBox(self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor)

    def pad(self, margin_pt: float) -> BBox:
        """The box grown by ``margin_pt`` on every side."""
        m = margin_pt
        return BBox(self.x0 - m, self.y0 - m, self.x1 + m, self.y1 + m)

    def clip(self, bounds: BBox) -> BBox:
        """The box clipped to ``bounds``."""
        return self.intersect(bounds)

    @staticmethod
    def enclosing(boxes: list[BBox]) -> BBox:
        """The smallest box holding every box of a non-empty list."""
        return BBox(
            min(b.x0 for b in boxes),
            min(b.y0 for b in boxes),
            max(b.x1 for b in boxes),
            max(b.y1 for b in boxes),
        )


class RegionKind(str, enum.Enum):
    """What a region of a page is. Never use bare strings for these."""

    TEXT = "text"
    TITLE = "title"
    SECTION_HEADER = "section_header"
    LIST_ITEM = "list_item"
    TABLE = "table"
    EQUATION = "equation"
    FIGURE = "figure"
    CAPTION = "caption"
    FOOTNOTE = "footnote"
    PAGE_HEADER = "page_header"
    PAGE_FOOTER = "page_footer"
    CODE = "code"

    def __str__(self) -> str:
        return self.value

    @property
    def is_furniture(self) -> bool:
        """Running heads, page numbers and the like: kept out of the body."""
        return self in (RegionKind.PAGE_HEADER, RegionKind.PAGE_FOOTER)

    @property
    def is_heading(self) -> bool:
        """Titles and section headers."""
        return self in (RegionKind.TITLE, RegionKind.SECTION_HEADER)


Method = Literal["text-layer", "ocr", "math", "vlm", "image", "none"]
PageMethod = Literal["text-layer", "ocr", "model", "mixed", "blank", "failed"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Region(_Frozen):
    """One region of one page, as a layout backend found it.

    Attributes:
        id: readable and unique in a document, ``"p3-r7"`` (page index 3, region 7).
        kind: what the region is.
        bbox: where it is, in PDF points, top-left origin.
        page_index: 0-based page index.
        order: position in the page's reading order (0 first); -1 before ordering.
        confidence: the detector's confidence, 0.0 to 1.0; ``None`` where it gives none.
        detector: name of the layout backend that found it.
        level: heading level (1 = title) once the document stage decided it; else ``None``.
    """

    id: str
    kind: RegionKind
    bbox: BBox
    page_index: int
    order: int = -1
    confidence: float | None = None
    detector: str = ""
    level: int | None = None


class Content(_Frozen):
    """The recognised Markdown fragment for one region.

    Attributes:
        region_id: the region this answers.
        text: normalised Markdown for the region (without the heading ``#`` marks, which the
            writer adds from the region's kind and level).
        orig: the raw text it came from (before normalisation), for provenance.
        recogniser: ``name@version`` of the recogniser.
        method: how it was read.
        confidence: 0.0 to 1.0; ``None`` where the recogniser gives none.
        asset: a file path (relative to the Markdown) for an image the content links to.
        font_size_pt: dominant font size of the source text, in points, where known (used to
            rank headings).
        removed: source text the recogniser left out on purpose (listing line numbers).
    """

    region_id: str
    text: str
    orig: str = ""
    recogniser: str
    method: Method
    confidence: float | None = None
    asset: str | None = None
    font_size_pt: float | None = None
    removed: tuple[RemovedText, ...] = ()


RemovalReason = Literal["furniture", "figure", "overlay", "line-number"]


class RemovedText(_Frozen):
    """Text taken out of the output on purpose, and why (kept for the word ledger)."""

    region_id: str
    reason: RemovalReason
    text: str


Join = Literal["break", "space", "direct"]


class Block(_Frozen):
    """A region together with the content recognised for it: one piece of the output.

    ``joins`` says how the block attaches to the previous one: ``break`` starts a new
    Markdown block; ``space`` and ``direct`` continue the previous paragraph (across a column or
    page break), with or without a space.
    """

    region: Region
    content: Content
    joins: Join = "break"


class PageTriage(_Frozen):
    """What the triage stage decided for one page, and why."""

    has_text_layer: bool
    needs_ocr: bool
    reason: str
    text_coverage: float = 0.0
    image_coverage: float = 0.0
    bad_glyph_ratio: float = 0.0


LedgerSource = Literal["text-layer", "ocr", "none"]


class WordLedger(_Frozen):
    """Where every word of a page's source went (see :mod:`pdf2md.ledger`).

    Words are compared as a multiset after normalisation (case, punctuation, hyphens and
    ligatures folded; CJK counted per character), so a word rejoined across a line end or
    rewritten as LaTeX still counts as kept.

    Attributes:
        source: what the words were read from: the trusted text layer, the page's OCR words,
            or nothing (no ledger kept: a model read the page).
        words_in: words of the source.
        emitted: words of the page's Markdown.
        removed: words taken out on purpose, by reason: ``furniture`` (running heads, page
            numbers), ``figure`` (text inside a picture kept as an image), ``overlay`` (a
            word drawn twice on the same spot, e.g. fake bold), ``line-number`` (a code
            listing's line numbers).
        lost: source words neither in the output nor removed (a bug).
        duplicated: source words in the output more often than in the source (a bug).
        added: output words not in the source at all (e.g. OCR of a figure).
        lost_words / duplicated_words: up to 20 of each, normalised, for finding the cause.
    """

    source: LedgerSource
    words_in: int = 0
    emitted: int = 0
    removed: dict[str, int] = Field(default_factory=dict)
    lost: int = 0
    duplicated: int = 0
    added: int = 0
    lost_words: tuple[str, ...] = ()
    duplicated_words: tuple[str, ...] = ()


class LedgerTotals(_Frozen):
    """The word ledgers of a document's pages added up (``Result.ledger``)."""

    pages: int = 0
    words_in: int = 0
    emitted: int = 0
    removed: int = 0
    lost: int = 0
    duplicated: int = 0

    @property
    def lost_rate(self) -> float:
        """Lost words as a share of source words (0.0 where there are none)."""
        return self.lost / self.words_in if self.words_in else 0.0

    @property
    def duplicated_rate(self) -> float:
        """Duplicated words as a share of source words (0.0 where there are none)."""
        return self.duplicated / self.words_in if self.words_in else 0.0


class Page(_Frozen):
    """One page of the output, its blocks in reading order.

    ``width_pt``/``height_pt`` are the page's size after its rotation is applied. ``removed``
    holds text the document stage took out of the body; ``ledger`` accounts for every word.
    """

    page_index: int
    width_pt: float
    height_pt: float
    blocks: tuple[Block, ...] = ()
    method: PageMethod = "text-layer"
    triage: PageTriage | None = None
    language: str | None = None
    removed: tuple[RemovedText, ...] = ()
    ledger: WordLedger | None = None


class Document(_Frozen):
    """A converted document with its provenance."""

    source_path: str
    source_sha256: str
    page_count: int
    profile_name: str
    profile_hash: str
    pdf2md_version: str
    schema_version: int = SCHEMA_VERSION
    title: str | None = None
    pages: tuple[Page, ...] = ()


Stage = Literal[
    "source", "triage", "layout", "order", "route", "recognise", "document", "render", "timeout"
]


class ErrorItem(_Frozen):
    """One recorded failure: where it happened and what was said."""

    stage: Stage
    message: str
    backend: str | None = None
    page_index: int | None = None
    region_id: str | None = None


Status = Literal["ok", "partial", "failed"]


class Result(_Frozen):
    """What :func:`pdf2md.convert` returns.

    ``status`` is ``ok`` with no errors, ``partial`` where some page or region failed but a
    document came out, ``failed`` where no document came out (then ``document`` is ``None``).
    ``timings`` maps a stage name to seconds spent in it; ``stats`` holds counters backends
    report, e.g. ``ocr_pages``, ``ocr_pages_skipped`` and ``ocr_skipped_share`` (the share of
    page area the OCR gate found empty and did not OCR). ``ledger`` adds up the pages' word
    ledgers (``lost`` and ``duplicated`` should be 0).
    """

    status: Status
    document: Document | None
    markdown: str = ""
    errors: tuple[ErrorItem, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict)
    stats: dict[str, float] = Field(default_factory=dict)
    ledger: LedgerTotals | None = None
