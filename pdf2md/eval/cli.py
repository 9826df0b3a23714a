"""The ``pdf2md eval`` command (registered by ``pdf2md/cli.py``)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from pdf2md.errors import ConfigError


def eval_command(
    corpus: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="Corpus folder to evaluate on.")
    ],
    converter: Annotated[
        str, typer.Option("--converter", help="Our converter: pdf2md or pdf2md:PROFILE.")
    ] = "pdf2md",
    against: Annotated[
        str,
        typer.Option(
            "--against",
            help="Comma-separated peers: pymupdf4llm, markitdown, docling, marker, mineru.",
        ),
    ] = "",
    out: Annotated[Path, typer.Option("--out", help="Folder for results and outputs.")] = Path(
        "eval-out"
    ),
    subset: Annotated[
        list[str] | None,
        typer.Option("--subset", help="Keep subsets whose name matches (glob or substring)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Keep the first N PDFs of each subset.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1.0, help="Time limit per page, in seconds.")
    ] = 120.0,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, help="Converter processes in parallel.")
    ] = 1,
    reuse: Annotated[
        bool,
        typer.Option(
            "--reuse", help="Keep conversions an earlier run left in OUT; convert the rest."
        ),
    ] = False,
) -> None:
    """Convert a corpus with pdf2md and its peers, score the outputs, print one table.

    Writes OUT/results.json, OUT/chart.png, OUT/report.md (per document) and OUT/outputs/.
    """
    from pdf2md.console import configure_console_logging
    from pdf2md.eval.progress import eval_progress
    from pdf2md.eval.report import summary_table
    from pdf2md.eval.runner import EvalRequest, run_eval

    configure_console_logging(0, False)

    specs = [converter, *(name.strip() for name in against.split(",") if name.strip())]
    request = EvalRequest(
        corpus=corpus,
        converters=list(dict.fromkeys(specs)),
        out_dir=out,
        subsets=tuple(subset or ()),
        limit=limit,
        timeout_s=timeout,
        jobs=jobs,
        reuse=reuse,
        command=_command_line(corpus, specs, out, subset or [], limit, timeout, jobs)
        + (" --reuse" if reuse else ""),
    )
    try:
        with eval_progress() as on_progress:
            runs = run_eval(replace(request, on_progress=on_progress))
    except ConfigError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(summary_table(runs))
    typer.echo(f"\nresults: {out / 'results.json'}  report: {out / 'report.md'}")


def _command_line(
    corpus: Path,
    specs: Sequence[str],
    out: Path,
    subsets: Sequence[str],
    limit: int | None,
    timeout: float,
    jobs: int,
) -> str:
    """The command as a person would type it again (recorded in the report)."""
    words = ["pdf2md", "eval", str(corpus), "--converter", specs[0]]
    if len(specs) > 1:
        words += ["--against", ",".join(specs[1:])]
    words += ["--out", str(out)]
    for pattern in subsets:
        words += ["--subset", pattern]
    if limit is not None:
        words += ["--limit", str(limit)]
    if timeout != 120.0:
        words += ["--timeout", f"{timeout:g}"]
    if jobs != 1:
        words += ["--jobs", str(jobs)]
    return shlex.join(words)
