"""``report.md``: a per-document account a person can read to find where each converter fails."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pdf2md.eval.corpus import subset_label
from pdf2md.eval.report import ConverterRun, subset_tests, summary_table
from pdf2md.eval.scoring import DocResult, SubsetResult

_MAX_FAILED_SHOWN = 25


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _rel(path: str, base: Path) -> str:
    try:
        return Path(path).relative_to(base).as_posix()
    except ValueError:
        return path


def _doc_lines(spec: str, doc: DocResult, base: Path) -> list[str]:
    lines: list[str] = []
    if doc.verdicts:
        passed = sum(v.passed for v in doc.verdicts)
        lines.append(f"- **{spec}**: {passed}/{len(doc.verdicts)} tests pass")
        failed = [v for v in doc.verdicts if not v.passed]
        for verdict in failed[:_MAX_FAILED_SHOWN]:
            lines.append(
                f"  - FAIL `{verdict.test_id}` ({verdict.test_type}): {verdict.explanation}"
            )
            if verdict.expected:
                lines.append(f"    - expected: {_clip(verdict.expected)!r}")
                lines.append(f"    - closest in output: {_clip(verdict.closest)!r}")
        if len(failed) > _MAX_FAILED_SHOWN:
            lines.append(f"  - ... {len(failed) - _MAX_FAILED_SHOWN} more failures")
    else:
        shown = ", ".join(
            f"{name} {100 * value:.1f}" for name, value in doc.metrics.items() if value is not None
        )
        lines.append(f"- **{spec}**: {shown or 'no scores'}")
    for error in doc.errors:
        lines.append(f"  - CONVERSION FAILED {error}")
    if doc.outputs:
        links = ", ".join(f"[{Path(p).name}]({_rel(p, base)})" for p in doc.outputs[:5])
        lines.append(f"  - output: {links}")
    return lines


def _subset_section(name: str, runs: Sequence[ConverterRun], base: Path) -> list[str]:
    results: list[tuple[str, SubsetResult]] = [
        (run.spec, s) for run in runs for s in run.subsets if s.subset == name
    ]
    if not results:
        return []
    lines = [f"## {subset_label(name)}", "", f"Subset `{name}`.", ""]
    for spec, result in results:
        detail = ", ".join(f"{k} {100 * v:.1f}" for k, v in result.by_type.items())
        n = subset_tests(result)
        lines.append(f"- {spec}: **{100 * result.score:.1f}** (n={n}; {detail})")
    lines.append("")
    doc_names = [d.doc for d in results[0][1].documents]
    for doc_name in doc_names:
        lines.append(f"### {doc_name}")
        for spec, result in results:
            for doc in result.documents:
                if doc.doc == doc_name:
                    lines.extend(_doc_lines(spec, doc, base))
        lines.append("")
    return lines


def write_doc_report(path: Path, runs: Sequence[ConverterRun], command: str) -> None:
    """Write the per-document Markdown report next to the results."""
    lines = ["# pdf2md eval report", "", f"Command: `{command}`", "", summary_table(runs), ""]
    for run in runs:
        if not run.available:
            lines.append(f"- {run.spec} was not run: {run.message}")
    lines.append("")
    names = [s.subset for s in next((r.subsets for r in runs if r.subsets), [])]
    for name in names:
        lines.extend(_subset_section(name, runs, path.parent))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
