"""Benchmark ``pdf2md batch``: pages per second with 1 and 2 workers, peak memory per worker.

Each worker count runs in a fresh child process (so peak-memory figures do not mix) into a
fresh output folder, over the same inputs::

    PYTHONPATH=. python examples/bench_batch.py /work/shared/corpus/readoc/arxiv/pdf \\
        /work/shared/corpus/pdfplumber/pdfs --workers 1 2 --profile default

Prints one JSON line per worker count and a Markdown table for docs/benchmarks.md. Time
includes planning, worker start-up and model warm-up, i.e. what a user waits for. On a busy
machine wall-clock scaling says little; ``pages_per_worker_cpu_s`` (pages per CPU-second
the workers used) is the per-core rate an idle machine would show.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_once(
    inputs: list[str], workers: int, profile: str, out: Path, cpus: int | None = None
) -> dict[str, Any]:
    """One batch in this process; returns throughput and the largest worker's peak RSS."""
    from pdf2md.batch import BatchConfig, ConvertOptions, LocalPool, WorkerSpec, run_batch

    config = BatchConfig(
        inputs=tuple(Path(p) for p in inputs),
        output_dir=out,
        formats=frozenset({"md", "jsonl"}),
        options=ConvertOptions(profile=profile, timeout_s=600),
        worker=WorkerSpec(timeout_s=660, max_memory_mb=8192, recycle_memory_mb=None),
    )
    summary = run_batch(config, LocalPool(workers, cpus_per_worker=cpus))
    # ru_maxrss of RUSAGE_CHILDREN: the peak RSS of the largest child = of one worker (KiB)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = usage.ru_maxrss
    worker_cpu_s = usage.ru_utime + usage.ru_stime  # all workers together, warm-up included
    return {
        "workers": workers,
        "cpus_per_worker": cpus,
        "profile": profile,
        "documents": summary.done,
        "failed": summary.failed,
        "pages": summary.pages,
        "pages_by_method": dict(summary.pages_by_method),
        "seconds": round(summary.seconds, 2),
        "pages_per_s": round(summary.pages / summary.seconds, 3),
        "peak_worker_rss_mib": round(peak_kib / 1024),
        "worker_cpu_s": round(worker_cpu_s, 1),
        "pages_per_worker_cpu_s": round(summary.pages / worker_cpu_s, 3),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "errors": [
            f"{Path(e['path']).name}: {e['stage']}: {e['error'][:120]}"
            for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())
        ],
    }


def main() -> None:
    """Run each worker count in a child process and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--profile", default="default")
    parser.add_argument(
        "--cpus-per-worker", type=int, default=None, help="pin each worker to N cores"
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix="pdf2md-bench-") as folder:
            result = run_once(
                args.inputs, args.workers[0], args.profile, Path(folder), args.cpus_per_worker
            )
            print(json.dumps(result))
        return
    rows = []
    for workers in args.workers:
        cmd = [
            sys.executable,
            __file__,
            *args.inputs,
            "--one",
            "--workers",
            str(workers),
            "--profile",
            args.profile,
            *(["--cpus-per-worker", str(args.cpus_per_worker)] if args.cpus_per_worker else []),
        ]
        line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
        rows.append(json.loads(line.splitlines()[-1]))
        print(line, flush=True)
    columns = [
        "workers",
        "documents",
        "pages",
        "seconds",
        "pages/s",
        "speed-up",
        "pages/CPU-s",
        "peak-RSS/worker",
    ]
    print("\n| " + " | ".join(columns) + " |")
    print("|" + "---:|" * len(columns))
    for row in rows:
        speedup = row["pages_per_s"] / rows[0]["pages_per_s"]
        print(
            f"| {row['workers']} | {row['documents']} | {row['pages']} | {row['seconds']} | "
            f"{row['pages_per_s']} | {speedup:.2f}x | {row['pages_per_worker_cpu_s']} | "
            f"{row['peak_worker_rss_mib']} MiB |"
        )


if __name__ == "__main__":
    main()
