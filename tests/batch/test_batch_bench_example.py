"""examples/bench_batch.py runs (on one tiny PDF, one worker)."""

from __future__ import annotations

import runpy
from pathlib import Path

from batch_fixtures import make_pdf

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bench_batch.py"


def test_bench_example_measures_a_run(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "in" / "a.pdf", ["One page of text for the benchmark.", ""])
    module = runpy.run_path(str(EXAMPLE))
    row = module["run_once"]([str(pdf.parent)], 1, "fast", tmp_path / "out")
    assert (row["documents"], row["failed"], row["pages"]) == (1, 0, 2)
    assert row["pages_by_method"] == {"text-layer": 1, "blank": 1}
    assert row["pages_per_s"] > 0 and row["peak_worker_rss_mib"] > 10
