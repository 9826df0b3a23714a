"""Layout from the text layer alone (``text-heuristic``): no model, a few milliseconds a page.

Regions come from PyMuPDF's text blocks, split where the font changes or a list item starts,
then labelled from cheap evidence: font size against the page's body size, boldness, position
in the page margins, bullets and enumerators, monospace and math fonts, caption prefixes.
Figures come from placed images and drawings; tables from :mod:`pdf2md.layout.table_detect`.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from pdf2md.backend import BackendContext, parse_options
from pdf2md.layout.coverage import is_backdrop
from pdf2md.layout.refine import equation_not_text
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.patterns import BULLET_RE, CAPTION_RE, MATH_FONT_RE, NUMBERED_HEADING_RE
from pdf2md.source import PageView, TextLine
from pdf2md.textlines import attach_bullets, text_x0, visual_rows

_MAX_MARGIN_PT = 72.0


class HeuristicLayoutOptions(BaseModel):
    """Options of ``text-heuristic``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    margin_ratio: float = 0.07
    min_figure_ratio: float = 0.01
    detect_tables: bool = True


def _math_share(lines: Sequence[TextLine]) -> float:
    total = math = 0
    for line in lines:
        for span in line.spans:
            n = len(span.text.strip())
            total += n
            if MATH_FONT_RE.search(span.font):
                math += n
    return math / total if total else 0.0


def _looks_emphasised(group: Sequence[TextLine], body_pt: float) -> bool:
    """Bold, larger than the body, or in capitals (small caps included)."""
    spans = [s for ln in group for s in ln.spans if s.text.strip()]
    letters = [c for s in spans for c in s.text if c.isalpha()]
    return (
        all(s.is_bold for s in spans)
        or max(s.size for s in spans) >= 1.1 * body_pt
        or (bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters))
    )


def _all_bold(line: TextLine) -> bool:
    return all(s.is_bold for s in line.spans if s.text.strip())


def _starts_new_group(prev: TextLine, line: TextLine) -> bool:
    """A new item, a size change, or text after an all-bold line (a run-in heading)."""
    if BULLET_RE.match(line.text):
        return True
    if round(prev.size) != round(line.size):
        return True
    return _all_bold(prev) and not _all_bold(line) and len(prev.text.strip()) < 80


def _split_block(lines: list[TextLine]) -> list[list[TextLine]]:
    """Split a text block where the style changes or where a bullet starts a new item."""
    groups: list[list[TextLine]] = []
    rows = visual_rows(attach_bullets(lines))
    for row in rows:
        line = row[0]
        if groups and not _starts_new_group(groups[-1][-1], line):
            groups[-1].extend(row)
        else:
            groups.append(list(row))
    return groups


def _continues_paragraph(prev: list[TextLine], group: list[TextLine]) -> bool:
    """True where ``group`` (another text block) holds the next lines of ``prev``'s paragraph.

    Some PDFs set every line as a block of its own. A line continues the paragraph above it
    when it follows at the paragraph's line pitch, in the same size and weight, starts at the
    paragraph's left edge (the first line may be indented), and the line above runs to the
    right edge (a short line ends a paragraph).
    """
    last, first = prev[-1], group[0]
    size = last.size
    if not size or round(first.size) != round(size) or last.block_index == first.block_index:
        return False
    if BULLET_RE.match(first.text) or _all_bold(last) != _all_bold(first):
        return False
    if not 0 < first.bbox.y0 - last.bbox.y0 <= 1.8 * size or first.bbox.y0 < last.bbox.y1 - 1:
        return False
    body = prev[1:] or prev
    left = min(text_x0(ln) for ln in body)
    if len(prev) == 1:  # a first line may be indented: the next starts left of it, or level
        if not -2 <= text_x0(last) - text_x0(first) <= 3 * size:
            return False
    elif abs(text_x0(first) - left) > 2:
        return False
    right = max(ln.bbox.x1 for ln in (*prev, *group))
    return last.bbox.x1 >= right - 1.5 * size


def _in_body_flow(page: PageView, group: list[TextLine], body_pt: float, margin: float) -> bool:
    """True where a line in the top margin is the first line of the body: set in the body
    size, and followed at the body's line pitch by a line below the margin that starts near
    it. A running head is set apart from the body by space (and often a smaller size or
    another alignment); a stack of running heads is followed by another line in the margin.
    """
    last = group[-1]
    if last.size < 0.95 * body_pt:
        return False
    below = [
        ln
        for ln in page.lines
        if ln.bbox.y0 >= last.bbox.y1 - 1
        and ln.bbox.x0 < last.bbox.x1
        and last.bbox.x0 < ln.bbox.x1
    ]
    if not below:
        return False
    nxt = min(below, key=lambda ln: ln.bbox.y0)
    return (
        nxt.bbox.y1 > margin
        and nxt.bbox.y0 - last.bbox.y0 <= 1.8 * last.size
        and abs(nxt.size - last.size) <= 0.1 * last.size
        and abs(nxt.bbox.x0 - group[0].bbox.x0) <= 3 * last.size
    )


