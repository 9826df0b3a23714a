"""Cross-page work on a converted document.

- furniture: running heads, page numbers and repeated margin lines leave the body;
- headings: levels from the PDF outline, else section numbering, else font-size ranks;
- paragraphs continued across columns and pages are joined (and their hyphen undone);
- lists: nesting from indentation;
- figures take their caption as alt text.

Every function takes model objects and returns new ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from pdf2md.furniture import remove_furniture
from pdf2md.model import Block, Document, Page, RegionKind
from pdf2md.profile import DocumentSettings

_NUMBERED_RE = re.compile(r"^\s*((?:\d+|[A-Z])(?:\.\d+)*)\.?\s+\S")
# "IV. RESULTS": a Roman numeral and a dot. One letter is Roman only where it is I, V or X
# ("C. Results" is the third lettered subsection, not section 100)
_ROMAN_RE = re.compile(r"^\s*(?:[IVXLC]{2,}|[IVX])\.\s+\S")
_LETTER_RE = re.compile(r"^\s*[A-Z]\.\s+\S")
_TERMINAL = (".", "!", "?", ":", ";", '"', "”", "’", ")", "]")


def assemble_document(
    doc: Document, *, outline: Sequence[tuple[int, str, int]], settings: DocumentSettings
) -> Document:
    """Apply every cross-page step allowed by ``settings``; returns a new Document."""
    pages = list(doc.pages)
    if settings.remove_furniture:
        pages = remove_furniture(pages)
    pages = [merge_split_headings(p) for p in pages]
    pages = assign_heading_levels(pages, outline, settings.heading_source)
    pages = join_continued_paragraphs(pages)
    pages = join_continued_listings(pages)
    pages = [nest_lists(p) for p in pages]
    pages = [caption_figures(p) for p in pages]
    return doc.model_copy(update={"pages": tuple(pages)})


def _norm_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\d+", "#", text)
    return re.sub(r"[\s*_`]+", " ", text).strip()


def merge_split_headings(page: Page) -> Page:
    """One heading set on consecutive lines, or cut into a number and a title on one line,
    becomes one heading block: neighbouring headings of one font size that touch are joined."""
    out: list[Block] = []
    for block in page.blocks:
        if out and _continues_heading(out[-1], block):
            prev = out[-1]
            region = prev.region.model_copy(
                update={
                    "bbox": prev.region.bbox.union(block.region.bbox),
                    "kind": min(prev.region.kind, block.region.kind, key=_heading_rank),
                }
            )
            text = f"{prev.content.text.rstrip()} {block.content.text.lstrip()}"
            out[-1] = _with_text(prev, text).model_copy(update={"region": region})
        else:
            out.append(block)
    if len(out) == len(page.blocks):
        return page
    return page.model_copy(update={"blocks": tuple(out)})


def _heading_rank(kind: RegionKind) -> int:
    return 0 if kind == RegionKind.TITLE else 1


def _continues_heading(prev: Block, block: Block) -> bool:
    if not (prev.region.kind.is_heading and block.region.kind.is_heading):
        return False
    size_a, size_b = prev.content.font_size_pt, block.content.font_size_pt
    if not size_a or not size_b or abs(size_a - size_b) > 0.05 * size_a:
        return False
    text = block.content.text
    if _numbering_depth(text) is not None or _ROMAN_RE.match(text):
        return False  # the next numbered heading, not the rest of this one
    if len(prev.content.text) + len(text) > 200:
        return False
    a, b = prev.region.bbox, block.region.bbox
    same_line = abs(a.y0 - b.y0) < 0.5 * size_a and 0 <= b.x0 - a.x1 < 3 * size_a
    next_line = 0 <= b.y0 - a.y1 < 0.8 * size_a and a.x0 < b.x1 and b.x0 < a.x1
    return same_line or next_line


def _outline_levels(outline: Sequence[tuple[int, str, int]]) -> dict[str, int]:
    """Heading text -> Markdown level. An outline whose only top entry is its first (the
    document's title) maps level 1 to ``#``; otherwise top entries are sections (``##``)."""
    if not outline:
        return {}
    top = min(level for level, _t, _p in outline)
    tops = [i for i, (level, _t, _p) in enumerate(outline) if level == top]
    offset = 1 - top if tops == [0] and len(outline) > 1 else 2 - top
    return {_norm_key(title): level + offset for level, title, _page in outline if title.strip()}


def _numbering_depth(text: str, *, roman_sections: bool = False) -> int | None:
    """Depth of a heading's section number: ``2`` 1, ``2.1`` 2, ``IV.`` 1; ``B.`` 2 where
    the document numbers its sections in Roman numerals (IEEE style), else not a number."""
    if _ROMAN_RE.match(text):
        return 1
    if roman_sections and _LETTER_RE.match(text):
        return 2
    match = _NUMBERED_RE.match(text)
    if not match:
        return None
    label = match.group(1)
    if len(label) == 1 and label.isalpha() and not text.lower().startswith("appendix"):
        return None  # "A Study of ..." is a title, not "A."
    return label.count(".") + 1


def assign_heading_levels(
    pages: list[Page], outline: Sequence[tuple[int, str, int]], source: str
) -> list[Page]:
    """Set ``region.level`` on every title and section header (1 = document title)."""
    headings = [b for p in pages for b in p.blocks if b.region.kind.is_heading]
    if not headings:
        return pages
    levels = _decide_levels(headings, outline, source)
    out: list[Page] = []
    for page in pages:
        blocks = tuple(
            b.model_copy(
                update={"region": b.region.model_copy(update={"level": levels[b.region.id]})}
            )
            if b.region.id in levels
            else b
            for b in page.blocks
        )
        out.append(page.model_copy(update={"blocks": blocks}))
    return out


def _decide_levels(
    headings: list[Block], outline: Sequence[tuple[int, str, int]], source: str
) -> dict[str, int]:
    from_outline = _outline_levels(outline) if source in ("auto", "outline") else {}
    levels: dict[str, int] = {}
    title_seen = False
    promoted = _promoted_title(headings)
    if promoted is not None:
        levels[promoted] = 1
        title_seen = True
    size_votes: dict[float, Counter[int]] = {}
    undecided: list[Block] = []
    roman = sum(1 for b in headings if _ROMAN_RE.match(b.content.text)) >= 2
    for b in headings:
        text = b.content.text
        key = _norm_key(text)
        if b.region.id == promoted:
            continue
        if b.region.kind == RegionKind.TITLE and not title_seen and b.region.page_index <= 1:
            levels[b.region.id] = 1
            title_seen = True
            continue
        level: int | None = None
        if key in from_outline:
            level = from_outline[key]
        elif source in ("auto", "numbering"):
            depth = _numbering_depth(text, roman_sections=roman)
            level = depth + 1 if depth is not None else None
        if level is not None:
            levels[b.region.id] = min(level, 6)
            if b.content.font_size_pt:
                size_votes.setdefault(round(b.content.font_size_pt), Counter())[level] += 1
        else:
            undecided.append(b)
    levels.update(_levels_by_size(undecided, size_votes))
    return levels


def _promoted_title(headings: list[Block]) -> str | None:
    """Where the layout found no title: the first page's biggest heading, if it is the biggest."""
    if any(b.region.kind == RegionKind.TITLE for b in headings):
        return None
    first = [b for b in headings if b.region.page_index == 0 and b.content.font_size_pt]
    if not first:
        return None
    top = max(first, key=lambda b: b.content.font_size_pt or 0)
    if _numbering_depth(top.content.text) is not None:
        return None
    size = top.content.font_size_pt or 0
    others = [b.content.font_size_pt or 0 for b in headings if b is not top]
    if others and size < 1.15 * max(others):
        return None
    return top.region.id


def _levels_by_size(blocks: list[Block], votes: dict[float, Counter[int]]) -> dict[str, int]:
    """Levels from font size. Sizes seen on numbered headings vote for their level; the other
    sizes rank around them: clearly smaller than the next larger size, one level deeper;
    larger than every voted size, one level above the largest (never above ``##``)."""
    anchors = {size: counter.most_common(1)[0][0] for size, counter in votes.items()}
    sizes = sorted({round(b.content.font_size_pt or 0) for b in blocks} | set(anchors))
    rank: dict[float, int] = {}
    cluster_top: float | None = None
    level = 1
    for s in reversed(sizes):
        if s in anchors:
            cluster_top, level = s, anchors[s]
        elif anchors and s > max(anchors):
            top = max(anchors)
            level = max(2, anchors[top] - (1 if top < 0.9 * s else 0))
        elif cluster_top is None or s < 0.9 * cluster_top:
            cluster_top, level = s, min(level + 1, 6 if anchors else 4)
        rank[s] = level
    return {b.region.id: rank.get(round(b.content.font_size_pt or 0), 2) for b in blocks}


def join_continued_paragraphs(pages: list[Page]) -> list[Page]:
    """Mark a text block that continues the previous one across a column or page break."""
    previous: Block | None = None
    previous_loc: tuple[int, int] | None = None
    rewritten: dict[str, Block] = {}
    for pi, page in enumerate(pages):
        if page.method == "failed":
            previous = None  # what the lost page held stands between the two paragraphs
        for bi, block in enumerate(page.blocks):
            if block.region.kind != RegionKind.TEXT:
                if block.region.kind not in (
                    RegionKind.FIGURE,
                    RegionKind.CAPTION,
                    RegionKind.TABLE,
                ):
                    previous = None
                continue
            if previous is not None and _continues(previous, block, previous_loc, (pi, bi)):
                joined = _join_kind(previous.content.text)
                if joined == "direct":
                    base = rewritten.get(previous.region.id, previous)
                    rewritten[previous.region.id] = _with_text(
                        base, base.content.text.rstrip()[:-1]
                    )
                rewritten[block.region.id] = block.model_copy(update={"joins": joined})
            previous, previous_loc = block, (pi, bi)
    return [_apply(page, rewritten) for page in pages]


def _continues(
    prev: Block, block: Block, prev_loc: tuple[int, int] | None, loc: tuple[int, int]
) -> bool:
    text_prev = prev.content.text.rstrip()
    text_next = block.content.text.lstrip()
    if not text_prev or not text_next or "\n\n" in text_next[:1]:
        return False
    if text_prev.endswith(_TERMINAL) or not text_next[0].islower():
        return False
    new_page = prev_loc is not None and prev_loc[0] != loc[0]
    a, b = prev.region.bbox, block.region.bbox
    new_column = b.y0 < a.y0
    size = block.content.font_size_pt or 10.0
    split_here = not new_page and abs(a.x0 - b.x0) < 3 and -0.3 * size <= b.y0 - a.y1 < 0.8 * size
    return new_page or new_column or split_here


_FENCED_RE = re.compile(r"\A```\n(?:(?!```).*\n)*?```\Z|\A```\n```\Z")


def _is_listing(block: Block) -> bool:
    """A block that is one fenced code block and nothing else."""
    return _FENCED_RE.match(block.content.text.strip("\n")) is not None


def join_continued_listings(pages: list[Page]) -> list[Page]:
    """A listing split over a page break is one fenced block: where the last block of a page
    and the first of the next (furniture already gone) are both fenced code, the second joins
    the first by a line, and the renderer writes one fence round both."""
    rewritten: dict[str, Block] = {}
    for before, after in zip(pages, pages[1:]):
        if not before.blocks or not after.blocks or "failed" in (before.method, after.method):
            continue
        last, first = before.blocks[-1], after.blocks[0]
        if _is_listing(last) and _is_listing(first):
            rewritten[first.region.id] = first.model_copy(update={"joins": "line"})
    return [_apply(page, rewritten) for page in pages]


def _join_kind(text: str) -> str:
    t = text.rstrip()
    return "direct" if len(t) > 2 and t.endswith("-") and t[-2].isalpha() else "space"


def _with_text(block: Block, text: str) -> Block:
    return block.model_copy(update={"content": block.content.model_copy(update={"text": text})})


def _apply(page: Page, rewritten: dict[str, Block]) -> Page:
    if not any(b.region.id in rewritten for b in page.blocks):
        return page
    blocks = tuple(rewritten.get(b.region.id, b) for b in page.blocks)
    return page.model_copy(update={"blocks": blocks})


def nest_lists(page: Page) -> Page:
    """Indent list items by their x offset within each run of consecutive list items."""
    blocks = list(page.blocks)
    i = 0
    while i < len(blocks):
        if blocks[i].region.kind != RegionKind.LIST_ITEM:
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].region.kind == RegionKind.LIST_ITEM:
            j += 1
        _nest_run(blocks, i, j)
        i = j
    return page.model_copy(update={"blocks": tuple(blocks)})


