"""Run a batch: plan shards, skip what is done, hand the rest to an engine as jobs, track
their outcomes, and report.

Exactly-once comes from the order of writes (outputs, then the done-marker; a shard's files,
then its marker) and from names fixed by the plan (see :mod:`pdf2md.batch.commit`). Those
writes happen in the workers, straight to OUTDIR (a local folder or an object store): the
driver plans, hands out jobs, writes failure markers and the errors file, and never sees a
document's text.
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

from pdf2md.batch.commit import RECORD_FORMATS, Job, ShardJob, shard_job, shard_rel
from pdf2md.batch.converter import ConvertOptions
from pdf2md.batch.inputs import DocumentRef, expand_inputs
from pdf2md.batch.jsonl import Compression
from pdf2md.batch.pool import OutcomeSink
from pdf2md.batch.progress import BatchSummary, ProgressBar
from pdf2md.batch.shards import Shard, plan_shards
from pdf2md.batch.state import BatchLock, FailureMarker, StateDir
from pdf2md.batch.task import DocOutput, Outcome, Task
from pdf2md.batch.worker import WorkerSpec

log = logging.getLogger(__name__)

FORMATS = ("md", "jsonl", "parquet")


class Engine(Protocol):
    """Something that converts tasks and reports each outcome (local pool, Ray)."""

    def run(self, tasks: Sequence[Job], spec: WorkerSpec, on_outcome: OutcomeSink) -> None:
        """Run every job, and those ``on_outcome`` returns; call it in the calling process
        as each job ends."""
        ...


@dataclass(frozen=True)
class BatchConfig:
    """Everything a batch run needs besides its engine.

    Attributes:
        inputs: PDF files, folders and list files, or fsspec URLs of them (see
            :mod:`pdf2md.batch.inputs`).
        output_dir: OUTDIR, a path or an fsspec URL; Markdown files mirror the input names
            below it, JSONL shards go to ``OUTDIR/jsonl/``, Parquet shards to
            ``OUTDIR/parquet/``, failures to ``OUTDIR/errors.jsonl``.
        formats: any of ``"md"``, ``"jsonl"``, ``"parquet"``.
        options: conversion options for every document.
        compression: JSONL shard compression.
        shard_size: documents per new shard.
        retry_failed: convert documents that failed in an earlier run again.
        source: the Dolma ``source`` field.
        worker: worker limits and the converter to run.
    """

    inputs: tuple[str | Path, ...]
    output_dir: str | Path
    formats: frozenset[str] = frozenset({"md"})
    options: ConvertOptions = field(default_factory=ConvertOptions)
    compression: Compression = "none"
    shard_size: int = 1000
    retry_failed: bool = False
    source: str = "pdf2md"
    worker: WorkerSpec = field(default_factory=WorkerSpec)


class BatchRun:
    """The bookkeeping of one run: which jobs to do, and counting their outcomes."""

    def __init__(self, config: BatchConfig, state: StateDir, shards: Sequence[Shard]) -> None:
        self.config, self.state, self.shards = config, state, shards
        self.record_formats = tuple(f for f in RECORD_FORMATS if f in config.formats)
        self.docs: dict[str, DocumentRef] = {d.key: d for s in shards for d in s.members}
        self.shard_of: dict[str, Shard] = {d.key: s for s in shards for d in s.members}
        self.by_id: dict[str, Shard] = {s.shard_id: s for s in shards}
        self.remaining: dict[str, int] = {s.shard_id: 0 for s in shards}
        self.previous: dict[str, tuple[str, ...]] = {}
        self.summary = BatchSummary(total=len(self.docs), errors_path=state.errors_path)

    def _has_record(self, doc: DocumentRef, shard: Shard, staged: set[str]) -> bool:
        """The record must still be somewhere to complete the shard from."""
        if doc.key in staged:
            return True
        return all(
            self.state.store.exists(shard_rel(shard.shard_id, fmt, self.config.compression))
            for fmt in self.record_formats
        )

    def _is_finished(self, doc: DocumentRef, shard: Shard, staged: set[str]) -> bool:
        marker = self.state.done(doc.key)
        if marker is not None:
            self.previous[doc.key] = marker.formats
            if self.config.formats <= set(marker.formats):
                return not self.record_formats or self._has_record(doc, shard, staged)
        return self.state.failure(doc.key) is not None and not self.config.retry_failed

    def tasks(self) -> list[Job]:
        """The jobs left to do: documents, and shards whose members are all finished already."""
        tasks: list[Job] = []
        for shard in self.shards:
            if self.record_formats and self.state.shard_marker(shard.shard_id) is not None:
                retry = self.config.retry_failed and any(
                    self.state.failure(d.key) for d in shard.members
                )
                if not retry:
                    self.summary.skipped += len(shard.members)
                    continue
                self.state.unmark_shard(shard.shard_id)  # reopened: incomplete until rewritten
            staged = self.state.staged_keys(shard.shard_id) if self.record_formats else set()
            for doc in shard.members:
                if self._is_finished(doc, shard, staged):
                    self.summary.skipped += 1
                else:
                    self.remaining[shard.shard_id] += 1
                    tasks.append(self._task(doc, shard))
            if self.record_formats and self.remaining[shard.shard_id] == 0:
                tasks.append(self._shard_job(shard))
        return tasks

    def _task(self, doc: DocumentRef, shard: Shard) -> Task:
        formats = set(self.config.formats) | set(self.previous.get(doc.key, ()))
        return Task(
            key=doc.key,
            path=doc.path,
            options=self.config.options,
            want_record=bool(self.record_formats),
            source=self.config.source,
            output=DocOutput(
                url=self.state.store.url,
                md_name=doc.name if "md" in self.config.formats else None,
                shard_id=shard.shard_id if self.record_formats else None,
                formats=tuple(sorted(formats)),
            ),
        )

    def _shard_job(self, shard: Shard) -> ShardJob:
        return shard_job(
            self.state.store.url,
            shard.shard_id,
            [(d.key, d.path) for d in shard.members],
            formats=self.record_formats,
            compression=self.config.compression,
        )

    def commit(self, outcome: Outcome) -> list[Job]:
        """Count one job's outcome (its worker wrote the outputs); record a failure.

        Returns:
            The shard job that became due, if any.

        Raises:
            OSError: the worker could not write to OUTDIR (the run stops; a rerun resumes).
        """
        if outcome.write_error is not None:
            raise outcome.write_error.exception()
        if outcome.key.startswith("shard:"):
            self._shard_done(outcome)
            return []
        doc, shard = self.docs[outcome.key], self.shard_of[outcome.key]
        if outcome.ok:
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
        if self.record_formats and self.remaining[shard.shard_id] == 0:
            return [self._shard_job(shard)]
        return []

    def _shard_done(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.summary.shards_written += 1
        else:  # its staged records stay; the next run writes the shard
            log.warning("shard %s not written (%s: %s)", outcome.key, outcome.stage, outcome.error)


def _worker_spec(config: BatchConfig, state: StateDir) -> WorkerSpec:
    spec = replace(
        config.worker, warm_up_language="jsonl" in config.formats, options=config.options
    )
    if not spec.python_path:
        spec = replace(spec, python_path=tuple(p or os.getcwd() for p in sys.path))
    root = state.local_root()
    if spec.log_path is None and root is not None:
        spec = replace(spec, log_path=str(root / "workers.log"))
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
    lock = _lock(state)
    lock.acquire()  # before prepare(): it clears scratch files a running batch may be writing
    try:
        state.prepare()
        shards = plan_shards(state, expand_inputs(config.inputs), config.shard_size)
        run = BatchRun(config, state, shards)
        tasks = run.tasks()
        bar = ProgressBar(sum(isinstance(t, Task) for t in tasks), progress)

        def on_outcome(outcome: Outcome) -> list[Job]:
            follow_ups = run.commit(outcome)
            if not outcome.key.startswith("shard:"):
                bar.advance(pages=outcome.pages, failed=not outcome.ok)
            return follow_ups

        try:
            engine.run(tasks, _worker_spec(config, state), on_outcome)
        finally:
            bar.close()
            _rewrite_errors(state)
    finally:
        lock.release()
    run.summary.seconds = time.monotonic() - started
    return run.summary


class _Lock(Protocol):
    def acquire(self) -> None: ...
    def release(self) -> None: ...


def _lock(state: StateDir) -> _Lock:
    """The kernel lock for a local OUTDIR, a run claim on an object store."""
    root = state.local_root()
    if root is not None:
        return BatchLock(root)
    from pdf2md.batch.claim import RunClaim

    return RunClaim(state.store)


def _rewrite_errors(state: StateDir) -> None:
    """Rebuild errors.jsonl; where the disk is what failed, the error that stopped the run
    (raised on its way out) is the one to report, not this second one."""
    try:
        state.rewrite_errors()
    except OSError as exc:
        log.warning("could not rewrite %s: %s", state.errors_path, exc)
