"""The progress line and the summary."""

from __future__ import annotations

import io

from pdf2md.batch.progress import BatchSummary, ProgressBar, format_duration


def test_progress_line_rate_and_eta() -> None:
    now = [100.0]
    stream = io.StringIO()
    bar = ProgressBar(10, stream, clock=lambda: now[0], log_every_s=0)
    now[0] = 104.0
    bar.advance(pages=8, failed=False)
    bar.advance(pages=0, failed=True)
    assert bar.line() == "[####----------------] 2/10 docs, 1 failed, 8 pages, 2.0 pages/s, ETA 16s"
    assert stream.getvalue().splitlines()[-1] == bar.line()


def test_durations_and_summary() -> None:
    assert [format_duration(s) for s in (5, 75, 3725)] == ["5s", "1m15s", "1h02m"]
    summary = BatchSummary(total=5, done=3, failed=1, skipped=1, seconds=10, errors_path="e.jsonl")
    summary.add_methods({"text-layer": 4, "ocr": 1})
    assert summary.format().splitlines() == [
        "documents: 5 in input, 3 done, 1 failed, 1 skipped (finished earlier)",
        "pages: 5 (ocr 1, text-layer 4)",
        "time: 10s (0.50 pages/s)",
        "errors: e.jsonl",
    ]
