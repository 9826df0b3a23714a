"""Parquet shards: the JSONL records' fields as columns, readable by pyarrow and `datasets`."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_fixtures import FAKE_CONVERTER, InProcessEngine, all_records, build_corpus, sha256_of

from pdf2md.batch import BatchConfig, ConvertOptions, WorkerSpec, run_batch

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed (pdf2md[batch])")


def _run(tmp_path: Path, formats: frozenset[str]) -> tuple[Path, list[Path]]:
    corpus = build_corpus(tmp_path / "in", good=4, hang=False)
    out = tmp_path / "out"
    config = BatchConfig(
        inputs=(corpus.root,),
        output_dir=out,
        formats=formats,
        shard_size=3,
        options=ConvertOptions(profile="fast"),
        worker=WorkerSpec(converter=FAKE_CONVERTER),
    )
    summary = run_batch(config, InProcessEngine())
    assert summary.done == len(corpus.good) and summary.shards_written == 3
    return out, list(corpus.good.values())


def test_parquet_shards_hold_the_jsonl_records(tmp_path: Path) -> None:
    from pdf2md.batch.parquet import decode_parquet

    out, good = _run(tmp_path, frozenset({"jsonl", "parquet"}))
    files = sorted((out / "parquet").iterdir())
    assert [f.name for f in files] == [f"shard-0000{i}.parquet" for i in range(3)]
    table = pq.read_table(files[0])
    assert table.column_names[:6] == ["id", "text", "source", "added", "created", "path"]
    for column in ("pdf_page_numbers", "page_methods", "page_languages", "sha256", "profile"):
        assert column in table.column_names
    records = [r for f in files for r in decode_parquet(f.read_bytes())]
    assert records == all_records(out)
    assert sorted(r["id"] for r in records) == sorted(sha256_of(p) for p in good)


def test_parquet_reads_with_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = pytest.importorskip("datasets", reason="datasets is not installed")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    out, good = _run(tmp_path, frozenset({"parquet"}))
    data = datasets.load_dataset(
        "parquet",
        data_files=str(out / "parquet" / "*.parquet"),
        split="train",
        cache_dir=str(tmp_path / "cache"),
    )
    assert sorted(data["id"]) == sorted(sha256_of(p) for p in good)
    row = next(r for r in data if r["page_count"] == 3)
    start, end, page = row["pdf_page_numbers"][0]
    assert page == 1 and row["text"][start:end].startswith("Document 2 page 1.")
    assert row["page_methods"] == ["text-layer"] * 3 and row["profile"] == "fast"
