"""What ``pdf2md eval`` writes: the summary table, ``results.json`` and ``chart.png``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pdf2md.eval.benchtests import TEST_TYPES
from pdf2md.eval.corpus import subset_labels
from pdf2md.eval.scoring import SubsetResult


@dataclass(frozen=True)
class ConversionTiming:
    """One conversion as recorded in ``results.json``: what, how long, and how it ended."""

    pdf: str
    page_index: int | None
    pages: int
    status: str
    seconds: float
    message: str = ""


@dataclass
class ConverterRun:
    """Everything measured for one converter."""

    spec: str
    available: bool
    message: str = ""
    pages: int = 0
    seconds: float = 0.0
    conversions: int = 0
    failures: int = 0
    subsets: list[SubsetResult] = field(default_factory=list)
    timings: list[ConversionTiming] = field(default_factory=list)
    ledger: dict[str, int] = field(default_factory=dict)

    def ledger_rate(self, what: str) -> float | None:
        """Lost or duplicated words as a share of source words (None without a ledger)."""
        words = self.ledger.get("words_in", 0)
        return self.ledger.get(what, 0) / words if words else None

    @property
    def pages_per_second(self) -> float | None:
        """Converted pages per second of conversion time (None when nothing was converted)."""
        return self.pages / self.seconds if self.seconds > 0 else None

    def olmocr_mean(self) -> float | None:
        """olmOCR-bench headline: the plain mean of the per-JSONL-file pass rates (each subset
        counts once, whatever its number of tests, as olmOCR-bench reports it)."""
        scores = [s.score for s in self.subsets if s.kind == "olmocr"]
        return sum(scores) / len(scores) if scores else None

    def olmocr_tests(self) -> int:
        """Number of olmOCR tests behind :meth:`olmocr_mean`."""
        return sum(subset_tests(s) for s in self.subsets if s.kind == "olmocr")

    def type_count(self, kind: str) -> int:
        """Number of olmOCR tests of one type over all olmOCR subsets."""
        return sum(s.counts.get(kind, 0) for s in self.subsets if s.kind == "olmocr")

    def type_rate(self, kind: str) -> float | None:
        """Pass rate of one olmOCR test type over all olmOCR subsets (weighted by tests)."""
        passed = total = 0.0
        for s in self.subsets:
            if s.kind == "olmocr" and kind in s.counts:
                passed += s.by_type[kind] * s.counts[kind]
                total += s.counts[kind]
        return passed / total if total else None

    def _markdown_values(self, name: str) -> list[float]:
        return [
            value
            for s in self.subsets
            if s.kind == "markdown"
            for d in s.documents
            if (value := d.metrics.get(name)) is not None
        ]

    def markdown_metric(self, name: str) -> float | None:
        """Mean of a markdown-subset metric over all markdown documents that have it."""
        present = self._markdown_values(name)
        return sum(present) / len(present) if present else None

    def markdown_count(self, name: str) -> int:
        """Number of markdown documents behind :meth:`markdown_metric`."""
        return len(self._markdown_values(name))


def subset_tests(result: SubsetResult) -> int:
    """How many tests (olmOCR), tables (icdar) or documents (markdown) a subset's score is over."""
    if result.kind == "olmocr":
        return sum(result.counts.values())
    if result.kind == "icdar":
        return result.counts.get("tables", 0)
    return result.counts.get("text", len(result.documents))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _scored(value: float | None, n: int) -> str:
    """A score in percent with the number of tests it is over: ``79.3 (n=951)``."""
    return "–" if value is None else f"{100 * value:.1f} (n={n})"


