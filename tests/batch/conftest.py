"""Fixture PDFs for the batch tests: good, blank, corrupt, encrypted, empty and hanging."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest

HANG_TOKEN = "PDF2MD-TEST-HANG-7f3a"
HOG_TOKEN = "PDF2MD-TEST-HOG-91c2"
CRASH_TOKEN = "PDF2MD-TEST-CRASH-5d0e"

FAKE_CONVERTER = "batch_fakes:fake_convert"

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()


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
        goods[f"doc{i:02d}"] = make_pdf(root / "sub" / f"doc{i:02d}.pdf" if i % 2 else root / f"doc{i:02d}.pdf", pages)
    goods["blank"] = make_pdf(root / "blank.pdf", [""])
    bads: dict[str, Path] = {}
    corrupt = root / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage \x00\xff" * 3)
    bads["corrupt"] = corrupt
    enc = pymupdf.open()
    enc.new_page().insert_text((50, 50), "secret text")
    enc.save(root / "encrypted.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="own")
    enc.close()
    bads["encrypted"] = root / "encrypted.pdf"
    (root / "empty.pdf").write_bytes(b"")
    bads["empty"] = root / "empty.pdf"
    if hang:
        bads["slow"] = make_pdf(root / "slow.pdf", [f"This one hangs. {HANG_TOKEN}"])
    return Corpus(root, goods, bads)


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The standard fixture corpus in ``tmp_path/in``."""
    return build_corpus(tmp_path / "in")


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arm the fake converter's hang/hog/crash tokens for worker processes."""
    monkeypatch.setenv("PDF2MD_TEST_HANG_TOKEN", HANG_TOKEN)
    monkeypatch.setenv("PDF2MD_TEST_HOG_TOKEN", HOG_TOKEN)
    monkeypatch.setenv("PDF2MD_TEST_CRASH_TOKEN", CRASH_TOKEN)
