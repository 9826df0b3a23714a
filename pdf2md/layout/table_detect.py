"""Find tables on a page from the text layer alone, for layouts without a model.

Two cheap cues, from what :class:`~pdf2md.source.PageView` already holds (cached drawings and
text lines), no rendering and no model:

- **Ruled tables**: horizontal and vertical rules (or stroked cell rectangles) that touch one
  another form a grid; stacks of full-width horizontal rules with multi-column text between
  them form a "booktabs" table (top, middle and bottom rules, no vertical rules).
- **Un-ruled tables**: at least three consecutive rows of text made of several separate
  pieces whose left edges, right edges or centres line up from row to row.

A two-column page of prose is not a table: rows whose pieces are all wide are not counted.
All boxes are in PDF points, top-left origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pdf2md.model import BBox
from pdf2md.source import PageView

_TOUCH_PT = 3.0  # rules closer than this touch
_MIN_ROWS = 3  # text rows an un-ruled table needs
_ALIGN_PT = 3.0  # edges this close line up


@dataclass(frozen=True)
class _Piece:
    """A run of text on one line, separated from its neighbours by a wide gap."""

    bbox: BBox

    @property
    def mid_y(self) -> float:
        return (self.bbox.y0 + self.bbox.y1) / 2


def find_table_boxes(page: PageView) -> list[BBox]:
    """Boxes of the tables on ``page``, top to bottom; ``[]`` where nothing looks tabular.

    Example:
        >>> find_table_boxes(page)  # doctest: +SKIP
        [BBox(x0=72.0, y0=100.0, x1=352.0, y1=180.0)]
    """
    pieces = _pieces(page)
    if not pieces:
        return []
    ruled = _ruled_boxes(page, pieces)
    aligned = [b for b in _aligned_boxes(page, pieces) if not any(b.iou(r) > 0 for r in ruled)]
    boxes = [b for b in _merge([*ruled, *aligned]) if _holds_table_text(b, pieces, page)]
    return sorted(boxes, key=lambda b: (b.y0, b.x0))


def _pieces(page: PageView) -> list[_Piece]:
    """Horizontal text lines split wherever two spans lie more than one font size apart."""
    out: list[_Piece] = []
    for line in page.lines:
        if not line.is_horizontal:
            continue
        current: list[BBox] = []
        for span in line.spans:
            if not span.text.strip():
                continue
            if current and span.bbox.x0 - current[-1].x1 > max(span.size, 4.0):
                out.append(_Piece(BBox.enclosing(current)))
                current = []
            current.append(span.bbox)
        if current:
            out.append(_Piece(BBox.enclosing(current)))
    return out


def _rows(pieces: Sequence[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped into rows by their vertical centre, top to bottom, each left to right."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.mid_y):
        if rows and abs(piece.mid_y - rows[-1][0].mid_y) <= 0.4 * piece.bbox.height:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [sorted(r, key=lambda p: p.bbox.x0) for r in rows]


def _is_tabular_row(row: Sequence[_Piece], page_width: float) -> bool:
    """Several pieces, not all of them wide (wide pieces side by side are prose columns)."""
    if len(row) < 2:
        return False
    narrow = [p for p in row if p.bbox.width < 0.3 * page_width]
    return len(narrow) >= max(1, len(row) - 1)


def _aligned(a: Sequence[_Piece], b: Sequence[_Piece]) -> int:
    """How many pieces of row ``a`` line up (left, right or centre) with a piece of ``b``."""
    hits = 0
    for p in a:
        for q in b:
            pb, qb = p.bbox, q.bbox
            if (
                abs(pb.x0 - qb.x0) <= _ALIGN_PT
                or abs(pb.x1 - qb.x1) <= _ALIGN_PT
                or abs(pb.center[0] - qb.center[0]) <= _ALIGN_PT
            ):
                hits += 1
                break
    return hits


def _lines_up(row: Sequence[_Piece], above: Sequence[_Piece]) -> bool:
    """Two pieces or more line up, and at least half of the shorter row's pieces do
    (justified prose lines up only at its margins)."""
    hits = _aligned(row, above)
    return hits >= 2 and hits >= 0.5 * min(len(row), len(above))


def _aligned_boxes(page: PageView, pieces: Sequence[_Piece]) -> list[BBox]:
    """Runs of at least three consecutive tabular rows whose pieces line up."""
    rows = _rows(pieces)
    out: list[BBox] = []
    run: list[list[_Piece]] = []
    for row in [*rows, []]:
        joins = (
            run
            and _is_tabular_row(row, page.width_pt)
            and row[0].bbox.y0 - max(p.bbox.y1 for p in run[-1]) < 2.5 * row[0].bbox.height
            and _lines_up(row, run[-1])
        )
        if joins:
            run.append(row)
            continue
        if len(run) >= _MIN_ROWS and not _all_prose(run):
            out.append(BBox.enclosing([p.bbox for r in run for p in r]))
        run = [row] if row and _is_tabular_row(row, page.width_pt) else []
    return out


def _all_prose(run: Sequence[Sequence[_Piece]]) -> bool:
    """Every piece a long run of words (about 20 characters or more): side-by-side prose,
    not a table, which has at least one column of short labels or numbers."""
    return all(p.bbox.width > 10 * max(p.bbox.height, 1.0) for row in run for p in row)


def _rule_boxes(page: PageView) -> list[BBox]:
    """Rules, and stroked rectangles that are cell borders, on the page."""
    return [
        d.bbox
        for d in page.drawings
        if d.is_rule or (not d.is_filled and d.bbox.width > 3.0 and d.bbox.height > 3.0)
    ]


def _groups(boxes: Sequence[BBox]) -> list[list[BBox]]:
    """Boxes joined into groups of touching boxes (union-find over padded overlaps)."""
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ordered = sorted(range(len(boxes)), key=lambda i: boxes[i].y0)
    for n, i in enumerate(ordered):
        grown = boxes[i].pad(_TOUCH_PT)
        for j in ordered[n + 1 :]:
            if boxes[j].y0 > grown.y1:
                break
            if grown.touches(boxes[j]):
                parent[find(j)] = find(i)
    groups: dict[int, list[BBox]] = {}
    for i, box in enumerate(boxes):
        groups.setdefault(find(i), []).append(box)
    return list(groups.values())


def _ruled_boxes(page: PageView, pieces: Sequence[_Piece]) -> list[BBox]:
    """Grids of touching rules, and booktabs stacks of horizontal rules, holding table text."""
    rules = _rule_boxes(page)
    if len(rules) < 2:
        return []
    out: list[BBox] = []
    for group in _groups(rules):
        box = BBox.enclosing(group)
        boxes = sum(min(b.width, b.height) > 2.0 for b in group)  # each has 2 + 2 edges
        horizontal = sum(b.width > b.height and b.height <= 2.0 for b in group) + 2 * boxes
        vertical = sum(b.height > b.width and b.width <= 2.0 for b in group) + 2 * boxes
        if horizontal >= 2 and vertical >= 2 and _holds_table_text(box, pieces, page):
            out.append(box)
    # Grids win: rules that merely separate framed tables are no booktabs table.
    out += [b for b in _booktabs(rules, pieces, page) if not any(b.intersect(o).area for o in out)]
    return out


def _booktabs(rules: Sequence[BBox], pieces: Sequence[_Piece], page: PageView) -> list[BBox]:
    """Stacks of horizontal rules of the same extent with multi-column text between them."""
    flat = sorted((b for b in rules if b.height <= 2.0 and b.width > 40.0), key=lambda b: b.y0)
    out: list[BBox] = []
    used: set[int] = set()
    for i, top in enumerate(flat):
        if i in used:
            continue
        stack = [top]
        for j in range(i + 1, len(flat)):
            other = flat[j]
            if abs(other.x0 - top.x0) > 6.0 or abs(other.x1 - top.x1) > 6.0:
                continue
            between = BBox(top.x0, stack[-1].y1, top.x1, other.y0)
            if not _is_empty(between, pieces) and not _holds_table_text(
                between, pieces, page, min_rows=1
            ):
                break  # prose between two rules: the stack ends here
            stack.append(other)
            used.add(j)
        if len(stack) < 2:
            continue
        box = BBox(top.x0, top.y0, top.x1, stack[-1].y1)
        if _holds_table_text(box, pieces, page):
            out.append(box)
    return out


def _is_empty(box: BBox, pieces: Sequence[_Piece]) -> bool:
    return not any(box.contains_point(*p.bbox.center) for p in pieces)


def _holds_table_text(
    box: BBox, pieces: Sequence[_Piece], page: PageView, *, min_rows: int = 2
) -> bool:
    """At least ``min_rows`` rows of text in ``box``, at least half of them of several pieces.

    Charts fail here: their axis labels stack up as rows of one piece each.
    """
    inside = [p for p in pieces if box.pad(1.0).contains_point(*p.bbox.center)]
    rows = _rows(inside)
    multi = sum(len(r) >= 2 for r in rows)
    return len(rows) >= min_rows and multi >= 1 and multi >= 0.5 * len(rows)


def _merge(boxes: Sequence[BBox]) -> list[BBox]:
    """Overlapping boxes joined until none overlap."""
    out = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                if out[i].intersect(out[j]).area > 0:
                    out[i] = out[i].union(out.pop(j))
                    changed = True
                    break
            if changed:
                break
    return out
