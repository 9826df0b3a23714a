"""The writes a worker makes: a document's outputs and done-marker, and whole shard files.

The driver never touches document text: it hands each worker a :class:`~pdf2md.batch.task.Task`
that says where the outputs go (:class:`~pdf2md.batch.task.DocOutput`), and, once every
member of a shard is finished, a :class:`ShardJob` that turns the shard's staged records
into its files. Both run in a worker process (local or on a Ray node), straight against the
output store, in this order:

1. a document: its Markdown file, its staged record, then its done-marker (last);
2. a shard: its JSONL and/or Parquet file (each written whole, at a name fixed by the shard
   id), then the shard marker (last), then the staged records are deleted.

A worker lost at any point leaves no marker for what it did not finish; the driver gives the
job to another worker, which overwrites the same names. So nothing is lost and nothing is in
the output twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pdf2md.batch.converter import Converter
from pdf2md.batch.jsonl import Compression, decode_shard, dump_record, encode_shard, shard_filename
from pdf2md.batch.state import DoneMarker, StateDir
from pdf2md.batch.store import is_url
from pdf2md.batch.task import DocOutput, Outcome, Task, WriteError, failed_outcome, process_document
from pdf2md.urls import redact_url

RECORD_FORMATS = ("jsonl", "parquet")


@dataclass(frozen=True)
class ShardJob:
    """Write the files of one shard from its staged records (see the module docstring).

    Attributes:
        key: the job's key, ``"shard:<shard_id>"``.
        path: what logs call it (the shard id).
        url: OUTDIR, a local path or an fsspec URL.
        shard_id: the shard.
        members: ``(key, path)`` of every document planned into the shard.
        formats: the record formats to write (``jsonl``, ``parquet``).
        compression: JSONL compression.
    """

    key: str
    path: str
    url: str
    shard_id: str
    members: tuple[tuple[str, str], ...]
    formats: tuple[str, ...]
    compression: Compression = "none"


Job = Task | ShardJob


def shard_rel(shard_id: str, fmt: str, compression: Compression) -> str:
    """A shard file's path below OUTDIR: ``jsonl/shard-00000.jsonl.zst``,
    ``parquet/shard-00000.parquet``."""
    if fmt == "parquet":
        return f"parquet/{shard_id}.parquet"
    return f"jsonl/{shard_filename(shard_id, compression)}"


def commit_document(state: StateDir, out: DocOutput, task: Task, outcome: Outcome) -> None:
    """Write a converted document's outputs, then its done-marker."""
    if out.md_name is not None:
        state.write(f"{out.md_name}.md", outcome.markdown.encode("utf-8"))
    if out.shard_id is not None:
        assert outcome.record is not None, "a record batch needs records"
        state.write(state.staged_path(out.shard_id, task.key), dump_record(outcome.record))
    state.mark_done(
        DoneMarker(
            key=task.key,
            path=task.path,
            sha256=outcome.sha256,
            formats=out.formats,
            pages=outcome.pages,
            methods=outcome.methods,
            status=outcome.status,
        )
    )


def _old_records(state: StateDir, job: ShardJob) -> dict[tuple[str, str], bytes]:
    """Records of a reopened shard's earlier files, by ``(id, path)``."""
    for fmt in job.formats:
        rel = shard_rel(job.shard_id, fmt, job.compression)
        try:
            data = state.store.read(rel)
        except FileNotFoundError:
            continue
        if fmt == "parquet":
            from pdf2md.batch.parquet import decode_parquet

            records = decode_parquet(data)
        else:
            records = decode_shard(rel, data)
        return {(r["id"], r["metadata"]["path"]): dump_record(r) for r in records}
    return {}


def _shard_lines(state: StateDir, job: ShardJob) -> list[bytes]:
    staged = state.staged_keys(job.shard_id)
    old: dict[tuple[str, str], bytes] | None = None
    lines: list[bytes] = []
    for key, _ in job.members:
        marker = state.done(key)
        if marker is None:
            continue  # failed: it is in errors.jsonl, not in the shard
        if key in staged:
            lines.append(state.store.read(state.staged_path(job.shard_id, key)))
            continue
        if old is None:
            old = _old_records(state, job)
        record_path = redact_url(marker.path) if is_url(marker.path) else marker.path
        lines.append(old[(marker.sha256, record_path)])
    return lines


def complete_shard(state: StateDir, job: ShardJob) -> int:
    """Write the shard's files whole, then its marker, then drop its staged records.

    Returns:
        The number of records in the shard.
    """
    lines = _shard_lines(state, job)
    files: list[str] = []
    for fmt in job.formats:
        rel = shard_rel(job.shard_id, fmt, job.compression)
        if fmt == "parquet":
            from pdf2md.batch.parquet import encode_parquet

            data = encode_parquet([json.loads(line) for line in lines])
        else:
            data, _ = encode_shard(lines, job.compression)
        state.write(rel, data)
        files.append(rel)
    state.mark_shard(job.shard_id, {"files": files, "documents": len(lines)})
    state.clear_staged(job.shard_id)
    return len(lines)


class JobRunner:
    """Runs jobs inside a worker process: converts, then writes straight to the store.

    It keeps one :class:`StateDir` per OUTDIR it has written to (clients of object stores
    are slow to make).
    """

    def __init__(self, converter: Converter) -> None:
        self.converter = converter
        self._states: dict[str, StateDir] = {}

    def _state(self, url: str) -> StateDir:
        if url not in self._states:
            self._states[url] = StateDir(url)
        return self._states[url]

    def __call__(self, job: Job) -> Outcome:
        """Run one job; never raises for a refused write (the outcome carries it)."""
        if isinstance(job, ShardJob):
            return self._shard(job)
        outcome = process_document(job, self.converter)
        if not outcome.ok or job.output is None:
            return outcome
        try:
            commit_document(self._state(job.output.url), job.output, job, outcome)
        except OSError as exc:
            return _write_failed(job, exc)
        return replace(outcome, markdown="", record=None)  # the text stays in the store

    def _shard(self, job: ShardJob) -> Outcome:
        try:
            count = complete_shard(self._state(job.url), job)
        except OSError as exc:
            return _write_failed(job, exc)
        return Outcome(key=job.key, ok=True, status="ok", pages=count, worker_pid=os.getpid())


def _write_failed(job: Any, exc: OSError) -> Outcome:
    outcome = failed_outcome(job, "write", f"cannot write: {exc.strerror or exc}")
    return replace(outcome, write_error=WriteError.of(exc))


def shard_job(url: str, shard_id: str, members: Sequence[tuple[str, str]], **kw: Any) -> ShardJob:
    """The :class:`ShardJob` of ``shard_id`` (keyword arguments: ``formats``, ``compression``)."""
    return ShardJob(
        key=f"shard:{shard_id}", path=shard_id, url=url, shard_id=shard_id,
        members=tuple(members), **kw,
    )  # fmt: skip
