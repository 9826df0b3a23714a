"""The output store behind OUTDIR: local folders and fsspec URLs behave alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_fixtures import FAKE_CONVERTER, InProcessEngine, build_corpus, sha256_of

from pdf2md.batch import BatchConfig, ConvertOptions, WorkerSpec, run_batch
from pdf2md.batch.jsonl import decode_shard
from pdf2md.batch.store import FsspecStore, LocalStore, is_url, open_store

fsspec = pytest.importorskip("fsspec")


def test_is_url_and_file_urls() -> None:
    assert is_url("s3://b/x") and is_url("hf://datasets/a/b")
    assert not is_url("/data/x") and not is_url("file:///data/x")
    assert isinstance(open_store("file:///tmp/out"), LocalStore)
    assert open_store("file:///tmp/out").url == "/tmp/out"


@pytest.mark.parametrize("make", [lambda p: LocalStore(p), lambda p: FsspecStore("memory://s")])
def test_store_round_trip(tmp_path: Path, make: object) -> None:
    store = make(tmp_path / "s")  # type: ignore[operator]
    assert store.names("a") == [] and not store.exists("a/b.json")
    store.write("a/b.json", b"1")
    store.write("a/b.json", b"2")  # replaced whole
    store.write("a/c.json", b"3")
    assert store.read("a/b.json") == b"2" and store.names("a") == ["b.json", "c.json"]
    store.delete("a/b.json")
    store.delete("a/b.json")  # a missing one is fine
    with pytest.raises(FileNotFoundError):
        store.read("a/b.json")
    assert store.names("a") == ["c.json"]


def test_url_inputs_and_outdir_in_one_process(tmp_path: Path) -> None:
    """memory:// stands in for an object store (one process: the in-process engine)."""
    corpus = build_corpus(tmp_path / "in", good=3, hang=False)
    fs = fsspec.filesystem("memory")
    for path in corpus.root.rglob("*.pdf"):
        fs.pipe_file(f"/corpus/{path.relative_to(corpus.root).as_posix()}", path.read_bytes())
    config = BatchConfig(
        inputs=("memory://corpus/",),
        output_dir="memory://out/",
        formats=frozenset({"md", "jsonl"}),
        shard_size=2,
        options=ConvertOptions(profile="fast"),
        worker=WorkerSpec(converter=FAKE_CONVERTER),
    )
    summary = run_batch(config, InProcessEngine())
    assert (summary.done, summary.failed) == (len(corpus.good), len(corpus.bad))
    store = open_store("memory://out/")
    ids = [
        r for name in store.names("jsonl") for r in decode_shard(name, store.read(f"jsonl/{name}"))
    ]
    assert sorted(r["id"] for r in ids) == sorted(sha256_of(p) for p in corpus.good.values())
    assert store.exists("sub/doc01.md") and store.exists("errors.jsonl")
    again = run_batch(config, InProcessEngine())
    assert (again.done, again.skipped) == (0, summary.total)
