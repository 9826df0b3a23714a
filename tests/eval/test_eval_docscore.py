"""Whole-document scores: text similarity, heading tree, table TEDS, ICDAR loading."""

from __future__ import annotations

import json
from pathlib import Path

from pdf2md.eval.docscore import (
    heading_score,
    load_icdar,
    score_document,
    table_score,
    text_similarity,
)
from pdf2md.eval.markdown import Heading, parse_markdown
from pdf2md.eval.tables import table_grid

TRUTH = """# Paper

## Intro

Some words here.

## Method

| a | b |
|---|---|
| 1 | 2 |
"""


def test_same_document_scores_one() -> None:
    truth = parse_markdown(TRUTH)
    scores = score_document(truth, truth)
    assert (scores.text_similarity, scores.heading_tree, scores.table_teds) == (1.0, 1.0, 1.0)


def test_markdown_syntax_does_not_count() -> None:
    styled = TRUTH.replace("Some words here.", "Some **words** here.")
    assert score_document(parse_markdown(TRUTH), parse_markdown(styled)).text_similarity == 1.0
    assert text_similarity("abcd", "abxd") == 0.75


def test_heading_tree_levels_and_missing() -> None:
    truth = [Heading(1, "Paper"), Heading(2, "Intro"), Heading(2, "Method")]
    assert heading_score(truth, truth) == 1.0
    flat = [Heading(1, "Paper"), Heading(1, "Intro"), Heading(1, "Method")]
    missing = [Heading(1, "Paper"), Heading(2, "Intro")]
    assert heading_score(truth, flat) == 0.5
    assert heading_score(truth, missing) == 0.8
    renamed = [Heading(1, "Paper"), Heading(2, "Intro"), Heading(2, "Results")]
    assert 0.5 < heading_score(truth, renamed) < 1.0  # type: ignore[operator]
    assert heading_score(truth, []) == 0.0
    assert heading_score([], flat) is None


def test_table_score_best_match_and_none() -> None:
    truth = parse_markdown(TRUTH).tables
    other = parse_markdown(
        "| x | y |\n|---|---|\n| 5 | 6 |\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    ).tables
    assert table_score(truth, other) == 1.0
    assert table_score(truth, ()) == 0.0
    assert table_score((), other) is None


def test_text_ground_truth_without_tables(tmp_path: Path) -> None:
    doc = score_document(parse_markdown("plain words"), parse_markdown("plain words"))
    assert doc.heading_tree is None and doc.table_teds is None


def test_load_icdar_spans(tmp_path: Path) -> None:
    data = {
        "regions": [],
        "tables": [
            {
                "id": "1",
                "regions": [
                    {
                        "page": 2,
                        "cells": [
                            {
                                "start_row": 0,
                                "end_row": 0,
                                "start_col": 1,
                                "end_col": 2,
                                "content": "Top",
                            },
                            {
                                "start_row": 1,
                                "end_row": 1,
                                "start_col": 0,
                                "end_col": 0,
                                "content": "r",
                            },
                            {
                                "start_row": 1,
                                "end_row": 1,
                                "start_col": 1,
                                "end_col": 1,
                                "content": "1",
                            },
                            {
                                "start_row": 1,
                                "end_row": 1,
                                "start_col": 2,
                                "end_col": 2,
                                "content": "2",
                            },
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    (region,) = load_icdar(path)
    assert region.page_index == 1 and region.table_id == "t1r1"
    grid = table_grid(region.table)
    assert [[c.text if c else None for c in row] for row in grid] == [
        [None, "Top", "Top"],
        ["r", "1", "2"],
    ]
    html = (
        "<table><tr><td></td><td colspan=2>Top</td></tr>"
        "<tr><td>r</td><td>1</td><td>2</td></tr></table>"
    )
    assert table_score([region.table], parse_markdown(html).tables) > 0.85  # type: ignore[operator]
