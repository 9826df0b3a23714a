"""Answer checks: repetition loops, word agreement, HTML tables."""

from __future__ import annotations

import re

import pytest

from pdf2md.validate import (
    AnswerRejected,
    WordPolicy,
    agreement,
    check_words,
    find_repetition,
    parse_html_table,
    reference_words,
    table_to_markdown,
    words,
)


@pytest.mark.parametrize(
    "text",
    [
        "all work and no play " * 6,
        "word " * 30,
        "x" + "ab" * 40,
        "The results. " + "| cell | data |\n" * 12,
    ],
)
def test_loops_are_found(text: str) -> None:
    assert find_repetition(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "a b c " * 3,
        "0 " * 60,  # a row of zeros is a table, not a loop
        "N/A " * 40,  # so is a column of short marks
        "| --- | --- | --- |\n" * 20,  # pipe-table rules have no words
        "The cat sat on the mat. The dog sat on the log. The cow sat on the hay.",
    ],
)
def test_ordinary_text_is_not_a_loop(text: str) -> None:
    assert find_repetition(text) is None


def test_words_normalise_markup_math_and_script_variants() -> None:
    assert words("**Solar** <b>panels</b> $x^2 + y$ \\textbf{cells}") == [
        "solar",
        "panels",
        "cells",
    ]
    assert words("ﬁle") == ["file"]  # NFKC expands ligatures
    assert words("كتابخانـه") == words("کتابخانه")  # Arabic kaf/yeh forms and tatweel


def test_reference_joins_hyphenated_line_ends() -> None:
    ref = reference_words(["photo-", "voltaic cells"])
    assert "photovoltaic" in ref and agreement(["photovoltaic", "cells"], ref).precision == 1.0


def test_invented_run_is_rejected_and_policy_is_respected() -> None:
    ref = words("solar panels convert sunlight into electricity")
    with pytest.raises(AnswerRejected, match="3 words in a row"):
        check_words("solar panels wind turbine farms", ref, WordPolicy(0.0, 0.0, 2))
    found = check_words("solar panels wind turbine farms", ref, WordPolicy(0.0, 0.0, 3))
    assert found.precision == pytest.approx(0.4)
    assert check_words("anything at all", None, WordPolicy()).precision == 1.0


def test_spanning_cells_keep_html_and_plain_tables_become_pipes() -> None:
    rows = parse_html_table(
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>x|y</td></tr></table>"
    )
    assert table_to_markdown(rows) == "| A | B |\n|---|---|\n| 1 | x\\|y |"
    spans = parse_html_table('<table><tr><td colspan="2">Both</td></tr><tr><td>1<td>2</table>')
    assert table_to_markdown(spans).startswith('<table>\n<tr><td colspan="2">Both</td></tr>')


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("<table><tr><td>a<table><tr><td>b</td></tr></table></td></tr></table>", "nested"),
        ("<table><tr><td>a</td></tr></table><table><tr><td>b</td></tr></table>", "2 tables"),
        ("<table><tr><td> </td></tr></table>", "no cells with text"),
    ],
)
def test_malformed_tables(answer: str, reason: str) -> None:
    with pytest.raises(AnswerRejected, match=reason):
        parse_html_table(answer)


def test_table_row_loops() -> None:
    from pdf2md.validate import check_table_rows

    row = "<tr><td>Iron</td><td>7.87</td></tr>"
    check_table_rows(parse_html_table(f"<table>{row * 4}</table>"))
    with pytest.raises(AnswerRejected, match=re.escape("repetition loop: row 'Iron | 7.87'")):
        check_table_rows(parse_html_table(f"<table>{row * 5}</table>"))
    yes = "<tr>" + "<td>Yes</td>" * 6 + "</tr>"
    check_table_rows(parse_html_table(f"<table>{yes}<tr><td>No</td></tr>{yes}</table>"))
