"""Find the evaluation subsets in a corpus folder, from the files alone.

Three kinds of subset are recognised anywhere below the corpus root:

* ``olmocr``: a ``*.jsonl`` file of olmOCR-style tests; PDFs are under ``pdfs/`` beside it.
  One subset per JSONL file, named by its path without ``.jsonl`` (``olmocr_bench/sample/dataset``).
* ``icdar``: a ``groundtruth/`` folder of ICDAR-2013 table JSON (``regions`` + ``tables``) with
  the PDFs in ``pdfs/`` beside it. Named ``<folder>/teds``.
* ``markdown``: PDFs with a Markdown (or plain-text) ground truth of the same name, either beside
  the PDF (``NAME.pdf`` + ``NAME.md`` / ``NAME.expected.md`` / ``NAME.txt``) or in a sibling folder
  (``pdf/NAME.pdf`` + ``markdown/NAME.md``, ``pdfs/`` + ``mds/``, ``pdfs/`` + ``groundtruth/``).
  Named by the folder holding both.
"""

from __future__ import annotations

import fnmatch
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pdf2md.eval.benchtests import BenchTest, load_tests, looks_like_test_file

log = logging.getLogger(__name__)

GT_FOLDERS = ("markdown", "mds", "md", "groundtruth", "ground_truth", "gt")
GT_SUFFIXES = (".md", ".expected.md", ".txt")


@dataclass(frozen=True)
class GroundTruthDoc:
    """A PDF and the file that holds its ground truth (Markdown, text or ICDAR JSON)."""

    doc_id: str
    pdf: Path
    truth: Path


@dataclass(frozen=True)
class Subset:
    """One part of a corpus, scored on its own.

    Attributes:
        name: stable name (a path relative to the corpus root).
        kind: ``"olmocr"``, ``"icdar"`` or ``"markdown"``.
        tests: the olmOCR tests (kind ``olmocr``).
        pdf_root: folder the tests' ``pdf`` paths are relative to (kind ``olmocr``).
        docs: PDFs with their ground-truth file (kinds ``icdar`` and ``markdown``).
    """

    name: str
    kind: str
    tests: tuple[BenchTest, ...] = ()
    pdf_root: Path | None = None
    docs: tuple[GroundTruthDoc, ...] = field(default_factory=tuple)

    def pdf_names(self) -> list[str]:
        """Distinct document ids of the subset, sorted."""
        if self.kind == "olmocr":
            return sorted({test.pdf for test in self.tests})
        return sorted(doc.doc_id for doc in self.docs)


_NOISE_WORDS = frozenset({"olmocr", "style", "tests", "test"})


def subset_label(name: str) -> str:
    """A readable name for a subset: folders, then the file's words without the file-naming
    noise (``pdfplumber/facts_olmocr_style`` -> ``pdfplumber: facts``).

    Example:
        >>> subset_label("olmocr_bench/orbit/arxiv_math")
        'olmocr bench orbit: arxiv math'
    """
    *folders, last = name.split("/")
    words = [w for w in last.replace("-", "_").split("_") if w]
    kept = [w for w in words if w.lower() not in _NOISE_WORDS] or words
    place = " ".join(" ".join(folders).replace("_", " ").split())
    return f"{place}: {' '.join(kept)}" if place else " ".join(kept)


def subset_labels(names: Sequence[str]) -> dict[str, str]:
    """:func:`subset_label` for each name; names whose labels would clash keep their raw name."""
    labels = {name: subset_label(name) for name in names}
    clashes = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    return {name: name if label in clashes else label for name, label in labels.items()}


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _olmocr_subsets(root: Path) -> list[Subset]:
    subsets: list[Subset] = []
    for path in sorted(root.rglob("*.jsonl")):
        if not looks_like_test_file(path):
            continue
        tests = load_tests(path)
        if tests:
            name = _rel(path.with_suffix(""), root)
            subsets.append(Subset(name, "olmocr", tuple(tests), pdf_root=path.parent / "pdfs"))
    return subsets


def _is_icdar_json(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and "tables" in data and "regions" in data


def _icdar_subsets(root: Path) -> list[Subset]:
    subsets: list[Subset] = []
    for folder in sorted(p for p in root.rglob("groundtruth") if p.is_dir()):
        docs = []
        for truth in sorted(folder.glob("*.json")):
            pdf = folder.parent / "pdfs" / f"{truth.stem}.pdf"
            if pdf.is_file() and _is_icdar_json(truth):
                docs.append(GroundTruthDoc(truth.stem, pdf, truth))
        if docs:
            subsets.append(Subset(f"{_rel(folder.parent, root)}/teds", "icdar", docs=tuple(docs)))
    return subsets


def _truth_for(pdf: Path) -> tuple[Path, Path] | None:
    """(ground-truth file, folder naming the subset) for a PDF, or None."""
    stem = pdf.stem
    for suffix in GT_SUFFIXES:
        beside = pdf.with_name(stem + suffix)
        if beside.is_file():
            return beside, pdf.parent
    # Sibling folders: walk up from the PDF, keeping the sub-path below the PDF folder.
    parts = pdf.parent
    below: list[str] = []
    for _ in range(3):
        for gt_name in GT_FOLDERS:
            gt_dir = parts.parent / gt_name
            if gt_dir == parts or not gt_dir.is_dir():
                continue
            for suffix in GT_SUFFIXES:
                candidate = gt_dir.joinpath(*below, stem + suffix)
                if candidate.is_file():
                    return candidate, parts.parent
        below.insert(0, parts.name)
        parts = parts.parent
    return None


def _markdown_subsets(root: Path, claimed: set[Path]) -> list[Subset]:
    groups: dict[Path, list[GroundTruthDoc]] = {}
    for pdf in sorted(root.rglob("*.pdf")):
        found = _truth_for(pdf)
        if found is None or found[0] in claimed:
            continue
        truth, group = found
        if truth.suffix == ".json":
            continue
        doc_id = _rel(pdf.with_suffix(""), group)
        groups.setdefault(group, []).append(GroundTruthDoc(doc_id, pdf, truth))
    return [
        Subset(_rel(group, root) if group != root else ".", "markdown", docs=tuple(docs))
        for group, docs in sorted(groups.items())
    ]


def discover(root: Path) -> list[Subset]:
    """Every subset below ``root``, sorted by kind then name (deterministic)."""
    root = root.resolve()
    olmocr = _olmocr_subsets(root)
    icdar = _icdar_subsets(root)
    claimed = {doc.truth for subset in icdar for doc in subset.docs}
    return olmocr + icdar + _markdown_subsets(root, claimed)


def select(
    subsets: Sequence[Subset], patterns: Sequence[str] = (), limit: int | None = None
) -> list[Subset]:
    """Keep subsets whose name matches a pattern (glob or substring); keep ``limit`` PDFs each."""
    chosen = [
        s
        for s in subsets
        if not patterns or any(fnmatch.fnmatch(s.name, p) or p in s.name for p in patterns)
    ]
    if limit is None:
        return chosen
    return [_limit(subset, limit) for subset in chosen]


def _limit(subset: Subset, limit: int) -> Subset:
    keep = set(subset.pdf_names()[:limit])
    if subset.kind == "olmocr":
        return replace(subset, tests=tuple(t for t in subset.tests if t.pdf in keep))
    return replace(subset, docs=tuple(d for d in subset.docs if d.doc_id in keep))
