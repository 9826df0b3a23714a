"""Page furniture: running heads, page numbers and margin stamps, found with evidence.

A block is furniture only where something shows it: it is a bare page number at a page edge,
or its text (digits aside) recurs at the same edge of other pages. A region the layout model
*labelled* a page header or footer needs less: one other page, or the shape of a running head
(a journal or copyright line, or one short line of prose at the top or bottom edge);
without any it is body text the model misread (a listing line or a section heading at the top
of a page) and stays.

"At an edge" means inside the page's top or bottom margin, or a single line first (last) on the
page within its top (bottom) fifth with body text below (above) it, or wholly inside a side
margin (a stamp set sideways along the edge).

What is removed is recorded on the page (``Page.removed``, reason ``furniture``) so the word
ledger accounts for it. Used by :mod:`pdf2md.document`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pdf2md.model import Block, Page, RegionKind, RemovedText
from pdf2md.patterns import NUMBERED_HEADING_RE

Side = Literal["top", "bottom", "left", "right"]

PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:page\s+)?(?:\d+|[ivxlc]+)(?:\s*(?:/|of)\s*\d+)?\s*$", re.IGNORECASE
)
# lines that only a running head or foot carries: a journal's volume line, a copyright, a DOI
_RUNNING_HEAD_RE = re.compile(
    r"\bvol\.?\s*\d|\bno\.\s*\d|\bpp\.\s*\d|©|\bcopyright\b|\bdoi:|\bissn\b|\barxiv:\s*\d"
    r"|\bpage\s+\d+\s+of\s+\d+|\bproceedings\b|\bjournal\b|\bpreprint\b",
    re.IGNORECASE,
)
_MARGIN_RATIO = 0.1
# the running heads of a poster or a drawing are no deeper than a book's: a margin in
# proportion to a 200-inch page would take real text for a page header
MAX_MARGIN_PT = 108.0
# a block first (last) on its page within this share of the height is at the top (bottom)
# edge: the running heads of wide-margined books (LNCS) sit below a tenth of the page
_EDGE_BAND = 0.2
_SIDE_RATIO = 0.1
# two pages show "the same place" where the line's centre moves by less than this share
_SAME_PLACE = 0.05
_MAX_CHARS = 200
_CANDIDATE_KINDS = (
    RegionKind.TEXT,
    RegionKind.LIST_ITEM,
    RegionKind.FOOTNOTE,
    RegionKind.SECTION_HEADER,
    RegionKind.TITLE,
    RegionKind.PAGE_HEADER,
    RegionKind.PAGE_FOOTER,
)


def furniture_key(text: str) -> str:
    """Text compared across pages: digits as ``#``, no case, no spaces, no emphasis marks.

    Example:
        >>> furniture_key("**Federal Register** / Vol. 85, No. 152")
        'federalregister/vol.#,no.#'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\d+", "#", text)
    return re.sub(r"[\s*_`]+", "", text)


@dataclass(frozen=True)
class _Spot:
    page_index: int
    side: Side
    place: float  # the centre along the page's height (top/bottom) or width, 0..1
    labelled: bool


@dataclass(frozen=True)
class _Candidate:
    block: Block
    side: Side
    place: float
    labelled: bool  # the layout called it a page header or footer, where one can be
    edge_line: bool  # one line at the top or bottom edge of the page
    large: bool  # set well above the page's body size (a chapter number, a title)


def remove_furniture(pages: list[Page]) -> list[Page]:
    """Drop running heads, page numbers and margin stamps; keep what has no evidence."""
    candidates = [_candidates(page) for page in pages]
    seen: dict[str, list[_Spot]] = defaultdict(list)
    for page, found in zip(pages, candidates):
        for c in found:
            for piece in _pieces(c.block.content.text):
                seen[furniture_key(piece)].append(
                    _Spot(page.page_index, c.side, c.place, c.labelled)
                )
    threshold = max(3, int(0.4 * len(pages)) + 1) if len(pages) >= 3 else None
    evidence = _Evidence(seen, threshold)
    return [evidence.clean(page, found) for page, found in zip(pages, candidates)]


