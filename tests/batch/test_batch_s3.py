"""Batches from and to a real S3 store (SeaweedFS on loopback): every PDF once, no secrets."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from batch_fixtures import FAKE_CONVERTER, Corpus, build_corpus, make_pdf, sentence, sha256_of
from seaweed import ACCESS_KEY, SECRET_KEY, S3Server
from typer.testing import CliRunner

from pdf2md.batch import BatchConfig, ConvertOptions, LocalPool, WorkerSpec, run_batch
from pdf2md.batch.jsonl import decode_shard
from pdf2md.batch.parquet import decode_parquet
from pdf2md.batch.state import OutputLocked

BUCKET = "pdf2md-tests"

s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed (pip install pdf2md[batch])")


def _fs() -> Any:
    return s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)


def _bucket_with(corpus: Corpus) -> str:
    """A fresh folder of the test bucket holding the corpus below ``in/``; returns
    ``bucket/folder`` (one bucket for all: SeaweedFS gives each bucket volumes of its own)."""
    fs = _fs()
    if not fs.exists(BUCKET):
        fs.mkdir(BUCKET)
    bucket = f"{BUCKET}/t{uuid.uuid4().hex[:12]}"
    for path in corpus.root.rglob("*.pdf"):
        fs.put_file(str(path), f"{bucket}/in/{path.relative_to(corpus.root).as_posix()}")
    return bucket


def _objects(fs: Any, prefix: str) -> dict[str, bytes]:
    return {name[len(prefix) + 1 :]: fs.cat_file(name) for name in fs.find(prefix)}


def _assert_no_secrets(*blobs: bytes | str) -> None:
    for blob in blobs:
        data = blob.encode() if isinstance(blob, str) else blob
        assert SECRET_KEY.encode() not in data and ACCESS_KEY.encode() not in data


def _records(objects: dict[str, bytes]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    jsonl = [r for n, d in sorted(objects.items()) if n.startswith("jsonl/")
             for r in decode_shard(n, d)]  # fmt: skip
    parquet = [r for n, d in sorted(objects.items()) if n.startswith("parquet/")
               for r in decode_parquet(d)]  # fmt: skip
    return jsonl, parquet


def test_s3_folder_to_s3_outdir_exactly_once(s3: S3Server, tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "in", good=5, hang=False)
    bucket = _bucket_with(corpus)
    log = tmp_path / "workers.log"
    config = BatchConfig(
        inputs=(f"s3://{bucket}/in/",),
        output_dir=f"s3://{bucket}/out/",
        formats=frozenset({"md", "jsonl", "parquet"}),
        shard_size=3,
        options=ConvertOptions(profile="fast"),
        worker=WorkerSpec(converter=FAKE_CONVERTER, timeout_s=60, log_path=str(log)),
    )
    summary = run_batch(config, LocalPool(2))
    assert (summary.done, summary.failed) == (len(corpus.good), len(corpus.bad))
    assert summary.shards_written == 3

    fs = _fs()
    objects = _objects(fs, f"{bucket}/out")
    jsonl, parquet = _records(objects)
    expected = sorted(sha256_of(p) for p in corpus.good.values())
    assert sorted(r["id"] for r in jsonl) == expected
    assert parquet == jsonl  # the same records, field for field
    assert {r["metadata"]["path"] for r in jsonl} == {
        f"s3://{bucket}/in/{p.relative_to(corpus.root).as_posix()}" for p in corpus.good.values()
    }
    mds = sorted(n for n in objects if n.endswith(".md"))
    assert mds == sorted(
        p.relative_to(corpus.root).with_suffix(".md").as_posix() for p in corpus.good.values()
    )
    errors = [json.loads(line) for line in objects["errors.jsonl"].splitlines()]
    assert sorted(e["path"].rsplit("/", 1)[1] for e in errors) == sorted(
        p.name for p in corpus.bad.values()
    )
    assert not any(n.startswith(".pdf2md-batch/staged/") for n in objects)
    assert ".pdf2md-batch/claim.json" not in objects  # released
    _assert_no_secrets(*objects.values(), log.read_bytes())

    again = run_batch(config, LocalPool(2))
    assert (again.done, again.failed, again.skipped) == (0, 0, summary.total)
    assert _records(_objects(fs, f"{bucket}/out")) == (jsonl, parquet)


def test_cli_with_a_manifest_of_urls(s3: S3Server, tmp_path: Path) -> None:
    from pdf2md.cli import _register_optional_commands, app

    pdfs = [
        make_pdf(tmp_path / "in" / f"p{i}.pdf", [sentence(i), sentence(i + 1)]) for i in range(3)
    ]
    corpus = Corpus(tmp_path / "in", {p.stem: p for p in pdfs}, {})
    bucket = _bucket_with(corpus)
    fs = _fs()
    listing = "\n".join(
        ["# the manifest", f"s3://{bucket}/in/p0.pdf", "p1.pdf", "p2.pdf", "gone.pdf", ""]
    )
    fs.pipe_file(f"{bucket}/in/manifest.txt", listing.encode())
    _register_optional_commands()
    args = ["batch", f"s3://{bucket}/in/manifest.txt", "-o", f"s3://{bucket}/out",
            "--format", "parquet", "--workers", "1", "--no-progress", "--profile", "fast",
            "--converter", FAKE_CONVERTER]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # gone.pdf failed
    _assert_no_secrets(result.output)
    objects = _objects(fs, f"{bucket}/out")
    _, parquet = _records(objects)
    assert sorted(r["id"] for r in parquet) == sorted(sha256_of(p) for p in pdfs)
    assert [json.loads(line)["path"] for line in objects["errors.jsonl"].splitlines()] == [
        f"s3://{bucket}/in/gone.pdf"
    ]
    assert f"errors: s3://{bucket}/out/errors.jsonl" in result.output


def test_wrong_credentials_fail_without_showing_them(
    s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdf2md.cli import _register_optional_commands, app

    bucket = _bucket_with(Corpus(tmp_path, {}, {}))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY[::-1])
    _register_optional_commands()
    result = CliRunner().invoke(app, ["batch", f"s3://{bucket}/in/", "-o", f"s3://{bucket}/o"])
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert result.output.startswith("pdf2md: error:")
    assert SECRET_KEY[::-1] not in result.output
    _assert_no_secrets(result.output)


def test_a_live_run_claim_keeps_a_second_run_out(s3: S3Server, tmp_path: Path) -> None:
    from pdf2md.batch.claim import RunClaim
    from pdf2md.batch.store import open_store

    bucket = _bucket_with(Corpus(tmp_path, {}, {}))
    store = open_store(f"s3://{bucket}/out/")
    first = RunClaim(store)
    first.acquire()
    try:
        with pytest.raises(OutputLocked, match="in use by another pdf2md batch"):
            RunClaim(store).acquire()
    finally:
        first.release()
    stale = RunClaim(store, stale_s=0.0)  # a claim of a dead driver is taken over
    RunClaim(store).acquire()
    stale.acquire()
    stale.release()
