"""Speed and memory benchmark: pdf2md (default, fast) against pymupdf4llm on the same PDFs.

Each converter runs in its own fresh process per document set, so imports and model loading
are counted once, as a user would see them. Reports pages per second, the per-stage time
breakdown of pdf2md, and peak RSS; with ``--memory PDF`` it samples RSS every 10 pages of one
long PDF to show whether memory grows with page count.

Usage:
    python docs/bench_speed.py CORPUS_DIR [CORPUS_DIR ...] [--limit N] [--memory LONG.pdf]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

_WORKER = r"""
import json, sys, time, resource
paths = json.loads(sys.argv[2]); which = sys.argv[1]
t0 = time.perf_counter()
pages = 0; stages = {}
if which == "pymupdf4llm":
    import pymupdf, pymupdf4llm
    for p in paths:
        doc = pymupdf.open(p); pages += doc.page_count
        pymupdf4llm.to_markdown(doc)
else:
    from pdf2md.pipeline import Converter
    converter = Converter(which)
    for p in paths:
        r = converter.convert(p)
        if r.document is not None:
            pages += len(r.document.pages)
        for k, v in r.timings.items():
            stages[k] = stages.get(k, 0.0) + v
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"pages": pages, "wall_s": wall, "peak_rss_mb": rss, "stages": stages}))
"""

_MEMORY = r"""
import json, sys
from pdf2md.pipeline import convert

def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
samples = []
def progress(done, total):
    if done % 16 == 0 or done == total:
        samples.append((done, rss_mb()))
convert(sys.argv[1], profile=sys.argv[2], on_progress=progress)
print(json.dumps(samples))
"""


def _run(which: str, paths: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _WORKER, which, json.dumps(paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--memory", type=Path, default=None)
    parser.add_argument("--converters", default="pymupdf4llm,default,fast")
    args = parser.parse_args()
    paths = sorted(str(p) for d in args.corpus for p in d.rglob("*.pdf"))
    if args.limit:
        paths = paths[: args.limit]
    print(f"{len(paths)} PDFs")
    if not paths:
        args.converters = ""
    print("| converter | pages | wall s | pages/s | peak RSS MB | stages (s) |")
    print("|---|---:|---:|---:|---:|---|")
    for which in filter(None, args.converters.split(",")):
        r = _run(which, paths)
        pages, wall = int(r["pages"]), float(r["wall_s"])  # type: ignore[arg-type]
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())  # type: ignore[union-attr]
        print(
            f"| {which} | {pages} | {wall:.1f} | {pages / wall:.2f} | "
            f"{float(r['peak_rss_mb']):.0f} | {stages} |"
        )  # type: ignore[arg-type]
    if args.memory:
        for profile in ("default",):
            out = subprocess.run(
                [sys.executable, "-c", _MEMORY, str(args.memory), profile],
                capture_output=True,
                text=True,
                check=True,
            )
            samples = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"peak RSS (MB) after N pages of {args.memory.name}, {profile}: "
                + ", ".join(f"{n}: {m:.0f}" for n, m in samples)
            )


if __name__ == "__main__":
    main()
