"""``pdf2md batch``: the command function, registered on the main CLI by :mod:`pdf2md.cli`."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from pdf2md.batch.converter import DEFAULT_CONVERTER, DEFAULT_WARM_UP, ConvertOptions
from pdf2md.batch.jsonl import Compression
from pdf2md.batch.runner import BatchConfig, Engine, run_batch
from pdf2md.batch.state import OutputLocked
from pdf2md.batch.store import is_url
from pdf2md.batch.worker import WorkerSpec, WorkerStartError
from pdf2md.errors import Pdf2mdError
from pdf2md.urls import redact_text, redact_url


class OutputFormat(str, enum.Enum):
    """What ``pdf2md batch`` writes."""

    MD = "md"
    JSONL = "jsonl"
    BOTH = "both"
    PARQUET = "parquet"
    MD_PARQUET = "md+parquet"
    ALL = "all"

    def formats(self) -> frozenset[str]:
        """The formats this choice stands for."""
        return {
            OutputFormat.BOTH: frozenset({"md", "jsonl"}),
            OutputFormat.MD_PARQUET: frozenset({"md", "parquet"}),
            OutputFormat.ALL: frozenset({"md", "jsonl", "parquet"}),
        }.get(self, frozenset({self.value}))


class EngineName(str, enum.Enum):
    """Where the conversions run."""

    LOCAL = "local"
    RAY = "ray"


class CompressionName(str, enum.Enum):
    """JSONL shard compression."""

    NONE = "none"
    GZIP = "gzip"
    ZSTD = "zstd"


def _engine(
    name: EngineName, workers: int, address: str | None, gpus: float, cpus: int | None
) -> Engine:
    if name is EngineName.RAY:
        from pdf2md.batch.ray_engine import RayEngine

        return RayEngine(workers=workers, address=address, gpus_per_worker=gpus)
    from pdf2md.batch.pool import LocalPool

    return LocalPool(workers or os.cpu_count() or 1, cpus_per_worker=cpus)


def batch_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="PDF files, folders (recursive) or text files listing paths; or URLs of "
            "them (s3://, gs://, hf://), credentials from the store's usual environment.",
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Output folder (OUTDIR): a path or a URL.")
    ],
    workers: Annotated[
        int,
        typer.Option(help="Worker processes; 0 = one per core (of the cluster with --engine ray)."),
    ] = 0,
    cpus_per_worker: Annotated[
        int | None,
        typer.Option(
            help="Cores each local worker is pinned to (default: cores / workers, none for one "
            "worker; 0 = no pinning).",
        ),
    ] = None,
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="md files, Dolma JSONL shards, both, Parquet shards, md+parquet, or all three.",
        ),
    ] = OutputFormat.MD,
    profile: Annotated[str, typer.Option(help="Profile name or TOML path.")] = "default",
    timeout: Annotated[
        float, typer.Option(help="Seconds per document before it is killed; 0 = no limit.")
    ] = 300.0,
    max_pages: Annotated[
        int | None, typer.Option(help="Convert only the first N pages of each PDF.")
    ] = None,
    engine: Annotated[
        EngineName, typer.Option(help="local process pool, or a Ray cluster.")
    ] = EngineName.LOCAL,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (with --engine ray).")
    ] = None,
    compression: Annotated[
        CompressionName, typer.Option(help="JSONL shard compression.")
    ] = CompressionName.NONE,
    shard_size: Annotated[int, typer.Option(help="Documents per JSONL shard.")] = 1000,
    max_memory: Annotated[
        int,
        typer.Option(help="MiB of resident memory per worker before it is killed; 0 = no bound."),
    ] = 4096,
    max_tasks_per_worker: Annotated[
        int, typer.Option(help="Documents per worker before it is replaced.")
    ] = 200,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Convert documents that failed before again.")
    ] = False,
    source: Annotated[
        str, typer.Option(help="The Dolma 'source' field of JSONL records.")
    ] = "pdf2md",
    gpus_per_worker: Annotated[
        float, typer.Option(help="GPUs each Ray worker asks for (with --engine ray).")
    ] = 0.0,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Live progress line (default: when stderr is a terminal).",
        ),
    ] = None,
    converter: Annotated[
        str, typer.Option(hidden=True, help="Internal: module:function of the converter.")
    ] = DEFAULT_CONVERTER,
    warm_up: Annotated[
        str, typer.Option(hidden=True, help="Internal: module:function run once per worker.")
    ] = DEFAULT_WARM_UP,
) -> None:
    """Convert many PDFs; rerun the same command to resume where it stopped.

    Exit status: 0 every document converted, 1 any document failed (listed in
    OUTDIR/errors.jsonl), 2 a usage or configuration error.
    """
    from pdf2md.console import configure_console_logging

    configure_console_logging(0, False)
    comp: Compression = compression.value
    config = BatchConfig(
        inputs=tuple(inputs),
        output_dir=output if is_url(output) else Path(output),
        formats=format.formats(),
        options=ConvertOptions(profile=profile, max_pages=max_pages, timeout_s=timeout or None),
        compression=comp,
        shard_size=shard_size,
        retry_failed=retry_failed,
        source=source,
        # the pipeline stops itself at `timeout`; the worker is killed a little later
        worker=WorkerSpec(
            converter=converter,
            warm_up=warm_up or None,
            timeout_s=timeout + min(30.0, timeout / 10) or None,
            max_memory_mb=max_memory or None,
            recycle_memory_mb=max_memory // 2 or None,
            max_tasks=max_tasks_per_worker,
        ),
    )
    show = sys.stderr.isatty() if progress is None else progress
    try:
        _check_profile(profile)  # one configuration error now, not one per document
        summary = run_batch(
            config,
            _engine(engine, workers, address, gpus_per_worker, cpus_per_worker),
            progress=sys.stderr if show else None,
        )
    except (Pdf2mdError, WorkerStartError, OutputLocked) as exc:
        typer.echo(f"pdf2md: error: {redact_text(str(exc))}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:  # the output store failed (full, read-only): rerun resumes cleanly
        from pdf2md.cli_io import os_error_text

        where = f" {exc.filename}" if exc.filename else f" to {redact_url(output)}"
        typer.echo(f"pdf2md: error: cannot write{where}: {os_error_text(exc)}", err=True)
        raise typer.Exit(1) from None
    typer.echo(summary.format(), err=True)
    if summary.failed:
        raise typer.Exit(1)


def _check_profile(profile: str) -> None:
    """Resolve and check the whole profile (names, option keys) before any worker starts.

    Raises:
        ConfigError: what is wrong, naming the key.
    """
    from pdf2md.profile import resolve_profile
    from pdf2md.route import validate_profile

    validate_profile(resolve_profile(profile, env=os.environ).profile)
