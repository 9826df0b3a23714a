"""Tables as the scorers see them: cells with spans, a grid view, and an HTML table reader.

Every table a scorer touches (a Markdown pipe table read by markdown-it, an HTML ``<table>`` in a
converter's output, an ICDAR ground-truth table) becomes a :class:`Table`: a list of
:class:`Cell` objects with 0-based row/column positions and spans. :func:`table_grid` expands the
spans so that every grid position points at the cell covering it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass(frozen=True)
class Cell:
    """One table cell.

    Attributes:
        row: 0-based index of the top row the cell covers.
        col: 0-based index of the left column the cell covers.
        text: the cell's text, whitespace as written.
        rowspan: number of rows covered (>= 1).
        colspan: number of columns covered (>= 1).
        is_header: True for ``<th>`` / ``<thead>`` cells and Markdown header-row cells.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    is_header: bool = False


@dataclass(frozen=True)
class Table:
    """A table: its cells, and where it came from (``"markdown"``, ``"html"`` or ``"gt"``)."""

    cells: tuple[Cell, ...]
    source: str = "markdown"

    @property
    def n_rows(self) -> int:
        """Number of grid rows (spans included)."""
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        """Number of grid columns (spans included)."""
        return max((c.col + c.colspan for c in self.cells), default=0)


def table_grid(table: Table) -> list[list[Cell | None]]:
    """Expand spans: ``grid[r][c]`` is the cell covering row r, column c, or None for a hole."""
    grid: list[list[Cell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                if grid[r][c] is None:
                    grid[r][c] = cell
    return grid


def table_rows(table: Table) -> list[list[Cell]]:
    """The cells that start in each row, left to right (the HTML/TEDS view of the table)."""
    rows: list[list[Cell]] = [[] for _ in range(table.n_rows)]
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def place_rows(rows: Sequence[Sequence[tuple[str, int, int, bool]]], source: str) -> Table:
    """Build a Table from rows of ``(text, rowspan, colspan, is_header)`` as HTML lays them out.

    A cell is put in the first column of its row that an earlier rowspan does not already cover.
    """
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan, is_header in row:
            while (r, c) in taken:
                c += 1
            cells.append(Cell(r, c, text, rowspan, colspan, is_header))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
    return Table(tuple(cells), source=source)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or "1"), 1000))
    except ValueError:
        return 1


@dataclass
class _TableBuilder:
    rows: list[list[tuple[str, int, int, bool]]] = field(default_factory=list)
    in_thead: bool = False
    cell: list[str] | None = None
    cell_attrs: tuple[int, int, bool] = (1, 1, False)


class _HtmlTableParser(HTMLParser):
    """Collects every ``<table>`` of an HTML fragment; nested tables become their own tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_TableBuilder] = []
        self.tables: list[Table] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.stack.append(_TableBuilder())
            return
        if not self.stack:
            return
        top = self.stack[-1]
        if tag == "thead":
            top.in_thead = True
        elif tag == "tr":
            self._close_cell(top)
            top.rows.append([])
        elif tag in ("td", "th"):
            self._close_cell(top)
            if not top.rows:
                top.rows.append([])
            named = dict(attrs)
            is_header = tag == "th" or top.in_thead
            top.cell = []
            top.cell_attrs = (_span(named.get("rowspan")), _span(named.get("colspan")), is_header)
        elif tag == "br" and top.cell is not None:
            top.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if tag in ("td", "th", "tr"):
            self._close_cell(top)
        elif tag == "thead":
            top.in_thead = False
        elif tag == "table":
            self._close_cell(top)
            self.stack.pop()
            self.tables.append(place_rows(top.rows, "html"))

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1].cell is not None:
            self.stack[-1].cell.append(data)

    @staticmethod
    def _close_cell(top: _TableBuilder) -> None:
        if top.cell is None:
            return
        rowspan, colspan, is_header = top.cell_attrs
        text = " ".join("".join(top.cell).split())
        top.rows[-1].append((text, rowspan, colspan, is_header))
        top.cell = None


def parse_html_tables(html: str) -> list[Table]:
    """Every ``<table>`` in an HTML fragment, in document order of their closing tags.

    Unclosed tables at the end of the fragment are closed there.
    """
    parser = _HtmlTableParser()
    parser.feed(html)
    parser.close()
    while parser.stack:
        parser.handle_endtag("table")
    return parser.tables


def html_text(html: str) -> str:
    """The text of an HTML fragment (tags dropped, ``<br>`` and cell borders as spaces)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _TextParser(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
