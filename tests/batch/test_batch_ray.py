"""The Ray engine on a local Ray instance gives the local pool's results."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_fixtures import (
    FAKE_CONVERTER,
    HANG_TOKEN,
    InProcessEngine,
    all_records,
    assert_exactly_once,
    build_corpus,
    error_lines,
)

from pdf2md.batch import BatchConfig, ConvertOptions, WorkerSpec, run_batch

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install pdf2md[ray])")


@pytest.fixture
def local_ray(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A two-CPU local Ray whose workers see the hang token and the fake converter."""
    monkeypatch.setenv("PDF2MD_TEST_HANG_TOKEN", HANG_TOKEN)
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in sys.path if p))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _texts(out: Path) -> dict[str, Any]:
    return {
        r["metadata"]["path"]: (
            r["id"],
            r["text"],
            r["metadata"]["pdf_page_numbers"],
            r["metadata"]["page_methods"],
        )
        for r in all_records(out)
    }


@pytest.mark.usefixtures("local_ray")
def test_ray_engine_matches_local_results(tmp_path: Path) -> None:
    from pdf2md.batch.ray_engine import RayEngine

    corpus = build_corpus(tmp_path / "in", good=4)
    config = BatchConfig(
        inputs=(corpus.root,),
        output_dir=tmp_path / "ray",
        formats=frozenset({"md", "jsonl"}),
        shard_size=3,
        options=ConvertOptions(profile="fast"),
        worker=WorkerSpec(converter=FAKE_CONVERTER, timeout_s=1.5),
    )
    summary = run_batch(config, RayEngine(workers=2))
    assert (summary.done, summary.failed) == (len(corpus.good), len(corpus.bad))
    assert_exactly_once(tmp_path / "ray", corpus)
    stages = {Path(e["path"]).stem: e["stage"] for e in error_lines(tmp_path / "ray")}
    assert stages == {
        "corrupt": "source",
        "encrypted": "source",
        "empty": "source",
        "slow": "timeout",
    }
    again = run_batch(config, RayEngine(workers=2))
    assert (again.done, again.failed, again.skipped) == (0, 0, summary.total)

    os.environ.pop("PDF2MD_TEST_HANG_TOKEN")  # the in-process reference cannot be killed
    corpus.bad.pop("slow").unlink()
    reference = BatchConfig(
        inputs=(corpus.root,),
        output_dir=tmp_path / "ref",
        formats=frozenset({"md", "jsonl"}),
        shard_size=3,
        options=ConvertOptions(profile="fast"),
        worker=WorkerSpec(converter=FAKE_CONVERTER),
    )
    run_batch(reference, InProcessEngine())
    assert _texts(tmp_path / "ray") == _texts(tmp_path / "ref")