class HeuristicLayout:
    """Layout backend ``text-heuristic``."""

    name = "text-heuristic"

    def __init__(self, context: BackendContext) -> None:
        self.options = parse_options(context, self.name, HeuristicLayoutOptions)

    def load(self) -> None:
        """Nothing to load."""

    def detect(self, pages: Sequence[PageView]) -> list[list[Region]]:
        """Regions for each page (order not yet decided)."""
        return [self._detect_one(page) for page in pages]

    def _blocks(self, page: PageView, exclude: Sequence[BBox]) -> list[list[TextLine]]:
        by_block: dict[int, list[TextLine]] = {}
        for line in page.lines:
            if not line.is_horizontal and line.bbox.height > 3 * max(line.size, 1):
                continue  # rotated margin text (arXiv stamps); kept out of the body
            if any(box.contains_point(*line.bbox.center) for box in exclude):
                continue
            by_block.setdefault(line.block_index, []).append(line)
        groups: list[list[TextLine]] = []
        for lines in by_block.values():
            for group in _split_block(lines):
                if groups and _continues_paragraph(groups[-1], group):
                    groups[-1] = groups[-1] + group
                else:
                    groups.append(group)
        return groups

    def _figures(self, page: PageView, tables: Sequence[BBox]) -> list[BBox]:
        page_area = page.bbox.area
        boxes = [b for b in page.image_boxes if b.area >= self.options.min_figure_ratio * page_area]
        drawn = [d.bbox for d in page.drawings if not d.is_rule and d.bbox.area > 0]
        if drawn:
            cluster = _cluster(drawn)
            boxes += [b for b in cluster if b.area >= 4 * self.options.min_figure_ratio * page_area]
        return [
            b
            for b in _cluster([b for b in boxes if not is_backdrop(b, page)])
            if not is_backdrop(b, page) and not any(b.overlap_ratio(t) > 0.5 for t in tables)
        ]

    def _detect_one(self, page: PageView) -> list[Region]:
        tables = self._tables(page)
        figures = self._figures(page, tables)
        size = page.body_size_pt
        regions: list[Region] = []
        for n, box in enumerate(tables):
            regions.append(self._region(page, n, RegionKind.TABLE, box))
        for n, box in enumerate(figures, start=len(regions)):
            regions.append(self._region(page, n, RegionKind.FIGURE, box))
        for group in self._blocks(page, [*tables, *figures]):
            kind = self._classify(page, group, size)
            box = BBox.enclosing([ln.bbox for ln in group]).clip(page.bbox)
            region = self._region(page, len(regions), kind, box)
            regions.append(equation_not_text(region, page))
        return regions

    def _tables(self, page: PageView) -> list[BBox]:
        if not self.options.detect_tables:
            return []
        try:
            from pdf2md.layout.table_detect import find_table_boxes
        except ModuleNotFoundError:  # until the table detector lands
            return []
        boxes: list[BBox] = find_table_boxes(page)
        return boxes

    def _region(self, page: PageView, n: int, kind: RegionKind, box: BBox) -> Region:
        return Region(
            id=f"p{page.page_index}-h{n}",
            kind=kind,
            bbox=box,
            page_index=page.page_index,
            detector=self.name,
        )

    def _classify(self, page: PageView, group: list[TextLine], size: float) -> RegionKind:
        text = " ".join(ln.text.strip() for ln in group)
        box = BBox.enclosing([ln.bbox for ln in group])
        # capped: on a huge page (a poster, 200 inches a side) a proportional margin would
        # take the first lines of text for a running head
        margin = min(self.options.margin_ratio * page.height_pt, _MAX_MARGIN_PT)
        group_size = max(ln.size for ln in group)
        # running heads and folios are set no larger than the body; a bigger line at the top
        # of a page is a heading that happens to sit high
        if len(group) <= 2 and len(text) < 120 and group_size <= 1.05 * size:
            if box.y1 <= margin and not _in_body_flow(page, group, size, margin):
                return RegionKind.PAGE_HEADER
            if box.y0 >= page.height_pt - margin:
                return RegionKind.PAGE_FOOTER
        if CAPTION_RE.match(text):
            return RegionKind.CAPTION
        if len(group) <= 2 and NUMBERED_HEADING_RE.match(text) and _looks_emphasised(group, size):
            return RegionKind.SECTION_HEADER
        if all(s.is_mono for ln in group for s in ln.spans if s.text.strip()):
            return RegionKind.CODE
        if len(group) <= 4 and _math_share(group) > 0.4:
            return RegionKind.EQUATION
        if BULLET_RE.match(group[0].text):
            return RegionKind.LIST_ITEM
        if group_size < 0.92 * size and box.y0 > 0.6 * page.height_pt:
            return RegionKind.FOOTNOTE
        return self._heading_or_text(page, group, text, group_size, size)

    @staticmethod
    def _heading_or_text(
        page: PageView, group: list[TextLine], text: str, group_size: float, size: float
    ) -> RegionKind:
        if len(group) > 3 or len(text) > 200 or not any(c.isalpha() for c in text):
            return RegionKind.TEXT
        bold = all(s.is_bold for ln in group for s in ln.spans if s.text.strip())
        numbered = text[:1].isdigit()
        if (
            group_size >= 1.5 * size
            and page.page_index == 0
            and not numbered
            and group[0].bbox.y0 < 0.4 * page.height_pt
        ):
            return RegionKind.TITLE
        if group_size >= 1.15 * size:
            return RegionKind.SECTION_HEADER
        if bold and group_size >= 0.95 * size and not text.rstrip().endswith((".", ":", ",")):
            return RegionKind.SECTION_HEADER
        return RegionKind.TEXT


def _cluster(boxes: Sequence[BBox], gap_pt: float = 6.0) -> list[BBox]:
    """Merge boxes that touch or lie within ``gap_pt`` of each other."""
    merged = [b.pad(gap_pt / 2) for b in boxes]
    changed = True
    while changed:
        changed = False
        out: list[BBox] = []
        for box in merged:
            for i, other in enumerate(out):
                if box.intersect(other).area > 0:
                    out[i] = other.union(box)
                    changed = True
                    break
            else:
                out.append(box)
        merged = out
    return [b.pad(-gap_pt / 2) for b in merged]
