"""Scoring subsets from recorded conversions (no converter runs): kinds, failures, determinism."""

from __future__ import annotations

import json
from pathlib import Path

from pdf2md.eval.benchtests import parse_test_record
from pdf2md.eval.convert_all import Conversion, ConversionKey
from pdf2md.eval.corpus import GroundTruthDoc, Subset
from pdf2md.eval.docscore import load_icdar
from pdf2md.eval.katex import KatexRenderer
from pdf2md.eval.report import ConverterRun, summary_table
from pdf2md.eval.scoring import OutputReader, score_subset
from pdf2md.eval.worker import Outcome

NO_NODE = KatexRenderer(node="/nonexistent/node")


def _conv(pdf: Path, page: int | None, markdown: str | None) -> tuple[ConversionKey, Conversion]:
    key = ConversionKey(pdf.resolve(), page)
    outcome = Outcome("ok", markdown) if markdown is not None else Outcome("timeout", message="x")
    return key, Conversion(key, 1, None, outcome)


def _olmocr(tmp_path: Path) -> Subset:
    records = [
        {"id": "a", "pdf": "d.pdf", "page": 1, "type": "present", "text": "hello"},
        {"id": "b", "pdf": "d.pdf", "page": 1, "type": "absent", "text": "Page 1"},
        {"id": "c", "pdf": "d.pdf", "page": 2, "type": "present", "text": "bye"},
    ]
    tests = tuple(t for t in (parse_test_record(r) for r in records) if t is not None)
    return Subset("bench", "olmocr", tests, pdf_root=tmp_path)


def test_olmocr_subset_with_a_failed_page(tmp_path: Path) -> None:
    subset = _olmocr(tmp_path)
    conversions = dict(
        [_conv(tmp_path / "d.pdf", 0, "hello world"), _conv(tmp_path / "d.pdf", 1, None)]
    )
    result = score_subset(subset, OutputReader(conversions), NO_NODE)
    assert result.score == 2 / 3
    assert result.by_type == {"present": 0.5, "absent": 1.0}
    (doc,) = result.documents
    assert doc.errors == ["page 2: timeout x"]
    assert [v.passed for v in doc.verdicts] == [True, True, False]


def test_icdar_and_markdown_subsets(tmp_path: Path) -> None:
    cells = [
        {"start_row": 0, "end_row": 0, "start_col": 0, "end_col": 0, "content": "a"},
        {"start_row": 0, "end_row": 0, "start_col": 1, "end_col": 1, "content": "b"},
    ]
    truth = tmp_path / "t.json"
    truth.write_text(
        json.dumps(
            {"regions": [], "tables": [{"id": "1", "regions": [{"page": 1, "cells": cells}]}]}
        )
    )
    icdar = Subset("tabs/teds", "icdar", docs=(GroundTruthDoc("t", tmp_path / "t.pdf", truth),))
    md_truth = tmp_path / "m.md"
    md_truth.write_text("# Head\n\nbody text\n")
    markdown = Subset("docs", "markdown", docs=(GroundTruthDoc("m", tmp_path / "m.pdf", md_truth),))
    assert load_icdar(truth)[0].page_index == 0
    conversions = dict(
        [
            _conv(tmp_path / "t.pdf", 0, "| a | b |\n|---|---|\n"),
            _conv(tmp_path / "m.pdf", None, "# Head\n\nbody text\n"),
        ]
    )
    reader = OutputReader(conversions)
    tabs = score_subset(icdar, reader, NO_NODE)
    docs = score_subset(markdown, reader, NO_NODE)
    assert tabs.score == 1.0 and tabs.by_type == {"teds": 1.0, "teds_s": 1.0}
    assert docs.score == 1.0 and docs.by_type == {"text": 1.0, "headings": 1.0}


def test_same_inputs_same_scores(tmp_path: Path) -> None:
    subset = _olmocr(tmp_path)
    conversions = dict(
        [_conv(tmp_path / "d.pdf", 0, "hello Page 1"), _conv(tmp_path / "d.pdf", 1, "bye")]
    )
    tables = []
    for _ in range(2):
        run = ConverterRun("x", available=True, pages=2, seconds=1.0, conversions=2)
        run.subsets = [score_subset(subset, OutputReader(conversions), NO_NODE)]
        tables.append(summary_table([run]))
    assert tables[0] == tables[1]
    row = "| x | 66.7 (n=3) | 66.7 (1 subset, n=3) | 100.0 (n=2) | 0.0 (n=1) | 2.00 | 0/2 |"
    assert row in tables[0]
