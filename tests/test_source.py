"""Tests for pdf2md.source helpers that need no PDF."""

from __future__ import annotations

from pdf2md.model import BBox
from pdf2md.source import TextLine, TextSpan, upright_turn


def _line(text: str, direction: tuple[float, float]) -> TextLine:
    span = TextSpan(text, BBox(0, 0, 10, 10), "helv", 10.0, 0, 0, 8.0)
    return TextLine(BBox(0, 0, 10, 10), (span,), 0, direction)


def test_text_running_down_the_page_turns_270() -> None:
    lines = [_line("Alabama 18,870 23,022 22,650 859", (0.0, 1.0))] * 3
    assert upright_turn(lines) == 270


def test_text_running_up_the_page_turns_90() -> None:
    lines = [_line("Alabama 18,870 23,022 22,650 859", (0.0, -1.0))] * 3
    assert upright_turn(lines) == 90


def test_mostly_level_text_with_a_margin_stamp_stays() -> None:
    body = [_line("A line of body text that reads left to right.", (1.0, 0.0))] * 10
    assert upright_turn([*body, _line("arXiv:2101.00001v1 [cs.CL] 1 Jan 2021", (0.0, -1.0))]) == 0


def test_vertical_cjk_writing_stays() -> None:
    lines = [_line("縦書きの日本語の文章はこのように上から下へ読みます", (0.0, 1.0))] * 3
    assert upright_turn(lines) == 0


def test_too_little_text_stays() -> None:
    assert upright_turn([_line("Page 3", (0.0, 1.0))]) == 0
