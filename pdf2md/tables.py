"""A typed table model and its Markdown writers: pure functions, no PDF access.

A :class:`TableGrid` is a rectangle of ``n_rows`` x ``n_cols`` slots covered by
:class:`TableCell` objects; a cell starts at ``(row, col)`` and covers ``row_span`` rows and
``col_span`` columns. Slots no cell covers read as empty.

Writers:

- :func:`to_gfm`: a GitHub-flavoured Markdown pipe table, row 0 as the header row (GFM needs
  one, so row 0 is used even where the table has no obvious header).
- :func:`to_html`: an HTML ``<table>`` with ``<th>`` header cells and ``rowspan``/``colspan``.
- :func:`to_markdown`: GFM where no cell spans, else HTML (GFM cannot express spans).

Example:
    >>> grid = grid_from_rows([["a", "b"], ["1", "2"]])
    >>> print(to_markdown(grid))
    | a | b |
    | --- | --- |
    | 1 | 2 |
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pdf2md.model import BBox

_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_NUMERIC = re.compile(r"^[\s\d.,%+\-–−()$€£/:]*\d[\s\d.,%+\-–−()$€£/:]*$")


@dataclass(frozen=True)
class TableCell:
    """One cell: its top-left slot, its spans and its text (plain, normalised).

    Attributes:
        row: 0-based row of the top-left slot.
        col: 0-based column of the top-left slot.
        text: the cell's text, already normalised (see :func:`normalise_cell_text`).
        row_span: rows covered (>= 1).
        col_span: columns covered (>= 1).
    """

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1

    @property
    def is_spanning(self) -> bool:
        """True where the cell covers more than one slot."""
        return self.row_span > 1 or self.col_span > 1


@dataclass(frozen=True)
class TableGrid:
    """A table as cells on a grid. ``header_rows`` rows at the top are header rows.

    Invariant (checked by :func:`build_grid`): cells lie inside the grid and never overlap.
    """

    n_rows: int
    n_cols: int
    cells: tuple[TableCell, ...]
    header_rows: int = 1

    @property
    def has_spans(self) -> bool:
        """True where any cell spans rows or columns."""
        return any(c.is_spanning for c in self.cells)

    def slots(self) -> list[list[TableCell | None]]:
        """The grid as rows of slots; each slot holds the cell covering it, or ``None``."""
        out: list[list[TableCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    out[r][c] = cell
        return out

    def texts(self) -> list[list[str]]:
        """Rows of cell texts, a spanning cell's text repeated in every slot it covers."""
        return [[c.text if c else "" for c in row] for row in self.slots()]


