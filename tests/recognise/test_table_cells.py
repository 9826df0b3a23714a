"""Tests for the pure grid helpers in pdf2md.recognise.table_cells."""

from __future__ import annotations

from pdf2md.model import BBox
from pdf2md.recognise.table_cells import Word, split_stacked_rows

_XS = [0.0, 100.0, 200.0, 300.0]  # three columns


def _line(y: float, texts: list[str], line_no: int) -> list[Word]:
    """One text line at top ``y`` (8 pt high), one word per column; empty strings skipped."""
    return [
        Word(BBox(_XS[c] + 5, y, _XS[c] + 40, y + 8), text, (0, line_no))
        for c, text in enumerate(texts)
        if text
    ]


def test_row_of_figures_over_a_totals_row_is_cut() -> None:
    words = _line(10, ["Wyoming", "383", "1,745"], 0) + _line(20, ["Totals", "804", "671"], 1)
    assert split_stacked_rows([5.0, 30.0], _XS, words) == [5.0, 19.0, 30.0]


def test_wrapped_cell_text_is_not_cut() -> None:
    words = _line(10, ["Long state", "383", "1,745"], 0) + _line(20, ["name", "", ""], 1)
    assert split_stacked_rows([5.0, 30.0], _XS, words) == [5.0, 30.0]


def test_wrapped_text_in_two_columns_is_not_cut() -> None:
    words = _line(10, ["Alpha", "first half", "12"], 0) + _line(20, ["beta", "second", ""], 1)
    assert split_stacked_rows([5.0, 30.0], _XS, words) == [5.0, 30.0]


def test_header_wrapping_onto_a_line_of_years_and_units_is_not_cut() -> None:
    def word(x: float, y: float, text: str) -> Word:
        return Word(BBox(x, y, x + 20, y + 8), text, (0, int(y)))

    line_1 = [word(5, 10, "Country"), word(105, 10, "sales"), word(130, 10, "1995")]
    line_1 += [word(205, 10, "GNP"), word(230, 10, "1996")]
    line_2 = [word(105, 20, "(000)"), word(130, 20, "(Ecu"), word(205, 20, "1995")]
    line_2 += [word(230, 20, "bn)")]
    assert split_stacked_rows([5.0, 30.0], _XS, line_1 + line_2) == [5.0, 30.0]


def test_figure_centred_on_two_lines_keeps_them_together() -> None:
    words = _line(10, ["", "0.965", "2.73"], 0) + _line(20, ["", "0.969", "5.39"], 2)
    words += _line(15, ["6", "6", ""], 1)  # "6 6" centred between the two lines
    assert split_stacked_rows([5.0, 30.0], _XS, words) == [5.0, 30.0]
