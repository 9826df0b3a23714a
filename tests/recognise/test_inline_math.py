"""Inline math: runs inside text lines become $...$ without breaking the sentence."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pdf2md.math.inline import (
    has_math,
    inline_markdown,
    is_display_math,
)
from pdf2md.math.lines import merge_script_lines
from pdf2md.model import BBox
from pdf2md.source import TextLine, TextSpan, open_pdf
from tests.recognise.mathcheck import compile_fixture, katex_match, same_formula

EXPECTED = [
    ("Let ", r"\alpha\leq\beta", " be given and set ", "x_{i}=2", " for all ", "i", "."),
    None,
    ("The map ", r"f:\mathbb{R}\to\mathbb{R}", " is smooth."),
    ("We have ", "a^{2}+b^{2}=c^{2}", " here."),
]


@pytest.fixture(scope="module")
def tex_lines(tmp_path_factory: pytest.TempPathFactory) -> list[TextLine]:
    path = compile_fixture("inline", tmp_path_factory.mktemp("tex"))
    with open_pdf(path) as doc:
        return merge_script_lines(list(doc.page(0).lines))


def _split(markdown: str) -> list[str]:
    return markdown.split("$")


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_inline_math_from_latex(tex_lines: list[TextLine], index: int) -> None:
    got = inline_markdown(tex_lines[index], 10.0)
    expected = EXPECTED[index]
    if expected is None:
        assert got is None
        return
    assert got is not None
    parts = _split(got)
    assert len(parts) == len(expected), got
    for i, (want, have) in enumerate(zip(expected, parts, strict=True)):
        if i % 2:
            assert same_formula(want, have), got
            verdict = katex_match(want, have)
            assert verdict is None or verdict, got
        else:
            assert want == have, got


def _span(
    text: str,
    x0: float,
    *,
    size: float = 10.0,
    font: str = "Times-Roman",
    flags: int = 0,
    baseline: float = 100.0,
) -> TextSpan:
    width = len(text) * size * 0.5
    return TextSpan(
        text=text,
        bbox=BBox(x0, baseline - size, x0 + width, baseline + size * 0.2),
        font=font,
        size=size,
        flags=flags,
        color=0,
        origin_y=baseline,
    )


def _line(*spans: TextSpan) -> TextLine:
    return TextLine(bbox=BBox.enclosing([s.bbox for s in spans]), spans=spans, block_index=0)


def test_plain_line_is_none_and_fast() -> None:
    line = _line(_span("An ordinary sentence, with 3 numbers (1, 2) and a dash - here.", 10))
    assert inline_markdown(line, 10.0) is None
    start = time.perf_counter()
    for _ in range(2000):
        inline_markdown(line, 10.0)
    per_line_us = (time.perf_counter() - start) / 2000 * 1e6
    assert per_line_us < 200, per_line_us


def test_unicode_symbols_in_a_text_font() -> None:
    line = _line(_span("where ", 10), _span("α ≤ 1", 40), _span(" holds", 70))
    assert inline_markdown(line, 10.0) == r"where $\alpha\leq1$ holds"


def test_superscript_by_baseline_shift_and_size() -> None:
    line = _line(
        _span("area ", 10),
        _span("r", 40, font="CMMI10"),
        _span("2", 46, size=7.0, baseline=96.0),
        _span(" units", 52),
    )
    assert inline_markdown(line, 10.0) == "area $r^{2}$ units"


def test_italic_emphasis_is_not_math() -> None:
    line = _line(_span("read ", 10), _span("a", 40, flags=2), _span(" book", 50))
    assert inline_markdown(line, 10.0) is None or "$" not in (inline_markdown(line, 10.0) or "")


def test_dollar_in_text_is_escaped_next_to_math() -> None:
    line = _line(_span("costs $5 if ", 10), _span("x", 80, font="CMMI10"), _span(" > 1", 86))
    got = inline_markdown(line, 10.0)
    assert got == r"costs \$5 if $x>1$"


def test_has_math_cheap_signals() -> None:
    assert has_math(_line(_span("x", 0, font="ABCDEF+CMMI10")), 10.0)
    assert has_math(_line(_span("a ∈ B", 0)), 10.0)
    assert not has_math(_line(_span("nothing here", 0)), 10.0)


def test_display_math_in_a_text_region() -> None:
    math = _line(
        _span("E", 10, font="CMMI10"),
        _span(" = ", 20, font="CMR10"),
        _span("mc", 40, font="CMMI10"),
    )
    prose = _line(_span("This is a sentence.", 10))
    assert is_display_math([math], 10.0)
    assert not is_display_math([math, prose], 10.0)


def test_merge_script_lines_rejoins_a_split_subscript(tmp_path: Path) -> None:
    main = _line(_span("x", 10, font="CMMI10"), _span(" + y", 19, font="CMR10"))
    sub = _line(_span("i", 15, size=7.0, font="CMMI7", baseline=102.0))
    merged = merge_script_lines([main, sub])
    assert len(merged) == 1
    assert [s.text for s in merged[0].spans][:2] == ["x", "i"]
    other = _line(_span("next line of text", 10, baseline=130.0))
    assert len(merge_script_lines([main, other])) == 2


def test_nested_scripts_follow_size_and_baseline() -> None:
    line = _line(
        _span("vertex ", 10),
        _span("v", 50, font="CMMI10"),
        _span("i", 55, size=7.0, font="CMMI7", baseline=102.0),
        _span("l", 58, size=5.0, font="CMMI5", baseline=103.5),
        _span(" here", 62),
    )
    got = inline_markdown(line, 10.0)
    assert got is not None
    assert same_formula("v_{i_{l}}", got.split("$")[1]), got
