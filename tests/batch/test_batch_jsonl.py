"""Dolma records and shard files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf2md.batch.converter import Converted, ErrorRecord, PageRecord
from pdf2md.batch.jsonl import build_record, dump_record, read_shard, shard_filename, write_shard
from pdf2md.batch.language import detect_language

ENGLISH = "The committee reviewed the annual report and approved the budget for next year. " * 2
GERMAN = (
    "Der Ausschuss hat den Jahresbericht geprüft und den Haushalt für das nächste Jahr genehmigt. "
    * 2
)


def _converted() -> Converted:
    text = ENGLISH + "\n\n" + GERMAN
    split = len(ENGLISH)
    pages = (
        PageRecord(0, 0, split, "text-layer"),
        PageRecord(1, split, split, "failed"),
        PageRecord(2, split + 2, len(text), "ocr"),
        PageRecord(3, len(text), len(text), "blank"),
    )
    return Converted(
        status="partial",
        markdown=text,
        pages=pages,
        page_count=9,
        errors=(ErrorRecord("recognise", "ocr crashed", 1),),
        profile="default",
        pdf2md_version="0.1.0",
        timings={"layout": 0.5},
    )


def test_record_marks_every_page_and_keeps_failed_ones() -> None:
    record = build_record(
        _converted(),
        sha256="ab" * 32,
        path="/x.pdf",
        source="test",
        added="2026-01-01T00:00:00.000Z",
    )
    assert record["id"] == "ab" * 32 and record["source"] == "test"
    meta = record["metadata"]
    text = record["text"]
    assert meta["pdf_page_numbers"] == [
        [0, len(ENGLISH), 1],
        [len(ENGLISH), len(ENGLISH), 2],
        [len(ENGLISH) + 2, len(text), 3],
        [len(text), len(text), 4],
    ]
    assert meta["page_methods"] == ["text-layer", "failed", "ocr", "blank"]
    assert meta["page_languages"] == ["en", None, "de", None]
    assert meta["page_count"] == 9 and meta["pages_converted"] == 4
    assert meta["errors"] == [{"stage": "recognise", "message": "ocr crashed", "page_index": 1}]
    assert meta["status"] == "partial" and meta["profile"] == "default"
    for start, end, _ in meta["pdf_page_numbers"]:
        assert 0 <= start <= end <= len(text)


def test_language_needs_enough_text() -> None:
    assert detect_language("Hello there.") is None
    assert detect_language(ENGLISH) == "en"


@pytest.mark.parametrize("compression", ["none", "gzip", "zstd"])
def test_shard_roundtrip(tmp_path: Path, compression: str) -> None:
    records = [
        {"id": str(i), "text": f"text {i} é", "metadata": {"path": f"/{i}"}} for i in range(3)
    ]
    path = tmp_path / shard_filename("shard-00001", compression)  # type: ignore[arg-type]
    count = write_shard(
        path,
        [dump_record(r) for r in records],
        compression=compression,  # type: ignore[arg-type]
        tmp_dir=tmp_path / "tmp",
    )
    assert count == 3 and read_shard(path) == records
    first = path.read_bytes()
    write_shard(
        path,
        [dump_record(r) for r in records],
        compression=compression,  # type: ignore[arg-type]
        tmp_dir=tmp_path / "tmp",
    )
    assert path.read_bytes() == first  # deterministic bytes: a rewritten shard is identical
