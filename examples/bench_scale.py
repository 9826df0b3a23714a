"""Benchmark how ``pdf2md batch`` scales: documents/s and pages/s for 1, 2, ... all cores on
the local pool, and on a Ray cluster, over generated multi-page PDFs.

Generate 1,000 PDFs of 3 pages and run the local pool with 1, 2 and all cores::

    PYTHONPATH=. python examples/bench_scale.py --documents 1000 --pages 3 --local 1 2 all

Add a Ray cluster started beforehand (``ray start --head`` plus ``ray start --address`` on
the other nodes; see docs/batch.md) with ``--ray-address HOST:PORT --ray-workers N``.
Each run goes into a fresh OUTDIR in a child process of its own; time is wall-clock from
planning to the last shard, worker start-up included. Prints one JSON line per run and a
Markdown table with the scaling efficiency ``rate(N) / (N x rate(1))`` and, for Ray, the
per-worker rate against the local pool's at the same worker count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
]


def generate(folder: Path, documents: int, pages: int) -> Path:
    """``documents`` PDFs of ``pages`` text pages each in ``folder`` (kept between runs)."""
    import pymupdf

    stamp = folder / f".generated-{documents}x{pages}"
    if stamp.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(documents):
        doc = pymupdf.open()
        for p in range(pages):
            page = doc.new_page(width=595, height=842)
            body = " ".join(WORDS[(i * 7 + p * 3 + k) % len(WORDS)] for k in range(350))
            page.insert_textbox(pymupdf.Rect(60, 60, 535, 400), f"Section {p + 1}", fontsize=16)
            page.insert_textbox(pymupdf.Rect(60, 100, 535, 800), body, fontsize=10)
        doc.save(folder / f"doc{i:05d}.pdf")
        doc.close()
    stamp.write_text("ok\n")
    return folder


def run_once(
    inputs: str, out: str, *, workers: int, profile: str, ray_address: str | None = None
) -> dict[str, Any]:
    """One batch in this process: local pool of ``workers``, or that many Ray actors."""
    from pdf2md.batch import BatchConfig, ConvertOptions, LocalPool, WorkerSpec, run_batch

    engine: Any
    if ray_address:
        from pdf2md.batch.ray_engine import RayEngine

        engine = RayEngine(workers=workers, address=ray_address)
    else:
        engine = LocalPool(workers)
    config = BatchConfig(
        inputs=(inputs,),
        output_dir=out,
        formats=frozenset({"jsonl"}),
        options=ConvertOptions(profile=profile),
        worker=WorkerSpec(timeout_s=600, max_tasks=100_000),
    )
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    summary = run_batch(config, engine)
    seconds = time.monotonic() - started
    return {
        "engine": "ray" if ray_address else "local",
        "workers": workers,
        "documents": summary.done,
        "failed": summary.failed,
        "pages": summary.pages,
        "seconds": round(seconds, 2),
        "docs_per_s": round(summary.done / seconds, 3),
        "pages_per_s": round(summary.pages / seconds, 3),
        "cpus": os.cpu_count(),
        "load_avg_1m_before": round(load_before, 2),
        "load_avg_1m_after": round(os.getloadavg()[0], 2),
    }


def _child(args: argparse.Namespace, workers: int, ray_address: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pdf2md-scale-") as out:
        cmd = [sys.executable, __file__, "--one", "--inputs", str(args.inputs), "--out", out,
               "--workers", str(workers), "--profile", args.profile,
               *(["--ray-address", ray_address] if ray_address else [])]  # fmt: skip
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return row


def _table(rows: list[dict[str, Any]]) -> None:
    base = next((r for r in rows if r["engine"] == "local" and r["workers"] == 1), rows[0])
    local = {r["workers"]: r for r in rows if r["engine"] == "local"}
    print("\n| engine | workers | documents | pages | seconds | docs/s | pages/s "
          "| efficiency vs 1 local | per worker vs local pool |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        efficiency = r["pages_per_s"] / (r["workers"] * base["pages_per_s"])
        same = local.get(r["workers"])
        versus = f"{r['pages_per_s'] / same['pages_per_s']:.2f}x" if same else "-"
        print(f"| {r['engine']} | {r['workers']} | {r['documents']} | {r['pages']} | "
              f"{r['seconds']} | {r['docs_per_s']} | {r['pages_per_s']} | {efficiency:.2f} | "
              f"{versus if r['engine'] == 'ray' else '-'} |")  # fmt: skip


def main() -> None:
    """Generate the corpus, run every configuration in a child process, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "pdf2md-scale")
    parser.add_argument("--local", nargs="*", default=["1", "2", "all"], help="worker counts")
    parser.add_argument("--ray-address", default=None)
    parser.add_argument("--ray-workers", type=int, nargs="*", default=[])
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        row = run_once(args.inputs, args.out, workers=args.workers, profile=args.profile,
                       ray_address=args.ray_address)  # fmt: skip
        print(json.dumps(row))
        return
    args.inputs = generate(
        args.corpus / f"{args.documents}x{args.pages}", args.documents, args.pages
    )
    counts = sorted({(os.cpu_count() or 1) if c == "all" else int(c) for c in args.local})
    rows = []
    for workers in counts:
        rows.append(_child(args, workers, None))
        print(json.dumps(rows[-1]), flush=True)
    for workers in args.ray_workers if args.ray_address else []:
        rows.append(_child(args, workers, args.ray_address))
        print(json.dumps(rows[-1]), flush=True)
    _table(rows)


if __name__ == "__main__":
    main()
