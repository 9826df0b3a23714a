"""The shared Markdown reader and text normalisation."""

from __future__ import annotations

from pdf2md.eval.markdown import Heading, MathSpan, parse_markdown
from pdf2md.eval.normalize import normalize_text
from pdf2md.eval.tables import table_grid


def test_text_drops_markup_keeps_content() -> None:
    parsed = parse_markdown("# Title *x*\n\nSome **bold** text<br>next\n\n1. First\n2. Second\n")
    assert parsed.text == "Title x\nSome bold text next\n1. First\n2. Second"
    assert parsed.headings == (Heading(1, "Title x"),)


def test_math_spans_all_delimiters() -> None:
    md = "Inline $a+b$ and \\(c\\) and $$d$$.\n\n\\[\ne = f\n\\]\n\n$$\ng\n$$\n"
    assert parse_markdown(md).math == (
        MathSpan("a+b", False),
        MathSpan("c", False),
        MathSpan("d", True),
        MathSpan("e = f", True),
        MathSpan("g", True),
    )


def test_pipe_table_and_html_table_with_spans() -> None:
    md = (
        "| h1 | h2 |\n|---|---|\n| a | b |\n\n"
        "<table><thead><tr><th colspan=2>Top</th></tr></thead>"
        "<tr><td rowspan=2>L</td><td>1</td></tr><tr><td>2</td></tr></table>\n"
    )
    pipe, html = parse_markdown(md).tables
    assert [(c.row, c.col, c.text, c.is_header) for c in pipe.cells] == [
        (0, 0, "h1", True),
        (0, 1, "h2", True),
        (1, 0, "a", False),
        (1, 1, "b", False),
    ]
    grid = table_grid(html)
    assert [[c.text if c else None for c in row] for row in grid] == [
        ["Top", "Top"],
        ["L", "1"],
        ["L", "2"],
    ]
    assert html.cells[0].is_header and not html.cells[1].is_header


def test_code_fence_is_not_parsed_as_markup() -> None:
    parsed = parse_markdown("```\n# not a heading | x |\n```\n")
    assert parsed.headings == ()
    assert parsed.text == "# not a heading | x |"


def test_normalize_text_rules() -> None:
    assert normalize_text("\u201cq\u201d \u2018s\u2019  a\u2013b\u2014c\u2212d \u00b5m\n x") == (
        "\"q\" 's' a-b-c-d \u03bcm x"
    )
    assert normalize_text("e\u0301") == "\u00e9"  # NFC
