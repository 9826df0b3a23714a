"""Tests for the pure table model and writers in pdf2md.tables."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from pdf2md.tables import (
    TableCell,
    build_grid,
    close_frame,
    detect_header_rows,
    drop_empty,
    grid_from_rows,
    is_numeric,
    normalise_cell_text,
    ruled_slots,
    to_gfm,
    to_html,
    to_markdown,
)


def _gfm_shape(markdown: str) -> tuple[int, int]:
    """(rows, columns) of the single GFM table markdown-it finds in ``markdown``."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert sum(t.type == "table_open" for t in tokens) == 1
    rows = sum(t.type == "tr_open" for t in tokens)
    cols = 0
    for t in tokens:
        if t.type == "tr_close":
            break
        cols += t.type == "th_open"
    return rows, cols


def test_gfm_simple_table_exact() -> None:
    grid = grid_from_rows([["Name", "Qty"], ["apple", "10"], ["pear", "2"]])
    assert to_markdown(grid) == "| Name | Qty |\n| --- | --- |\n| apple | 10 |\n| pear | 2 |"
    assert _gfm_shape(to_gfm(grid)) == (3, 2)


def test_gfm_escapes_pipes_and_newlines() -> None:
    grid = grid_from_rows([["a|b", "c"], ["line 1\nline 2", "x\\y"]])
    text = to_gfm(grid)
    assert "a\\|b" in text
    assert "line 1<br>line 2" in text
    assert "x\\\\y" in text
    assert _gfm_shape(text) == (2, 2)


def test_normalise_cell_text() -> None:
    assert normalise_cell_text("  10\u00a0000 \n\n  kg\t/ year ") == "10 000\nkg / year"
    assert normalise_cell_text("   ") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", True), ("1,234.5", True), ("-3 %", True), ("(12)", True), ("n/a", False), ("", False)],
)
def test_is_numeric(text: str, expected: bool) -> None:
    assert is_numeric(text) is expected


def test_html_with_colspan_header() -> None:
    cells = [
        TableCell(0, 0, "Item", row_span=2),
        TableCell(0, 1, "Sales", col_span=2),
        TableCell(1, 1, "2023"),
        TableCell(1, 2, "2024"),
        TableCell(2, 0, "A & B"),
        TableCell(2, 1, "1"),
        TableCell(2, 2, "2"),
    ]
    grid = build_grid(cells)
    assert grid.header_rows == 2
    assert to_markdown(grid) == (
        "<table>\n<thead>\n"
        '<tr><th rowspan="2">Item</th><th colspan="2">Sales</th></tr>\n'
        "<tr><th>2023</th><th>2024</th></tr>\n"
        "</thead>\n<tbody>\n"
        "<tr><td>A &amp; B</td><td>1</td><td>2</td></tr>\n"
        "</tbody>\n</table>"
    )


def test_header_rows_stop_at_numbers() -> None:
    cells = [
        TableCell(0, 0, "Group", col_span=2),
        TableCell(1, 0, "1"),
        TableCell(1, 1, "2"),
        TableCell(2, 0, "3"),
        TableCell(2, 1, "4"),
    ]
    assert detect_header_rows(build_grid(cells)) == 1


def test_overlapping_cells_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        build_grid([TableCell(0, 0, "a", col_span=2), TableCell(0, 1, "b")])


def test_drop_empty_rows_and_columns() -> None:
    grid = grid_from_rows([["a", "", "b"], ["", "", ""], ["1", "", "2"]])
    dropped = drop_empty(grid)
    assert (dropped.n_rows, dropped.n_cols) == (2, 2)
    assert dropped.texts() == [["a", "b"], ["1", "2"]]


def test_drop_empty_keeps_inner_empty_cells() -> None:
    grid = grid_from_rows([["a", "b"], ["1", ""], ["", "2"]])
    assert drop_empty(grid).texts() == [["a", "b"], ["1", ""], ["", "2"]]


def test_drop_empty_shrinks_span_over_empty_column() -> None:
    cells = [TableCell(0, 0, "head", col_span=3), TableCell(1, 0, "x"), TableCell(1, 2, "y")]
    grid = drop_empty(build_grid(cells))
    assert (grid.n_rows, grid.n_cols) == (2, 2)
    assert grid.cells[0] == TableCell(0, 0, "head", 1, 2)


def test_empty_grid_writes_nothing() -> None:
    empty = drop_empty(grid_from_rows([["", ""]]))
    assert to_gfm(empty) == ""
    assert to_html(empty) == ""


def test_close_frame_adds_the_missing_outer_rules() -> None:
    horizontal = [(100.0, 72.0, 352.0), (120.0, 72.0, 352.0), (140.0, 72.0, 352.0)]
    vertical = [(172.0, 100.0, 140.0), (262.0, 100.0, 140.0)]
    hs, vs = close_frame(horizontal, vertical)
    assert hs == horizontal
    assert vs == [*vertical, (72.0, 100.0, 140.0), (352.0, 100.0, 140.0)]
    assert len(ruled_slots(hs, vs)) == 6


def test_close_frame_needs_rules_of_both_directions() -> None:
    horizontal = [(100.0, 72.0, 352.0), (140.0, 72.0, 352.0)]
    assert close_frame(horizontal, []) == (horizontal, [])
