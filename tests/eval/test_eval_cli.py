"""End to end: ``eval_command`` on a tiny corpus with a fake converter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymupdf
import pytest
import typer
from typer.testing import CliRunner

from pdf2md.eval.cli import eval_command

HERE = Path(__file__).resolve().parent


def _corpus(root: Path) -> None:
    pdfs = root / "bench" / "pdfs"
    pdfs.mkdir(parents=True)
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Alpha beta gamma")
    doc.new_page().insert_text((72, 72), "Second page words")
    doc.save(pdfs / "doc.pdf")
    doc.save(root / "bench" / "whole.pdf")
    doc.close()
    tests = [
        {"pdf": "doc.pdf", "page": 1, "id": "p1", "type": "present", "text": "beta gamma"},
        {"pdf": "doc.pdf", "page": 1, "id": "a1", "type": "absent", "text": "Second page"},
        {"pdf": "doc.pdf", "page": 2, "id": "p2", "type": "present", "text": "Missing words"},
    ]
    lines = "\n".join(json.dumps(t) for t in tests) + "\n"
    (root / "bench" / "tests.jsonl").write_text(lines, encoding="utf-8")
    truth = "# Alpha beta gamma\n\nSecond page words\n"
    (root / "bench" / "whole.md").write_text(truth, encoding="utf-8")


def test_eval_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(HERE))
    _corpus(tmp_path / "corpus")
    app = typer.Typer()
    app.command()(eval_command)
    out = tmp_path / "out"
    args = [str(tmp_path / "corpus"), "--converter", "fake_converters.TextLayer"]
    args += ["--against", "docling,nonexistent", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    # olmOCR file 2/3, markdown text 100, mean, present 1/2, absent 1/1, headings missing.
    row = (
        "| fake_converters.TextLayer | 66.7 (n=3) | 100.0 (n=1) | 66.7 (1 subset, n=3) "
        "| 50.0 (n=2) | 100.0 (n=1) | 0.0 (n=1) |"
    )
    assert row in result.output
    assert "| docling | not run:" in result.output or "| docling | " in result.output
    assert "nonexistent | not run: unknown converter" in result.output
    assert re.search(
        r"^eval: fake_converters.TextLayer: 3 conversions in \d+\.\d s$", result.stderr, re.M
    ), result.stderr
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    ours = data["converters"][0]
    assert ours["failures"] == 0 and ours["pages"] == 4
    assert [s["subset"] for s in ours["subsets"]] == ["bench/tests", "bench"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert (
        f"Command: `pdf2md eval {tmp_path / 'corpus'} --converter fake_converters.TextLayer"
        in report
    )
    assert "FAIL `p2` (present)" in report
    assert "    - expected: 'Missing words'\n    - closest in output: 'ge words'\n" in report
    assert "## bench: tests\n\nSubset `bench/tests`.\n" in report
    assert "olmOCR mean: the plain mean of the olmOCR subsets' pass rates" in result.output
    assert (out / "chart.png").stat().st_size > 1000
    page2 = (
        out / "outputs" / "fake_converters.TextLayer" / "bench" / "pdfs" / "doc" / "page-0002.md"
    )
    assert page2.read_text(encoding="utf-8") == "Second page words"

    # --reuse re-scores what is in OUT without converting again.
    page2.write_text("Missing words", encoding="utf-8")
    again = CliRunner().invoke(app, [*args, "--reuse"])
    assert again.exit_code == 0, again.output
    row = (
        "| fake_converters.TextLayer | 100.0 (n=3) | 100.0 (n=1) | 100.0 (1 subset, n=3) "
        "| 100.0 (n=2) | 100.0 (n=1) | 0.0 (n=1) |"
    )
    assert row in again.output


def test_eval_no_subset_is_an_error(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(eval_command)
    result = CliRunner().invoke(app, [str(tmp_path), "--converter", "markitdown"])
    assert result.exit_code == 2
    assert "no evaluation subset" in result.output