def _nest_run(blocks: list[Block], start: int, end: int) -> None:
    stack: list[tuple[float, int]] = []  # (x0, indent in spaces of the item's content)
    for k in range(start, end):
        block = blocks[k]
        x0 = block.region.bbox.x0
        while stack and x0 <= stack[-1][0] + 6:
            stack.pop()
        indent = stack[-1][1] if stack else 0
        marker = block.content.text.split(" ", 1)[0]
        if indent:
            text = "\n".join(" " * indent + line for line in block.content.text.split("\n"))
            blocks[k] = _with_text(block, text)
        stack.append((x0, indent + len(marker) + 1))
        if len(stack) > 1 and stack[-2][0] >= x0 - 6:
            stack.pop(-2)


def caption_figures(page: Page) -> Page:
    """Give each figure the text of its neighbouring caption as alt text."""
    blocks = list(page.blocks)
    for i, block in enumerate(blocks):
        if block.region.kind != RegionKind.FIGURE or not block.content.asset:
            continue
        caption = _neighbour_caption(blocks, i)
        if caption:
            alt = re.sub(r"[\[\]\n*_`]", " ", caption)
            alt = re.sub(r"\s+", " ", alt).strip()[:120]
            blocks[i] = _with_text(block, f"![{alt}]({block.content.asset})")
    return page.model_copy(update={"blocks": tuple(blocks)})


def _neighbour_caption(blocks: list[Block], i: int) -> str | None:
    for j in (i + 1, i - 1):
        if 0 <= j < len(blocks) and blocks[j].region.kind == RegionKind.CAPTION:
            return blocks[j].content.text
    return None
