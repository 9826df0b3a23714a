"""``run_eval``: discover subsets, convert with each converter, score, and write the reports."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pdf2md.errors import ConfigError
from pdf2md.eval.convert_all import RunSettings, convert_all, plan
from pdf2md.eval.converters import make_converter
from pdf2md.eval.corpus import Subset, discover, select
from pdf2md.eval.doc_report import write_doc_report
from pdf2md.eval.katex import KatexRenderer
from pdf2md.eval.report import (
    ConversionTiming,
    ConverterRun,
    results_json,
    write_chart,
    write_json,
)
from pdf2md.eval.scoring import OutputReader, score_subset

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvalRequest:
    """What to evaluate.

    Attributes:
        corpus: the corpus folder.
        converters: converter specs, the first one is "ours" (``pdf2md:fast``, ``markitdown``...).
        out_dir: where results, outputs, chart and report go.
        subsets: subset name patterns to keep (glob or substring); empty keeps all.
        limit: keep only the first N PDFs of each subset (None = all).
        timeout_s: time limit per page (a whole document gets this times its page count).
        jobs: converter processes run in parallel.
        reuse: keep the conversions recorded in ``out_dir`` by an earlier run (re-score only).
        command: the command line, recorded in the report.
        on_progress: called with ``(spec, done, planned)`` as conversions finish.
    """

    corpus: Path
    converters: Sequence[str]
    out_dir: Path
    subsets: Sequence[str] = ()
    limit: int | None = None
    timeout_s: float = 120.0
    jobs: int = 1
    reuse: bool = False
    command: str = "pdf2md eval"
    on_progress: Callable[[str, int, int], None] | None = None


def _run_one(
    spec: str, subsets: Sequence[Subset], settings: RunSettings, renderer: KatexRenderer
) -> ConverterRun:
    try:
        problem = make_converter(spec).check()
    except ConfigError as err:
        problem = str(err)
    if problem is not None:
        log.warning("%s: %s", spec, problem)
        return ConverterRun(spec, available=False, message=problem)
    keys = plan(subsets)
    conversions = convert_all(spec, keys, settings)
    run = ConverterRun(spec, available=True)
    for conv in conversions.values():
        run.timings.append(
            ConversionTiming(
                str(conv.key.pdf),
                conv.key.page_index,
                conv.pages,
                conv.outcome.status,
                round(conv.outcome.seconds, 3),
                conv.outcome.message,
            )
        )
        run.conversions += 1
        run.pages += conv.pages if conv.outcome.ok else 0
        run.seconds += conv.outcome.seconds if conv.outcome.ok else 0.0
        run.failures += 0 if conv.outcome.ok else 1
        for name, count in (conv.outcome.ledger or {}).items():
            run.ledger[name] = run.ledger.get(name, 0) + count
    reader = OutputReader(conversions)
    run.subsets = [score_subset(subset, reader, renderer) for subset in subsets]
    return run


def run_eval(request: EvalRequest) -> list[ConverterRun]:
    """Run the whole evaluation and write ``results.json``, ``chart.png`` and ``report.md``.

    Raises:
        ConfigError: no subset was found in the corpus (or none matched the patterns).
    """
    found = discover(request.corpus)
    subsets = select(found, request.subsets, request.limit)
    if not subsets:
        known = ", ".join(s.name for s in found) or "none"
        raise ConfigError(f"no evaluation subset selected in {request.corpus} (found: {known})")
    request.out_dir.mkdir(parents=True, exist_ok=True)
    settings = RunSettings(
        request.out_dir,
        request.corpus,
        request.timeout_s,
        request.jobs,
        request.reuse,
        on_progress=request.on_progress,
    )
    renderer = KatexRenderer()
    runs = [_run_one(spec, subsets, settings, renderer) for spec in request.converters]
    meta = {
        "corpus": str(request.corpus),
        "command": request.command,
        "subsets": [
            {"name": s.name, "kind": s.kind, "pdfs": len(s.pdf_names()), "tests": len(s.tests)}
            for s in subsets
        ],
        "timeout_s": request.timeout_s,
        "jobs": request.jobs,
    }
    write_json(request.out_dir / "results.json", results_json(runs, meta))
    write_chart(request.out_dir / "chart.png", runs)
    write_doc_report(request.out_dir / "report.md", runs, request.command)
    return runs