def summary_columns(runs: Sequence[ConverterRun]) -> list[str]:
    """Column names of the summary table, from what the runs contain (subsets by raw name)."""
    subsets = [s.subset for s in next((r.subsets for r in runs if r.subsets), [])]
    kinds = [k for k in TEST_TYPES if any(r.type_rate(k) is not None for r in runs)]
    extra = ["olmOCR mean"] if any(r.olmocr_mean() is not None for r in runs) else []
    md = [m for m in ("headings", "tables") if any(r.markdown_metric(m) is not None for r in runs)]
    ledger = ["words lost", "words duplicated"] if any(r.ledger for r in runs) else []
    return [
        "converter",
        *subsets,
        *extra,
        *kinds,
        *(f"md {m}" for m in md),
        *ledger,
        "pages/s",
        "failures",
    ]


def _cell(run: ConverterRun, column: str, by_subset: dict[str, SubsetResult]) -> str:
    if column in by_subset:
        result = by_subset[column]
        return _scored(result.score, subset_tests(result))
    if column == "olmOCR mean":
        mean = run.olmocr_mean()
        if mean is None:
            return "–"
        subsets = sum(1 for s in run.subsets if s.kind == "olmocr")
        plural = "" if subsets == 1 else "s"
        return f"{100 * mean:.1f} ({subsets} subset{plural}, n={run.olmocr_tests()})"
    if column in TEST_TYPES:
        return _scored(run.type_rate(column), run.type_count(column))
    if column.startswith("md "):
        return _scored(run.markdown_metric(column[3:]), run.markdown_count(column[3:]))
    if column.startswith("words "):
        rate = run.ledger_rate(column.split()[1])
        return "–" if rate is None else f"{100 * rate:.2f}"
    if column == "pages/s":
        pps = run.pages_per_second
        return "–" if pps is None else f"{pps:.2f}"
    if column == "failures":
        return f"{run.failures}/{run.conversions}"
    return "–"


def summary_table(runs: Sequence[ConverterRun]) -> str:
    """A Markdown table: one row per converter, scores in percent with their test counts, then
    a note on how the headline mean averages."""
    columns = summary_columns(runs)
    labels = subset_labels([s.subset for s in next((r.subsets for r in runs if r.subsets), [])])
    header = ["converter", *(labels.get(c, c) for c in columns[1:])]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(columns)]
    for run in runs:
        if not run.available:
            lines.append(f"| {run.spec} | " + f"not run: {run.message} |")
            continue
        by_subset = {s.subset: s for s in run.subsets}
        cells = [run.spec, *(_cell(run, column, by_subset) for column in columns[1:])]
        lines.append("| " + " | ".join(cells) + " |")
    if "olmOCR mean" in columns:
        lines += ["", MEAN_NOTE]
    return "\n".join(lines)


MEAN_NOTE = (
    "n = tests (olmOCR subsets and test types), tables (TEDS) or documents (markdown). "
    "olmOCR mean: the plain mean of the olmOCR subsets' pass rates, each subset counting once "
    "whatever its n (as olmOCR-bench reports it); the test-type columns pool all tests."
)


def results_json(runs: Sequence[ConverterRun], meta: dict[str, Any]) -> dict[str, Any]:
    """The full results as plain JSON data (deterministic key order)."""
    converters = []
    for run in runs:
        record = asdict(run)
        record["pages_per_second"] = run.pages_per_second
        record["olmocr_mean"] = run.olmocr_mean()
        converters.append(record)
    return {"meta": meta, "converters": converters}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON with sorted keys so identical results give identical files (timings aside)."""
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")


def write_chart(path: Path, runs: Sequence[ConverterRun]) -> None:
    """A grouped bar chart of each subset's main score per converter (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in runs if r.available and r.subsets]
    if not shown:
        return
    names = [s.subset for s in shown[0].subsets]
    labels = subset_labels(names)
    width = 0.8 / len(shown)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(names) + 2), 4.5))
    for i, run in enumerate(shown):
        scores = {s.subset: 100 * s.score for s in run.subsets}
        xs = [j + i * width for j in range(len(names))]
        ax.bar(xs, [scores.get(n, 0.0) for n in names], width, label=run.spec)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(names))])
    ax.set_xticklabels([labels[n] for n in names], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("score (%)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("pdf2md eval: main score per subset")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