def normalise_cell_text(text: str) -> str:
    """Plain cell text: runs of spaces collapsed, lines stripped, blank lines dropped.

    Line breaks are kept (as ``\\n``); the writers turn them into ``<br>``. A recogniser
    that wants lines joined by spaces joins them before calling this.

    Example:
        >>> normalise_cell_text("  10\\u00a0000 \\n\\n kg ")
        '10 000\\nkg'
    """
    lines = (_WS.sub(" ", ln).strip() for ln in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(ln for ln in lines if ln)


def is_numeric(text: str) -> bool:
    """True for cells that hold a number (digits with separators, signs, units like %)."""
    return bool(text) and bool(_NUMERIC.match(text))


def build_grid(cells: Sequence[TableCell], *, header_rows: int | None = None) -> TableGrid:
    """A grid from cells, sized to hold them all; header rows detected unless given.

    Raises:
        ValueError: a cell with a bad position or span, or two cells that overlap.
    """
    n_rows = max((c.row + c.row_span for c in cells), default=0)
    n_cols = max((c.col + c.col_span for c in cells), default=0)
    taken: set[tuple[int, int]] = set()
    for cell in cells:
        if cell.row < 0 or cell.col < 0 or cell.row_span < 1 or cell.col_span < 1:
            raise ValueError(f"bad cell geometry: {cell}")
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                if (r, c) in taken:
                    raise ValueError(f"cells overlap at row {r}, column {c}")
                taken.add((r, c))
    ordered = tuple(sorted(cells, key=lambda c: (c.row, c.col)))
    grid = TableGrid(n_rows, n_cols, ordered, 1)
    return replace(grid, header_rows=header_rows or detect_header_rows(grid))


def grid_from_rows(rows: Sequence[Sequence[str]]) -> TableGrid:
    """A grid without spans from rows of texts (short rows are padded with empty cells)."""
    cells = [
        TableCell(r, c, normalise_cell_text(text))
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    ]
    return build_grid(cells)


def detect_header_rows(grid: TableGrid) -> int:
    """How many rows at the top form the header (at least 1 where the grid has rows).

    Row 0 is always a header row. The header grows downwards while a header cell spans into
    the next row, or while the last header row has a cell spanning columns (a group heading)
    and the next row holds no numbers (its sub-headings).
    """
    if grid.n_rows == 0:
        return 0
    slots = grid.slots()
    h = 1
    while h < grid.n_rows - 1:
        spans_down = any(c.row < h < c.row + c.row_span for c in grid.cells)
        grouped = any(c is not None and c.col_span > 1 and c.row == h - 1 for c in slots[h - 1])
        no_numbers = not any(c is not None and is_numeric(c.text) for c in slots[h])
        if spans_down or (grouped and no_numbers):
            h += 1
        else:
            break
    return h


def _column_removable(slots: list[list[TableCell | None]], col: int) -> bool:
    for row in slots:
        cell = row[col]
        if cell is not None and cell.text and cell.col_span == 1:
            return False
    return True


def _row_removable(slots: list[list[TableCell | None]], r: int) -> bool:
    return all(cell is None or not cell.text or cell.row_span > 1 for cell in slots[r])


def _shrink(grid: TableGrid, *, row: int | None = None, col: int | None = None) -> TableGrid:
    """The grid with one row or one column removed; spanning cells lose one slot."""
    out: list[TableCell] = []
    for cell in grid.cells:
        r, c, rs, cs = cell.row, cell.col, cell.row_span, cell.col_span
        if row is not None and r <= row < r + rs:
            rs -= 1
        elif row is not None and r > row:
            r -= 1
        if col is not None and c <= col < c + cs:
            cs -= 1
        elif col is not None and c > col:
            c -= 1
        if rs > 0 and cs > 0:
            out.append(TableCell(r, c, cell.text, rs, cs))
    n_rows = grid.n_rows - (row is not None)
    n_cols = grid.n_cols - (col is not None)
    return TableGrid(n_rows, n_cols, tuple(out), grid.header_rows)


def drop_empty(grid: TableGrid) -> TableGrid:
    """The grid without rows and columns that hold no text of their own.

    A row (column) goes when every cell in it is empty or also spans another row (column);
    spanning cells then shrink by one. Header rows are re-detected.
    """
    changed = True
    while changed and grid.n_rows and grid.n_cols:
        changed = False
        slots = grid.slots()
        for col in range(grid.n_cols - 1, -1, -1):
            if _column_removable(slots, col):
                grid, changed = _shrink(grid, col=col), True
                break
        if changed:
            continue
        for r in range(grid.n_rows - 1, -1, -1):
            if _row_removable(slots, r):
                grid, changed = _shrink(grid, row=r), True
                break
    if not grid.n_rows or not grid.n_cols:
        return TableGrid(0, 0, (), 0)
    return build_grid(grid.cells)


Segment = tuple[float, float, float]
"""A ruling line: its position across (y for horizontal, x for vertical), then its start and
end along it, in points."""


def cluster_positions(values: Sequence[float], tolerance: float) -> list[float]:
    """Sorted values with near-equal ones (within ``tolerance``) merged to their mean.

    Example:
        >>> cluster_positions([10.0, 50.0, 11.0], 2.0)
        [10.5, 50.0]
    """
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _covered(segs: Sequence[Segment], at: float, lo: float, hi: float) -> bool:
    """True where rules at ``at`` (within 2 pt) cover at least half of ``lo..hi``."""
    total = sum(max(0.0, min(hi, b) - max(lo, a)) for p, a, b in segs if abs(p - at) <= 2.0)
    return total >= 0.5 * (hi - lo)


def close_frame(
    horizontal: Sequence[Segment], vertical: Sequence[Segment]
) -> tuple[list[Segment], list[Segment]]:
    """Rules with the open sides of a table closed.

    Many tables draw rules between rows and between columns but leave the outer sides open
    (no rule left of the first column or right of the last). Where the horizontal rules run
    beyond the outermost vertical rule, a vertical rule is added at their common end, from
    the first to the last horizontal rule that reaches it; likewise a horizontal rule where
    the vertical rules run beyond the outermost horizontal one. Without rules of both
    directions nothing is added.
    """
    hs, vs = list(horizontal), list(vertical)
    if not hs or not vs:
        return hs, vs
    left, right = min(h[1] for h in hs), max(h[2] for h in hs)
    top, bottom = min(v[1] for v in vs), max(v[2] for v in vs)
    added_v = _closing_rules(vs, hs, left, right)
    added_h = _closing_rules(hs, vs, top, bottom)
    return hs + added_h, vs + added_v


def _closing_rules(
    across: Sequence[Segment], along: Sequence[Segment], low: float, high: float
) -> list[Segment]:
    """Rules at ``low`` and ``high`` (the ends of the ``along`` rules) where no ``across``
    rule stands there, spanning the ``along`` rules that reach that end."""
    added: list[Segment] = []
    for edge, at_low in ((low, True), (high, False)):
        if any(abs(r[0] - edge) <= 2.0 for r in across):
            continue
        ends = [r[0] for r in along if (r[1] <= low + 2.0 if at_low else r[2] >= high - 2.0)]
        if len(ends) >= 2:
            added.append((edge, min(ends), max(ends)))
    return added


def ruled_slots(
    horizontal: Sequence[Segment], vertical: Sequence[Segment]
) -> list[tuple[int, int, int, int, BBox]]:
    """Cells ``(row, col, row_span, col_span, bbox)`` from ruling lines.

    Slots lie between neighbouring rule positions; slots that no rule separates are joined
    into one spanning cell. Empty where the rules do not frame at least 2 x 2 slots, or
    where joined slots do not form rectangles (the rules are not a table grid).
    """
    ys = cluster_positions([s[0] for s in horizontal], 2.0)
    xs = cluster_positions([s[0] for s in vertical], 2.0)
    if len(xs) < 3 or len(ys) < 3:
        return []
    n_r, n_c = len(ys) - 1, len(xs) - 1
    parent = list(range(n_r * n_c))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not _covered(vertical, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * n_c + c + 1)] = find(r * n_c + c)
            if r + 1 < n_r and not _covered(horizontal, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1) * n_c + c)] = find(r * n_c + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(n_r * n_c):
        groups.setdefault(find(i), []).append(divmod(i, n_c))
    out: list[tuple[int, int, int, int, BBox]] = []
    for slots in groups.values():
        r0, r1 = min(s[0] for s in slots), max(s[0] for s in slots)
        c0, c1 = min(s[1] for s in slots), max(s[1] for s in slots)
        if len(slots) != (r1 - r0 + 1) * (c1 - c0 + 1):
            return []  # not a rectangle: the rules do not form a table grid
        box = BBox(xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])
        out.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    return out


