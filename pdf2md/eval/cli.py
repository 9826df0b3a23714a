"""The ``pdf2md eval`` command (registered by ``pdf2md/cli.py``)."""

from __future__ import annotations

import shlex
import sys
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
) -> None:
    """Convert a corpus with pdf2md and its peers, score the outputs, print one table.

    Writes OUT/results.json, OUT/chart.png, OUT/report.md (per document) and OUT/outputs/.
    """
    from pdf2md.eval.report import summary_table
    from pdf2md.eval.runner import EvalRequest, run_eval

    specs = [converter, *(name.strip() for name in against.split(",") if name.strip())]
    request = EvalRequest(
        corpus=corpus,
        converters=list(dict.fromkeys(specs)),
        out_dir=out,
        subsets=tuple(subset or ()),
        limit=limit,
        timeout_s=timeout,
        jobs=jobs,
        command="pdf2md eval " + shlex.join(sys.argv[2:] if len(sys.argv) > 2 else [str(corpus)]),
    )
    try:
        runs = run_eval(request)
    except ConfigError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(summary_table(runs))
    typer.echo(f"\nresults: {out / 'results.json'}  report: {out / 'report.md'}")