def _pieces(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _candidates(page: Page) -> list[_Candidate]:
    """The page's blocks that could be furniture, with the edge each sits at."""
    sizes = sorted(
        b.content.font_size_pt
        for b in page.blocks
        if b.region.kind == RegionKind.TEXT and b.content.font_size_pt
    )
    body_pt = sizes[len(sizes) // 2] if sizes else None
    out = []
    for block in page.blocks:
        short = len(block.content.text) < _MAX_CHARS
        if not block.region.kind.is_furniture and not (
            short and block.region.kind in _CANDIDATE_KINDS
        ):
            continue
        side = _side(block, page)
        edge_line = side in ("top", "bottom") and _is_one_line(block)
        if side is None and block.region.kind.is_furniture:
            side = "top" if block.region.bbox.center[1] < page.height_pt / 2 else "bottom"
        if side is not None:
            labelled = block.region.kind.is_furniture and not _misplaced(block, page)
            size = block.content.font_size_pt
            large = bool(body_pt and size and size > 1.3 * body_pt)
            place = _place(block, page, side)
            out.append(_Candidate(block, side, place, labelled, edge_line, large))
    return out


def _place(block: Block, page: Page, side: Side) -> float:
    x, y = block.region.bbox.center
    if side in ("top", "bottom"):
        return y / max(page.height_pt, 1.0)
    return x / max(page.width_pt, 1.0)


def _in_margin(block: Block, page: Page) -> bool:
    box = block.region.bbox
    margin = min(_MARGIN_RATIO * page.height_pt, MAX_MARGIN_PT)
    return box.y1 <= margin or box.y0 >= page.height_pt - margin


def _side(block: Block, page: Page) -> Side | None:
    box = block.region.bbox
    if _in_margin(block, page):
        return "top" if box.y1 <= page.height_pt / 2 else "bottom"
    if _in_side_margin(block, page):
        return "left" if box.x1 <= page.width_pt / 2 else "right"
    if not _is_one_line(block):
        return None
    others = [b.region.bbox for b in page.blocks if b is not block and not _in_side_margin(b, page)]
    above = [o for o in others if o.y1 <= box.y0 + 1]
    below = [o for o in others if o.y0 >= box.y1 - 1]
    if box.y1 <= _EDGE_BAND * page.height_pt and below and not above:
        return "top"
    if box.y0 >= (1 - _EDGE_BAND) * page.height_pt and above and not below:
        return "bottom"
    return None


def _is_one_line(block: Block) -> bool:
    size = block.content.font_size_pt or 10.0
    return block.region.bbox.height <= 1.8 * size


def _in_side_margin(block: Block, page: Page) -> bool:
    box, side = block.region.bbox, _SIDE_RATIO * page.width_pt
    return box.x1 <= side or box.x0 >= page.width_pt - side


@dataclass(frozen=True)
class _Evidence:
    seen: dict[str, list[_Spot]]
    threshold: int | None

    def clean(self, page: Page, found: Sequence[_Candidate]) -> Page:
        """The page without its furniture, the furniture recorded as removed."""
        by_block = {id(c.block): c for c in found}
        kept: list[Block] = []
        removed: list[RemovedText] = []
        for block in page.blocks:
            c = by_block.get(id(block))
            if c is None:
                kept.append(block)
                continue
            pieces = _pieces(block.content.text)
            gone = [p for p in pieces if self._is_furniture(p, c, page.page_index)]
            rid = block.region.id
            removed += [RemovedText(region_id=rid, reason="furniture", text=p) for p in gone]
            if len(gone) == len(pieces):
                continue
            rest = [p for p in pieces if p not in gone]
            kept.append(_as_body(block, "\n\n".join(rest) if gone else block.content.text))
        return page.model_copy(
            update={"blocks": tuple(kept), "removed": page.removed + tuple(removed)}
        )

    def _is_furniture(self, text: str, c: _Candidate, page_index: int) -> bool:
        labelled = c.labelled
        letters = any(ch.isalpha() for ch in text)
        if c.side in ("left", "right") and not letters:
            return False  # a listing's or a transcript's line numbers, not page numbers
        if PAGE_NUMBER_RE.match(text.strip("*_`- –")) and not c.large:
            return True
        spots = [
            s
            for s in self.seen[furniture_key(text)]
            if s.page_index != page_index
            and s.side == c.side
            and abs(s.place - c.place) <= _SAME_PLACE
        ]
        pages = len({s.page_index for s in spots})
        if labelled:
            return pages >= 1 or _running_head_shape(text, c)
        if len({s.page_index for s in spots if s.labelled}) >= 2:
            return True
        if pages >= 1 and _has_page_number(text):
            return True  # "4 Elena Mikhalkova" on page 4, "6 Elena Mikhalkova" on page 6
        return self.threshold is not None and pages + 1 >= self.threshold


def _running_head_shape(text: str, c: _Candidate) -> bool:
    """A labelled line shaped like a running head: a journal or copyright line, or one short
    line of prose at the top or bottom edge (a listing line is code, a numbered line at the
    top a section heading, neither a head)."""
    if len(text) >= 120:
        return False
    if _RUNNING_HEAD_RE.search(text):
        return True
    if c.block.region.kind == RegionKind.PAGE_HEADER and NUMBERED_HEADING_RE.match(text):
        return False  # "3 Results": a section heading the model took for a running head
    return c.edge_line and not text.startswith("```")


def _has_page_number(text: str) -> bool:
    return bool(re.match(r"^\s*\d{1,4}\s", text) or re.search(r"\s\d{1,4}\s*$", text))


def _misplaced(block: Block, page: Page) -> bool:
    """A "page footer" wholly in the top half of the page, or a "page header" wholly in the
    bottom half: body text the layout misread (seen on huge pages, read scaled down)."""
    box, half, kind = block.region.bbox, page.height_pt / 2, block.region.kind
    return (kind == RegionKind.PAGE_FOOTER and box.y1 < half) or (
        kind == RegionKind.PAGE_HEADER and box.y0 > half
    )


def _as_body(block: Block, text: str) -> Block:
    """A block kept in the body: a "page header" or "footer" without evidence is body text
    (a numbered section heading, where it reads as one), never furniture."""
    update: dict[str, object] = {}
    if text != block.content.text:
        update["content"] = block.content.model_copy(update={"text": text})
    if block.region.kind.is_furniture:
        heading = block.region.kind == RegionKind.PAGE_HEADER and "\n" not in text.strip()
        kind = (
            RegionKind.SECTION_HEADER
            if heading and NUMBERED_HEADING_RE.match(text.strip())
            else RegionKind.TEXT
        )
        update["region"] = block.region.model_copy(update={"kind": kind})
    return block.model_copy(update=update) if update else block