def _gfm_cell(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    return escaped.replace("\n", "<br>")


def to_gfm(grid: TableGrid) -> str:
    """A GFM pipe table: row 0 is the header row; spanning cells repeat their text.

    Returns an empty string for an empty grid.
    """
    if grid.n_rows == 0 or grid.n_cols == 0:
        return ""
    rows = [[_gfm_cell(t) for t in row] for row in grid.texts()]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * grid.n_cols]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _html_cell(cell: TableCell, tag: str) -> str:
    attrs = ""
    if cell.row_span > 1:
        attrs += f' rowspan="{cell.row_span}"'
    if cell.col_span > 1:
        attrs += f' colspan="{cell.col_span}"'
    body = "<br>".join(html.escape(ln, quote=False) for ln in cell.text.split("\n"))
    return f"<{tag}{attrs}>{body}</{tag}>"


def to_html(grid: TableGrid) -> str:
    """An HTML table, one ``<tr>`` per line; header rows use ``<th>`` inside ``<thead>``.

    Slots no cell covers are written as empty ``<td>`` so every row has ``n_cols`` slots.
    Returns an empty string for an empty grid.
    """
    if grid.n_rows == 0 or grid.n_cols == 0:
        return ""
    slots = grid.slots()
    lines = ["<table>"]
    for r in range(grid.n_rows):
        tag = "th" if r < grid.header_rows else "td"
        if r == 0 and grid.header_rows:
            lines.append("<thead>")
        if r == grid.header_rows:
            lines.append("<tbody>")
        parts = []
        for c in range(grid.n_cols):
            cell = slots[r][c]
            if cell is None:
                parts.append(f"<{tag}></{tag}>")
            elif cell.row == r and cell.col == c:
                parts.append(_html_cell(cell, tag))
        lines.append("<tr>" + "".join(parts) + "</tr>")
        if r == grid.header_rows - 1:
            lines.append("</thead>")
    if grid.header_rows < grid.n_rows:
        lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def to_markdown(grid: TableGrid) -> str:
    """GFM where no cell spans rows or columns, else an HTML table."""
    return to_html(grid) if grid.has_spans else to_gfm(grid)
