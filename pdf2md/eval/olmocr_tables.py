"""The olmOCR ``table`` test: a cell and its neighbours/headings, in any table of the page.

A test names a ``cell`` text and optionally the texts of its ``up``/``down``/``left``/``right``
neighbours and of its ``top_heading``/``left_heading``. The test passes when some table holds a
cell matching ``cell`` for which every given relation matches too.

Spans are expanded first, so the neighbour of a merged cell is any cell along that edge. Headings
are the header cells (``<th>``, ``<thead>``, a pipe table's header row) above the cell in its
column(s) / left of it in its row(s); a table with no header cells uses row 0 and column 0, which
is what a pipe table's first column amounts to as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from pdf2md.eval.benchtests import BenchTest, Verdict
from pdf2md.eval.normalize import normalize_text
from pdf2md.eval.tables import Cell, Table, table_grid

Grid = list[list[Cell | None]]
_RELATIONS = ("up", "down", "left", "right", "top_heading", "left_heading")


def cell_matches(expected: str, actual: str, max_diffs: int) -> bool:
    """rapidfuzz ``ratio`` of normalised texts >= max(0.5, 1 - max_diffs/len(expected))."""
    want, got = normalize_text(expected), normalize_text(actual)
    if want == got:
        return True
    threshold = max(0.5, 1.0 - max_diffs / max(len(want), 1))
    return float(fuzz.ratio(want, got)) / 100.0 >= threshold


def _distinct(cells: Iterable[Cell | None], exclude: Cell) -> list[Cell]:
    seen: list[Cell] = []
    for cell in cells:
        if cell is not None and cell is not exclude and all(cell is not s for s in seen):
            seen.append(cell)
    return seen


def _neighbours(grid: Grid, cell: Cell, relation: str) -> list[Cell]:
    rows, cols = len(grid), len(grid[0]) if grid else 0
    col_range = range(cell.col, cell.col + cell.colspan)
    row_range = range(cell.row, cell.row + cell.rowspan)
    if relation == "up":
        found = [grid[cell.row - 1][c] for c in col_range] if cell.row > 0 else []
    elif relation == "down":
        below = cell.row + cell.rowspan
        found = [grid[below][c] for c in col_range] if below < rows else []
    elif relation == "left":
        found = [grid[r][cell.col - 1] for r in row_range] if cell.col > 0 else []
    else:
        right = cell.col + cell.colspan
        found = [grid[r][right] for r in row_range] if right < cols else []
    return _distinct(found, cell)


def _headings(grid: Grid, cell: Cell, relation: str, has_headers: bool) -> list[Cell]:
    found: list[Cell | None] = []
    if relation == "top_heading":
        for c in range(cell.col, cell.col + cell.colspan):
            above = [grid[r][c] for r in range(cell.row - 1, -1, -1)]
            found.extend(h for h in above if h is not None and h.is_header and h.text.strip())
            if not has_headers and cell.row > 0:
                found.append(grid[0][c])
    else:
        for r in range(cell.row, cell.row + cell.rowspan):
            before = [grid[r][c] for c in range(cell.col - 1, -1, -1)]
            found.extend(h for h in before if h is not None and h.is_header and h.text.strip())
            if cell.col > 0 and not any(h is not None and h.is_header for h in before):
                found.append(grid[r][0])
    return _distinct(found, cell)


def _relations_hold(test: BenchTest, table: Table, grid: Grid, cell: Cell) -> str | None:
    """None when every relation the test gives holds for ``cell``; else the first that fails."""
    has_headers = any(c.is_header for c in table.cells)
    for relation in _RELATIONS:
        expected = getattr(test, relation)
        if expected is None:
            continue
        if relation in ("top_heading", "left_heading"):
            candidates = _headings(grid, cell, relation, has_headers)
        else:
            candidates = _neighbours(grid, cell, relation)
        if not any(cell_matches(expected, c.text, test.max_diffs) for c in candidates):
            return relation
    return None


def judge_table(test: BenchTest, tables: Sequence[Table]) -> Verdict:
    """Judge one ``table`` test against every table of a page."""
    if not tables:
        return Verdict(test.id, test.type, False, "no tables in the output")
    expected = test.cell or ""
    failed: list[str] = []
    for table in tables:
        grid = table_grid(table)
        for cell in table.cells:
            if not cell_matches(expected, cell.text, test.max_diffs):
                continue
            bad = _relations_hold(test, table, grid, cell)
            if bad is None:
                return Verdict(test.id, test.type, True)
            failed.append(bad)
    if not failed:
        return Verdict(test.id, test.type, False, f"cell {expected!r} not found in any table")
    return Verdict(test.id, test.type, False, f"cell found but '{failed[0]}' does not match")
