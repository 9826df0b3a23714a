"""Run a batch: plan shards, skip what is done, convert the rest on an engine, commit each
outcome atomically, complete JSONL shards, and report.

Exactly-once comes from the order of writes in :meth:`BatchRun.commit` (outputs, then the
done-marker) and from shard files that are written whole once every member is finished
(see :mod:`pdf2md.batch.state`). The engine (local pool or Ray) only converts; every write
happens here, in the driving process.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, TextIO

from pdf2md.batch.converter import ConvertOptions
from pdf2md.batch.inputs import DocumentRef, expand_inputs
from pdf2md.batch.jsonl import Compression, dump_record, read_shard, shard_filename, write_shard
from pdf2md.batch.pool import OutcomeSink
from pdf2md.batch.progress import BatchSummary, ProgressBar
from pdf2md.batch.shards import Shard, plan_shards
from pdf2md.batch.state import BatchLock, DoneMarker, FailureMarker, StateDir
from pdf2md.batch.task import Outcome, Task
from pdf2md.batch.worker import WorkerSpec

log = logging.getLogger(__name__)

FORMATS = ("md", "jsonl")


class Engine(Protocol):
    """Something that converts tasks and reports each outcome (local pool, Ray)."""

    def run(self, tasks: Sequence[Task], spec: WorkerSpec, on_outcome: OutcomeSink) -> None:
        """Convert every task; call ``on_outcome`` in the calling process as each ends."""
        ...


@dataclass(frozen=True)
class BatchConfig:
    """Everything a batch run needs besides its engine.

    Attributes:
        inputs: PDF files, folders and list files (see :mod:`pdf2md.batch.inputs`).
        output_dir: OUTDIR; Markdown files mirror the input names below it, JSONL shards go
            to ``OUTDIR/jsonl/``, failures to ``OUTDIR/errors.jsonl``.
        formats: any of ``"md"``, ``"jsonl"``.
        options: conversion options for every document.
        compression: JSONL shard compression.
        shard_size: documents per new shard.
        retry_failed: convert documents that failed in an earlier run again.
        source: the Dolma ``source`` field.
        worker: worker limits and the converter to run.
    """

    inputs: tuple[Path, ...]
    output_dir: Path
    formats: frozenset[str] = frozenset({"md"})
    options: ConvertOptions = field(default_factory=ConvertOptions)
    compression: Compression = "none"
    shard_size: int = 1000
    retry_failed: bool = False
    source: str = "pdf2md"
    worker: WorkerSpec = field(default_factory=WorkerSpec)


class BatchRun:
    """The bookkeeping of one run: which documents to do, and committing their outcomes."""

    def __init__(self, config: BatchConfig, state: StateDir, shards: Sequence[Shard]) -> None:
        self.config, self.state, self.shards = config, state, shards
        self.jsonl = "jsonl" in config.formats
        self.docs: dict[str, DocumentRef] = {d.key: d for s in shards for d in s.members}
        self.shard_of: dict[str, Shard] = {d.key: s for s in shards for d in s.members}
        self.remaining: dict[str, int] = {s.shard_id: 0 for s in shards}
        self.summary = BatchSummary(total=len(self.docs), errors_path=str(state.errors_path))

    def _shard_path(self, shard: Shard) -> Path:
        return (
            self.config.output_dir
            / "jsonl"
            / shard_filename(shard.shard_id, self.config.compression)
        )

    def _is_finished(self, doc: DocumentRef, shard: Shard) -> bool:
        marker = self.state.done(doc.key)
        if marker is not None and self.config.formats <= set(marker.formats):
            # the record must still be somewhere to complete the shard from
            return not self.jsonl or (
                self.state.staged_path(shard.shard_id, doc.key).exists()
                or self._shard_path(shard).exists()
            )
        return self.state.failure(doc.key) is not None and not self.config.retry_failed

    def tasks(self) -> list[Task]:
        """The tasks left to do; completes shards whose members are all finished already."""
        tasks: list[Task] = []
        for shard in self.shards:
            if self.jsonl and self.state.shard_marker(shard.shard_id) is not None:
                retry = self.config.retry_failed and any(
                    self.state.failure(d.key) for d in shard.members
                )
                if not retry:
                    self.summary.skipped += len(shard.members)
                    continue
                self.state.unmark_shard(shard.shard_id)  # reopened: incomplete until rewritten
            for doc in shard.members:
                if self._is_finished(doc, shard):
                    self.summary.skipped += 1
                else:
                    self.remaining[shard.shard_id] += 1
                    tasks.append(self._task(doc))
            if self.jsonl and self.remaining[shard.shard_id] == 0:
                self._complete_shard(shard)
        return tasks

    def _task(self, doc: DocumentRef) -> Task:
        return Task(
            key=doc.key,
            path=doc.path,
            options=self.config.options,
            want_record=self.jsonl,
            source=self.config.source,
        )

    def commit(self, outcome: Outcome) -> None:
        """Write one document's outputs, then its marker; complete its shard when due."""
        doc, shard = self.docs[outcome.key], self.shard_of[outcome.key]
        if outcome.ok:
            self._commit_success(doc, shard, outcome)
            self.summary.done += 1
            self.summary.add_methods(outcome.methods)
        else:
            self.state.mark_failed(
                FailureMarker(
                    key=doc.key,
                    path=doc.path,
                    stage=outcome.stage,
                    error=outcome.error,
                    seconds=round(outcome.seconds, 3),
                )
            )
            self.summary.failed += 1
            log.warning("failed: %s (%s: %s)", doc.path, outcome.stage, outcome.error)
        self.remaining[shard.shard_id] -= 1
        if self.jsonl and self.remaining[shard.shard_id] == 0:
            self._complete_shard(shard)

    def _commit_success(self, doc: DocumentRef, shard: Shard, outcome: Outcome) -> None:
        if "md" in self.config.formats:
            self.state.write(
                self.config.output_dir / f"{doc.name}.md", outcome.markdown.encode("utf-8")
            )
        if self.jsonl:
            assert outcome.record is not None, "a JSONL batch needs records"
            self.state.write(
                self.state.staged_path(shard.shard_id, doc.key), dump_record(outcome.record)
            )
        previous = self.state.done(doc.key)
        formats = set(self.config.formats) | set(previous.formats if previous else ())
        self.state.mark_done(
            DoneMarker(
                key=doc.key,
                path=doc.path,
                sha256=outcome.sha256,
                formats=tuple(sorted(formats)),
                pages=outcome.pages,
                methods=outcome.methods,
                status=outcome.status,
            )
        )

    def _complete_shard(self, shard: Shard) -> None:
        """Write the shard's JSONL file whole, then its marker, then drop the staged records."""
        path = self._shard_path(shard)
        old: dict[tuple[str, str], bytes] | None = None
        lines: list[bytes] = []
        for doc in shard.members:
            marker = self.state.done(doc.key)
            if marker is None:
                continue  # failed: it is in errors.jsonl, not in the shard
            staged = self.state.staged_path(shard.shard_id, doc.key)
            if staged.exists():
                lines.append(staged.read_bytes())
                continue
            if old is None:  # a reopened shard: records of earlier runs live in its old file
                old = {
                    (r["id"], r["metadata"]["path"]): dump_record(r)
                    for r in (read_shard(path) if path.exists() else [])
                }
            lines.append(old[(marker.sha256, doc.path)])
        count = write_shard(
            path, lines, compression=self.config.compression, tmp_dir=self.state.tmp
        )
        self.state.mark_shard(shard.shard_id, {"file": path.name, "documents": count})
        self.state.clear_staged(shard.shard_id)
        self.summary.shards_written += 1


