"""A real two-node Ray cluster loses its second node mid-run: every PDF is in the output once.

The inputs and OUTDIR are on the SeaweedFS S3 server when its binary is there (the workers
on both nodes write their own outputs to it), else in local folders.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from batch_fixtures import FAKE_CONVERTER, make_pdf, sentence, sha256_of

from pdf2md.batch import BatchConfig, ConvertOptions, WorkerSpec, run_batch
from pdf2md.batch.commit import shard_rel
from pdf2md.batch.jsonl import decode_shard
from pdf2md.batch.store import open_store

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install pdf2md[ray])")

DOCS = 12


def _corpus(root: Path) -> list[Path]:
    return [
        make_pdf(root / f"paper{i:02d}.pdf", [f"Paper {i} page {p + 1}. {sentence(i * 5 + p)}"
                                              for p in range(2 + i % 3)])
        for i in range(DOCS)
    ]  # fmt: skip


def _locations(request: pytest.FixtureRequest, tmp_path: Path, pdfs: list[Path]) -> tuple[str, str]:
    """(input folder, OUTDIR): on S3 where the server runs, else local."""
    try:
        request.getfixturevalue("s3")
    except pytest.skip.Exception:
        return str(pdfs[0].parent), str(tmp_path / "out")
    import s3fs

    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    prefix = f"pdf2md-tests/ray{os.getpid()}-{time.monotonic_ns()}"
    if not fs.exists("pdf2md-tests"):
        fs.mkdir("pdf2md-tests")
    for pdf in pdfs:
        fs.put_file(str(pdf), f"{prefix}/in/{pdf.name}")
    return f"s3://{prefix}/in/", f"s3://{prefix}/out/"


def _kill_second_node_after(cluster: Any, out: str, done_at_least: int) -> threading.Thread:
    """SIGKILL the second node's raylet once ``done_at_least`` documents are done."""
    store = open_store(out)

    def watch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if _done_count(store) >= done_at_least:
                pid = cluster.second_raylet_pid()
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _done_count(store: Any) -> int:
    if hasattr(store, "fs"):
        return len(store.fs.find(f"{store.root}/.pdf2md-batch/done"))
    return sum(1 for _ in Path(store.root, ".pdf2md-batch", "done").rglob("*.json"))


@pytest.mark.timeout(240)
def test_losing_a_node_mid_run_loses_and_duplicates_nothing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from ray_cluster import two_node_cluster

    from pdf2md.batch.ray_engine import RayEngine

    pdfs = _corpus(tmp_path / "in")
    inputs, out = _locations(request, tmp_path, pdfs)
    monkeypatch.setenv("PDF2MD_TEST_SLEEP_S", "0.4")  # long enough to be caught mid-run
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in sys.path if p))
    config = BatchConfig(
        inputs=(inputs,),
        output_dir=out,
        formats=frozenset({"md", "jsonl"}),
        shard_size=4,
        options=ConvertOptions(profile="fast"),
        worker=WorkerSpec(converter=FAKE_CONVERTER, timeout_s=60, warm_up=None),
    )
    with two_node_cluster(os.environ) as cluster:
        ray.init(address=cluster.address, _node_ip_address="127.0.0.1", log_to_driver=False)
        try:
            assert len(ray.nodes()) == 2
            killer = _kill_second_node_after(cluster, out, done_at_least=3)
            with caplog.at_level(logging.WARNING, logger="pdf2md.batch"):
                summary = run_batch(config, RayEngine(workers=2))
            killer.join(timeout=5)
        finally:
            ray.shutdown()
        assert cluster.second_raylet_pid() is None, "the second node was not killed"
    assert "replaced a lost Ray worker" in caplog.text
    assert "trying it once more" in caplog.text  # its document was redone on the head node
    assert (summary.done, summary.failed) == (DOCS, 0)
    store = open_store(out)
    ids = [
        r["id"]
        for shard in ("shard-00000", "shard-00001", "shard-00002")
        for r in decode_shard(shard + ".jsonl", store.read(shard_rel(shard, "jsonl", "none")))
    ]
    assert sorted(ids) == sorted(sha256_of(p) for p in pdfs)  # each once: none lost, none twice
    assert sorted(n for n in store.names("") if n.endswith(".md")) == sorted(
        f"{p.stem}.md" for p in pdfs
    )
