"""Speed and memory benchmark: pdf2md's profiles against every peer converter installed here.

Every converter runs in a fresh process over the same PDFs, one after the other, for each
round (so drift on a shared machine hits them alike); imports and model loading are counted
once per process, as a batch worker sees them. It prints pages/s, peak RSS, and for pdf2md
the seconds per stage (summed over its processes) and how many pages needed OCR. With
``--memory PDF`` it samples RSS every 16 pages of one long PDF instead.

Peers, each used where it imports (or, for pdftotext, where it is on PATH): pdftotext
(poppler, text only: the floor), kreuzberg, edgeparse, opendataloader-pdf (one JVM for all
files), pymupdf4llm.

Usage:
    python docs/bench_speed.py DIR_OR_PDF [...] [--manifest M --kind born-digital]
        [--converters pdftotext,kreuzberg,edgeparse,opendataloader-pdf,pymupdf4llm,fast,default]
        [--rounds 2] [--workers N] [--memory LONG.pdf]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PEERS = ("pdftotext", "kreuzberg", "edgeparse", "opendataloader-pdf", "pymupdf4llm")
DEFAULT_CONVERTERS = ",".join((*PEERS, "fast", "default"))

_WORKER = r"""
import json, os, subprocess, sys, tempfile, time
which, paths, workers = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
stages, ocr_pages = {}, 0
if which == "pdftotext":
    for p in paths:
        subprocess.run(["pdftotext", "-layout", p, "-"], stdout=subprocess.DEVNULL, check=False)
elif which == "kreuzberg":
    from kreuzberg import ExtractionConfig, extract_file_sync
    config = ExtractionConfig(output_format="markdown")
    for p in paths:
        extract_file_sync(p, config=config)
elif which == "edgeparse":
    import edgeparse
    for p in paths:
        edgeparse.convert(p, format="markdown")
elif which == "opendataloader-pdf":
    import opendataloader_pdf
    with tempfile.TemporaryDirectory() as out:
        opendataloader_pdf.convert(input_path=paths, output_dir=out, format="markdown", quiet=True)
elif which == "pymupdf4llm":
    import pymupdf, pymupdf4llm
    for p in paths:
        pymupdf4llm.to_markdown(pymupdf.open(p))
else:
    if workers > 1:
        from pdf2md.onnx_env import limit_onnx_threads
        limit_onnx_threads(1)
    from pdf2md.pipeline import Converter
    with Converter(which, workers=workers) as converter:
        for p in paths:
            r = converter.convert(p)
            for k, v in r.timings.items():
                stages[k] = stages.get(k, 0.0) + v
            ocr_pages += int(r.stats.get("ocr_pages", 0))
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "stages": stages, "ocr_pages": ocr_pages}))
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


def available(which: str) -> bool:
    """Whether a converter can run here."""
    if which == "pdftotext":
        return shutil.which("pdftotext") is not None
    module = {"opendataloader-pdf": "opendataloader_pdf"}.get(which, which)
    if which not in PEERS:
        module = "pdf2md"
    probe = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, check=False
    )
    return probe.returncode == 0 and (which != "opendataloader-pdf" or bool(shutil.which("java")))


def pdf_paths(inputs: list[Path], manifest: Path | None, kind: str | None) -> list[str]:
    """The PDFs under ``inputs`` (sorted), kept to those the manifest tags with ``kind``."""
    paths = sorted(
        str(p) for item in inputs for p in ([item] if item.is_file() else item.rglob("*.pdf"))
    )
    if manifest is None or kind is None:
        return paths
    root = manifest.parent.resolve()
    tagged = set()
    for line in manifest.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if kind in row.get("kinds", ()):
            tagged.add(str((root / row["pdf"]).resolve()))
    return [p for p in paths if str(Path(p).resolve()) in tagged]


def page_count(paths: list[str]) -> int:
    """Pages of all the PDFs (the same count for every converter)."""
    import pymupdf

    total = 0
    for p in paths:
        with pymupdf.open(p) as doc:
            total += doc.page_count
    return total


def run_one(which: str, paths: list[str], workers: int) -> dict[str, object]:
    """One converter over all the PDFs, in a fresh process; its memory (and that of every
    process it starts: pdf2md's page helpers, the JVM) is sampled five times a second."""
    import psutil

    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    command = [sys.executable, "-c", _WORKER, which, json.dumps(paths), str(workers)]
    largest = total = 0.0
    with (
        tempfile.TemporaryDirectory() as cwd,
        tempfile.TemporaryFile("w+") as out,
        subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd, env=env) as proc,
    ):
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                sizes = [p.memory_info().rss / 2**20 for p in tree]
            except psutil.Error:
                sizes = []
            largest, total = max(largest, *sizes, 0.0), max(total, sum(sizes))
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)
        if proc.returncode != 0:
            raise RuntimeError(f"{which} failed with exit status {proc.returncode}")
        out.seek(0)
        result: dict[str, object] = json.loads(out.read().strip().splitlines()[-1])
    return {**result, "rss_mb": largest, "tree_rss_mb": total}


def _row(which: str, workers: int, pages: int, runs: list[dict[str, object]]) -> str:
    walls = [float(r["wall_s"]) for r in runs]  # type: ignore[arg-type]
    rates = " / ".join(f"{pages / w:.1f}" for w in walls)
    rss = max(float(r["rss_mb"]) for r in runs)  # type: ignore[arg-type]
    tree = max(float(r["tree_rss_mb"]) for r in runs)  # type: ignore[arg-type]
    stages = runs[-1]["stages"]
    assert isinstance(stages, dict)
    stage_text = ", ".join(f"{k} {v:.1f}" for k, v in stages.items() if v >= 0.05)
    name = which if which in PEERS else f"pdf2md `{which}` (workers {workers})"
    ocr = f"{runs[-1]['ocr_pages']}" if which not in PEERS else ""
    walls_text = " / ".join(f"{w:.1f}" for w in walls)
    return f"| {name} | {walls_text} | {rates} | {rss:.0f} | {tree:.0f} | {ocr} | {stage_text} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--manifest", type=Path, default=None)
    parser.add_argument("--kind", default=None, help="keep PDFs the manifest tags so")
    parser.add_argument("--converters", default=DEFAULT_CONVERTERS)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--memory", type=Path, default=None)
    args = parser.parse_args()
    if args.memory:
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY, str(args.memory), "default"],
            capture_output=True,
            text=True,
            check=True,
        )
        samples = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"RSS (MB) after N pages of {args.memory.name}, default: "
            + ", ".join(f"{n}: {m:.0f}" for n, m in samples)
        )
        return
    paths = pdf_paths(args.inputs, args.manifest, args.kind)
    pages = page_count(paths)
    converters = [c for c in args.converters.split(",") if c]
    missing = [c for c in converters if not available(c)]
    converters = [c for c in converters if c not in missing]
    print(f"{len(paths)} PDFs, {pages} pages; rounds {args.rounds}; not installed: {missing}")
    results: dict[str, list[dict[str, object]]] = {c: [] for c in converters}
    for round_no in range(args.rounds):
        for which in converters:
            results[which].append(run_one(which, paths, args.workers))
            print(f"round {round_no + 1}: {which} {results[which][-1]['wall_s']:.1f} s", flush=True)
    print(
        "| converter | wall s (per round) | pages/s (per round) | peak RSS MB, largest process | "
        "peak RSS MB, all its processes | pdf2md OCR pages | pdf2md stage s (last round) |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for which in converters:
        print(_row(which, args.workers, pages, results[which]))


if __name__ == "__main__":
    main()
