"""Grouping OCR words into lines, columns and paragraphs (no OCR engine needed)."""

from __future__ import annotations

from pdf2md.model import BBox
from pdf2md.ocr.lines import Word, join_lines, paragraphs


def _line(text: str, x0: float, y0: float, line_id: int, h: float = 10.0) -> list[Word]:
    words, x = [], x0
    for tok in text.split():
        w = 6.0 * len(tok)
        words.append(Word(tok, BBox(x, y0, x + w, y0 + h), 0.9, line_id))
        x += w + 4.0
    return words


def _two_columns_read_across() -> list[Word]:
    """Words as RapidOCR returns them: each row reads straight across both columns."""
    words = _line("Big Title Over Both", 60, 20, 0, h=16)
    lid = 1
    for row in range(6):
        y = 60 + row * 14
        words += _line(f"left{row} alpha beta", 60, y, lid)
        words += _line(f"right{row} gamma delta", 300, y, lid)  # same id: joined across
        lid += 1
    return words


def test_two_columns_read_column_by_column() -> None:
    paras = paragraphs(_two_columns_read_across())
    text = " ".join(p.text for p in paras)
    order = [tok for tok in text.split() if tok.startswith(("left", "right", "Big"))]
    assert order == ["Big"] + [f"left{i}" for i in range(6)] + [f"right{i}" for i in range(6)]


def test_paragraph_break_at_vertical_gap() -> None:
    words = _line("first line here", 60, 60, 0) + _line("second line here", 60, 74, 1)
    words += _line("new paragraph starts", 60, 110, 2) + _line("and goes on", 60, 124, 3)
    paras = paragraphs(words)
    assert [p.text for p in paras] == [
        "first line here second line here",
        "new paragraph starts and goes on",
    ]


def test_left_column_longer_than_right_stays_in_left() -> None:
    words: list[Word] = []
    for row in range(4):
        words += _line(f"L{row} text text", 60, 60 + 14 * row, 2 * row)
        if row < 2:
            words += _line(f"R{row} text text", 300, 60 + 14 * row, 2 * row + 1)
    text = " ".join(p.text for p in paragraphs(words))
    tags = [t for t in text.split() if t[0] in "LR" and t[1].isdigit()]
    assert tags == ["L0", "L1", "L2", "L3", "R0", "R1"]


def test_join_lines_removes_end_of_line_hyphen_only_before_lowercase() -> None:
    assert join_lines(["an exam-", "ple"]) == "an example"
    assert join_lines(["COVID-", "19 cases"]) == "COVID- 19 cases"
    assert join_lines(["well-", "Known"]) == "well- Known"


def test_no_words_no_paragraphs() -> None:
    assert paragraphs([]) == []


def test_list_rows_start_their_own_paragraphs_and_become_items() -> None:
    from pdf2md.model import RegionKind
    from pdf2md.recognise.ocr_text import region_text

    words = _line("Shopping list for today", 60, 60, 0)
    words += _line("• apples and pears", 60, 74, 1) + _line("• fresh bread", 60, 88, 2)
    words += _line("1. first step", 60, 102, 3) + _line("2. second step", 60, 116, 4)
    text = region_text(words, RegionKind.TEXT)
    assert text == (
        "Shopping list for today\n\n"
        "- apples and pears\n- fresh bread\n1. first step\n2. second step"
    )


def test_hanging_indent_continues_a_list_item_and_misread_bullets_count() -> None:
    from pdf2md.model import RegionKind
    from pdf2md.recognise.ocr_text import region_text

    words = _line("¢ the process molds to the needs of the people and", 60, 60, 0)
    words += _line("team, not the other way around", 78, 74, 1)
    words += _line("¢ key traits must exist", 60, 88, 2)
    assert region_text(words, RegionKind.TEXT) == (
        "- the process molds to the needs of the people and team, not the other way around\n"
        "- key traits must exist"
    )
    heading = _line("¢ Human Factors", 60, 20, 0, h=16)
    assert region_text(heading, RegionKind.SECTION_HEADER) == "Human Factors"


def test_no_spaces_between_cjk_characters() -> None:
    words = [
        Word(ch, BBox(60 + 12 * i, 60, 70 + 12 * i, 70), 0.9, 0) for i, ch in enumerate("中文文本")
    ]
    words += [Word("PDF", BBox(110, 60, 130, 70), 0.9, 0)]
    words += [Word("识别", BBox(60, 74, 84, 84), 0.9, 1)]
    assert [p.text for p in paragraphs(words)] == ["中文文本 PDF 识别"]
    assert join_lines(["第一行", "第二行"]) == "第一行第二行"
