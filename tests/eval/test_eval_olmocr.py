"""olmOCR-style tests judged on small hand-made pages: cases that pass and cases that fail."""

from __future__ import annotations

from typing import Any

import pytest

from pdf2md.eval.benchtests import BenchTest, parse_test_record
from pdf2md.eval.katex import KatexRenderer
from pdf2md.eval.markdown import parse_markdown
from pdf2md.eval.olmocr import judge, trailing_repeats


def _test(**fields: Any) -> BenchTest:
    record = {"id": "t", "pdf": "x.pdf", "page": 1, **fields}
    test = parse_test_record(record)
    assert test is not None
    return test


def _passes(test: BenchTest, markdown: str) -> bool:
    # No math here, so the renderer is never started.
    return judge(test, parse_markdown(markdown), KatexRenderer(node="/nonexistent")).passed


PAGE = (
    "Journal of Things, vol. 3\n\n# A \u201cquoted\u201d title\n\n"
    "The **first** paragraph says hello world.\n\nThe second paragraph ends here.\n\n"
    "Page 7 of 12\n"
)


def test_present_exact_normalised_and_fuzzy() -> None:
    assert _passes(_test(type="present", text='A "quoted" title'), PAGE)
    assert _passes(_test(type="present", text="first paragraph says hello"), PAGE)
    assert not _passes(_test(type="present", text="first paragraph says helo"), PAGE)
    assert _passes(_test(type="present", text="first paragraph says helo", max_diffs=1), PAGE)


def test_present_case_and_window() -> None:
    assert not _passes(_test(type="present", text="THE SECOND"), PAGE)
    assert _passes(_test(type="present", text="THE SECOND", case_sensitive=False), PAGE)
    assert _passes(_test(type="present", text="Journal of Things", first_n=40), PAGE)
    assert not _passes(_test(type="present", text="Page 7 of 12", first_n=40), PAGE)


def test_short_output_does_not_contain_long_text() -> None:
    assert not _passes(_test(type="present", text="hello world and more", max_diffs=2), "hello")


def test_header_that_must_be_absent() -> None:
    absent = _test(type="absent", text="Journal of Things, vol. 3")
    assert not _passes(absent, PAGE)
    assert _passes(absent, PAGE.replace("Journal of Things, vol. 3\n\n", ""))
    # Near misses count as present when within max_diffs.
    fuzzy = _test(type="absent", text="Journal of Thing, vol. 3", max_diffs=1)
    assert not _passes(fuzzy, PAGE)


def test_order_pass_fail_and_fuzzy() -> None:
    order = _test(type="order", before="first paragraph", after="second paragraph")
    assert _passes(order, PAGE)
    flipped = _test(type="order", before="second paragraph", after="first paragraph")
    assert not _passes(flipped, PAGE)
    typo = _test(type="order", before="frist paragraph", after="second paragraph", max_diffs=2)
    assert _passes(typo, PAGE)
    assert not _passes(_test(type="order", before="frist paragraph", after="second"), PAGE)


PIPE = """
| Region | 2022 | 2023 |
|---|---|---|
| North | 10 | 12 |
| South | 7 | 9 |
"""

HTML = """
<table>
<thead><tr><th rowspan="2">Region</th><th colspan="2">Sales</th></tr>
<tr><th>2022</th><th>2023</th></tr></thead>
<tr><td>North</td><td>10</td><td>12</td></tr>
<tr><td>South</td><td>7</td><td>9</td></tr>
</table>
"""


def test_table_neighbours_markdown() -> None:
    assert _passes(_test(type="table", cell="10", right="12", down="7", up="2022"), PIPE)
    assert _passes(_test(type="table", cell="9", top_heading="2023", left_heading="South"), PIPE)
    assert not _passes(_test(type="table", cell="10", right="9"), PIPE)
    assert not _passes(_test(type="table", cell="10", top_heading="2023"), PIPE)
    assert not _passes(_test(type="table", cell="North", right="10"), "North 10 12")


def test_table_merged_cells_html() -> None:
    # 2022 and 2023 both sit under the merged "Sales" heading.
    assert _passes(_test(type="table", cell="2023", up="Sales"), HTML)
    assert _passes(_test(type="table", cell="2022", up="Sales"), HTML)
    assert _passes(_test(type="table", cell="12", top_heading="Sales"), HTML)
    assert _passes(_test(type="table", cell="12", top_heading="2023"), HTML)
    # The rowspan cell "Region" is the left neighbour of both header rows.
    assert _passes(_test(type="table", cell="2022", left="Region"), HTML)
    assert _passes(_test(type="table", cell="7", left_heading="South"), HTML)
    assert not _passes(_test(type="table", cell="7", top_heading="2023"), HTML)


def test_table_reordered_columns_fail() -> None:
    swapped = PIPE.replace("| Region | 2022 | 2023 |", "| Region | 2023 | 2022 |")
    assert not _passes(_test(type="table", cell="10", top_heading="2022"), swapped)


def test_baseline_cases() -> None:
    base = _test(type="baseline")
    assert _passes(base, "Some text.")
    assert not _passes(base, "   ")
    assert not _passes(base, "text " + "again " * 40)
    assert not _passes(base, "Hello \u4e16\u754c")
    no_cjk = _test(type="baseline", check_disallowed_characters=False)
    assert _passes(no_cjk, "Hello \u4e16\u754c")
    blank = _test(type="baseline", max_length=5)
    assert _passes(blank, "12")
    assert not _passes(blank, "123456")
    assert trailing_repeats(["a", "b", "c", "a", "b", "c", "a", "b", "c"]) == 3


def test_failed_conversion_fails_every_test() -> None:
    verdict = judge(_test(type="absent", text="x"), None, KatexRenderer(node="/nonexistent"))
    assert not verdict.passed
    assert "conversion failed" in verdict.explanation


def test_unsupported_type_and_missing_field() -> None:
    assert parse_test_record({"id": "x", "pdf": "a.pdf", "page": 1, "type": "format"}) is None
    with pytest.raises(ValueError, match="lacks text"):
        parse_test_record({"id": "x", "pdf": "a.pdf", "page": 1, "type": "present"})