def _worker_spec(config: BatchConfig, state: StateDir) -> WorkerSpec:
    spec = replace(
        config.worker, warm_up_language="jsonl" in config.formats, options=config.options
    )
    if not spec.python_path:
        spec = replace(spec, python_path=tuple(p or os.getcwd() for p in sys.path))
    if spec.log_path is None:
        spec = replace(spec, log_path=str(state.root / "workers.log"))
    return spec


def run_batch(
    config: BatchConfig, engine: Engine, *, progress: TextIO | None = None
) -> BatchSummary:
    """Convert a batch, resuming any earlier run into the same OUTDIR.

    Args:
        config: inputs, OUTDIR, formats and limits.
        engine: where the conversions run (:class:`~pdf2md.batch.pool.LocalPool`, Ray).
        progress: stream for the live progress line (``None``: no progress line).

    Returns:
        The counts of this run.

    Raises:
        ConfigError: an input does not exist, or the converter cannot be imported.
    """
    started = time.monotonic()
    unknown = set(config.formats) - set(FORMATS)
    if not config.formats or unknown:
        raise ValueError(
            f"formats must be a non-empty subset of {FORMATS}, got {sorted(config.formats)}"
        )
    state = StateDir(config.output_dir)
    lock = BatchLock(state.root)
    lock.acquire()  # before prepare(): it clears scratch files a running batch may be writing
    try:
        state.prepare()
        shards = plan_shards(state, expand_inputs(config.inputs), config.shard_size)
        run = BatchRun(config, state, shards)
        tasks = run.tasks()
        bar = ProgressBar(len(tasks), progress)

        def on_outcome(outcome: Outcome) -> None:
            run.commit(outcome)
            bar.advance(pages=outcome.pages, failed=not outcome.ok)

        try:
            engine.run(tasks, _worker_spec(config, state), on_outcome)
        finally:
            bar.close()
            _rewrite_errors(state)
    finally:
        lock.release()
    run.summary.seconds = time.monotonic() - started
    return run.summary


def _rewrite_errors(state: StateDir) -> None:
    """Rebuild errors.jsonl; where the disk is what failed, the error that stopped the run
    (raised on its way out) is the one to report, not this second one."""
    try:
        state.rewrite_errors()
    except OSError as exc:
        log.warning("could not rewrite %s: %s", state.errors_path, exc)
