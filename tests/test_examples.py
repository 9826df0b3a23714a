"""The examples run: the sample PDF builds and converts to the Markdown a reader expects."""

from __future__ import annotations

import runpy
from pathlib import Path

from pdf2md.pipeline import convert
from tests.mdcheck import parse

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_sample_paper_builds_and_converts(tmp_path: Path) -> None:
    module = runpy.run_path(str(EXAMPLES / "make_sample.py"))
    pdf = tmp_path / "paper.pdf"
    module["build"](pdf)
    result = convert(pdf, images_dir=tmp_path / "img")
    assert result.status in ("ok", "partial"), result.errors
    md = result.markdown
    structure = parse(md)
    assert structure.headings[0] == (1, "Reading Two Columns Right")
    assert [h for _, h in structure.headings[1:]][:4] == [
        "1 Introduction",
        "2 Related Work",
        "3 Method",
        "4 Results",
    ]
    assert "Journal of Examples" not in md  # running head
    assert md.index("Order order matters") < md.index("2 Related Work")


def test_committed_sample_is_current() -> None:
    assert (EXAMPLES / "two_column_paper.pdf").stat().st_size > 1000
