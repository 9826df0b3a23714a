"""Fixture PDFs and checks for the batch tests: good, blank, corrupt, encrypted, empty, hanging."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf

from pdf2md.batch.atomic import TMP_SUFFIX
from pdf2md.batch.commit import Job, JobRunner
from pdf2md.batch.converter import load_converter
from pdf2md.batch.jsonl import read_shard
from pdf2md.batch.task import Outcome, Task
from pdf2md.batch.worker import WorkerSpec

HANG_TOKEN = "PDF2MD-TEST-HANG-7f3a"
HOG_TOKEN = "PDF2MD-TEST-HOG-91c2"
CRASH_TOKEN = "PDF2MD-TEST-CRASH-5d0e"

FAKE_CONVERTER = "batch_fakes:fake_convert"
TEXT_CONVERTER = "batch_fakes:text_convert"

WORDS = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda",
]  # fmt: skip


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one text block per page (an empty string gives a blank page)."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=300, height=400)
        if text:
            page.insert_textbox(pymupdf.Rect(20, 20, 280, 380), text, fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def sentence(seed: int, n: int = 30) -> str:
    """Deterministic English-looking text, different for every seed."""
    return " ".join(f"{WORDS[(seed * 7 + i) % len(WORDS)]}{seed}" for i in range(n))


@dataclass(frozen=True)
class Corpus:
    """The fixture folder and which documents should succeed or fail."""

    root: Path
    good: dict[str, Path]
    bad: dict[str, Path]


def build_corpus(root: Path, *, good: int = 6, hang: bool = True) -> Corpus:
    """Good PDFs (1-3 pages, one blank PDF) and bad ones (corrupt, encrypted, empty, hang)."""
    goods: dict[str, Path] = {}
    for i in range(good):
        pages = [f"Document {i} page {p + 1}. {sentence(i * 10 + p)}" for p in range(1 + i % 3)]
        goods[f"doc{i:02d}"] = make_pdf(
            root / "sub" / f"doc{i:02d}.pdf" if i % 2 else root / f"doc{i:02d}.pdf", pages
        )
    goods["blank"] = make_pdf(root / "blank.pdf", [""])
    bads: dict[str, Path] = {}
    corrupt = root / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage \x00\xff" * 3)
    bads["corrupt"] = corrupt
    enc = pymupdf.open()
    enc.new_page().insert_text((50, 50), "secret text")
    enc.save(
        root / "encrypted.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="own"
    )
    enc.close()
    bads["encrypted"] = root / "encrypted.pdf"
    (root / "empty.pdf").write_bytes(b"")
    bads["empty"] = root / "empty.pdf"
    if hang:
        bads["slow"] = make_pdf(root / "slow.pdf", [f"This one hangs. {HANG_TOKEN}"])
    return Corpus(root, goods, bads)


class InProcessEngine:
    """An engine that runs jobs in the test process (no workers): fast runner tests."""

    def __init__(self) -> None:
        self.converted: list[str] = []

    def run(
        self, tasks: Sequence[Job], spec: WorkerSpec, on_outcome: Callable[[Outcome], Sequence[Job]]
    ) -> None:
        run_job = JobRunner(load_converter(spec.converter))
        pending = deque(tasks)
        while pending:
            task = pending.popleft()
            if isinstance(task, Task):
                self.converted.append(task.path)
            pending.extend(on_outcome(run_job(task)))


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def all_records(out: Path) -> list[dict[str, Any]]:
    """Every JSONL record of every shard file under ``out/jsonl``."""
    records: list[dict[str, Any]] = []
    for shard in sorted((out / "jsonl").glob("shard-*")):
        records.extend(read_shard(shard))
    return records


def error_lines(out: Path) -> list[dict[str, Any]]:
    """The lines of ``out/errors.jsonl``."""
    path = out / "errors.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def assert_exactly_once(out: Path, corpus: Corpus, *, jsonl: bool = True, md: bool = True) -> None:
    """Every good document once in the outputs, every bad one once in the errors file."""
    if jsonl:
        ids = [r["id"] for r in all_records(out)]
        assert sorted(ids) == sorted(sha256_of(p) for p in corpus.good.values())
    if md:
        mds = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
        expected = sorted(
            p.relative_to(corpus.root).with_suffix(".md").as_posix() for p in corpus.good.values()
        )
        assert mds == expected
    errors = error_lines(out)
    assert sorted(e["path"] for e in errors) == sorted(
        str(p.resolve()) for p in corpus.bad.values()
    )
    assert not list(out.rglob(f"*{TMP_SUFFIX}")), "a temporary file was left behind"
