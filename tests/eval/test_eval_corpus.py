"""Corpus discovery from folder layouts, and subset selection."""

from __future__ import annotations

import json
from pathlib import Path

from pdf2md.eval.convert_all import ConversionKey, keys_for
from pdf2md.eval.corpus import discover, select


def _touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _corpus(root: Path) -> None:
    tests = [
        {"pdf": "a.pdf", "page": 1, "id": "a1", "type": "present", "text": "x"},
        {"pdf": "sub/b.pdf", "page": 2, "id": "b2", "type": "absent", "text": "y"},
    ]
    _touch(root / "bench" / "set.jsonl", "\n".join(json.dumps(t) for t in tests) + "\n")
    _touch(root / "bench" / "pdfs" / "a.pdf")
    _touch(root / "bench" / "pdfs" / "sub" / "b.pdf")
    _touch(root / "notes.jsonl", '{"something": "else"}\n')
    _touch(root / "readoc" / "pdf" / "p1.pdf")
    _touch(root / "readoc" / "markdown" / "p1.md", "# T\n")
    _touch(root / "readoc" / "pdf" / "orphan.pdf")
    _touch(root / "beside" / "doc.pdf")
    _touch(root / "beside" / "doc.expected.md", "text")
    icdar = {
        "regions": [],
        "tables": [
            {
                "id": "1",
                "regions": [
                    {
                        "page": 3,
                        "cells": [
                            {
                                "start_row": 0,
                                "end_row": 0,
                                "start_col": 0,
                                "end_col": 0,
                                "content": "c",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    _touch(root / "tabs" / "groundtruth" / "t.json", json.dumps(icdar))
    _touch(root / "tabs" / "pdfs" / "t.pdf")


def test_discover_finds_each_kind(tmp_path: Path) -> None:
    _corpus(tmp_path)
    found = {s.name: s for s in discover(tmp_path)}
    assert sorted(found) == ["bench/set", "beside", "readoc", "tabs/teds"]
    assert found["bench/set"].kind == "olmocr"
    assert found["bench/set"].pdf_names() == ["a.pdf", "sub/b.pdf"]
    assert [d.truth.name for d in found["readoc"].docs] == ["p1.md"]
    assert [d.truth.name for d in found["beside"].docs] == ["doc.expected.md"]
    assert found["tabs/teds"].kind == "icdar"


def test_keys_per_kind(tmp_path: Path) -> None:
    _corpus(tmp_path)
    found = {s.name: s for s in discover(tmp_path)}
    bench = tmp_path.resolve() / "bench" / "pdfs"
    assert keys_for(found["bench/set"]) == {
        ConversionKey(bench / "a.pdf", 0),
        ConversionKey(bench / "sub" / "b.pdf", 1),
    }
    assert keys_for(found["tabs/teds"]) == {
        ConversionKey((tmp_path / "tabs/pdfs/t.pdf").resolve(), 2)
    }
    assert {k.page_index for k in keys_for(found["readoc"])} == {None}


def test_select_patterns_and_limit(tmp_path: Path) -> None:
    _corpus(tmp_path)
    subsets = discover(tmp_path)
    assert [s.name for s in select(subsets, ["bench*"])] == ["bench/set"]
    assert [s.name for s in select(subsets, ["teds", "readoc"])] == ["tabs/teds", "readoc"]
    (limited,) = select(subsets, ["bench/set"], limit=1)
    assert [t.id for t in limited.tests] == ["a1"]
