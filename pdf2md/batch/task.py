"""One unit of batch work (a :class:`Task`), its answer (an :class:`Outcome`), and the
function that turns one into the other inside a worker process.

Both are plain picklable dataclasses: they cross a pipe to a local worker process or the
object store to a Ray actor unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from pdf2md.batch.converter import Converted, Converter, ConvertOptions
from pdf2md.batch.jsonl import build_record
from pdf2md.batch.remote import local_copy
from pdf2md.batch.store import is_url
from pdf2md.errors import Pdf2mdError
from pdf2md.urls import redact_text, redact_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocOutput:
    """Where a worker writes one document's outputs (decided by the driver).

    Attributes:
        url: OUTDIR, a local path or an fsspec URL.
        md_name: the Markdown file, relative to OUTDIR, without ``.md`` (``None``: none).
        shard_id: the shard whose staged records get this document's record (``None``: none).
        formats: the formats the done-marker lists (this run's and earlier ones).
    """

    url: str
    md_name: str | None
    shard_id: str | None
    formats: tuple[str, ...]


@dataclass(frozen=True)
class WriteError:
    """A write the output store refused (the batch stops; a rerun resumes)."""

    errno: int | None
    strerror: str
    filename: str

    @classmethod
    def of(cls, exc: OSError) -> WriteError:
        """From the exception a store raised."""
        return cls(exc.errno, exc.strerror or str(exc), str(exc.filename or ""))

    def exception(self) -> OSError:
        """The error to raise in the driver."""
        return OSError(self.errno, self.strerror, self.filename or None)


@dataclass(frozen=True)
class Task:
    """Convert one document.

    Attributes:
        key: the document's stable id (see :mod:`pdf2md.batch.inputs`).
        path: the PDF to read.
        options: how to convert it.
        want_record: build the Dolma JSONL record (costs language detection).
        source: the Dolma ``source`` field.
        output: where the worker writes the outputs (``None``: it writes nothing and the
            outcome carries them).
    """

    key: str
    path: str
    options: ConvertOptions = field(default_factory=ConvertOptions)
    want_record: bool = True
    source: str = "pdf2md"
    output: DocOutput | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one :class:`Task`.

    ``ok`` is true where Markdown came out (status ``ok`` or ``partial``); then
    ``markdown`` holds it and ``record`` the JSONL record (when asked for). Otherwise
    ``stage`` and ``error`` say what failed: a pipeline stage (``source`` for unreadable
    PDFs), ``convert`` (the converter raised), ``timeout``, ``memory`` or ``crash`` (the
    worker died).
    """

    key: str
    ok: bool
    markdown: str = ""
    record: dict[str, Any] | None = None
    sha256: str = ""
    status: str = "failed"
    pages: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    stage: str = ""
    error: str = ""
    seconds: float = 0.0
    worker_pid: int = 0
    write_error: WriteError | None = None


def file_sha256(path: str) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Keyed(Protocol):
    """Anything with a job key (a :class:`Task`, a shard job)."""

    @property
    def key(self) -> str:
        """The job's key."""
        ...


def failed_outcome(
    task: Keyed, stage: str, error: str, *, seconds: float = 0.0, pid: int = 0
) -> Outcome:
    """An :class:`Outcome` for a document that produced nothing."""
    return Outcome(
        key=task.key,
        ok=False,
        stage=stage,
        error=redact_text(error),
        seconds=seconds,
        worker_pid=pid,
    )


def _success(task: Task, converted: Converted, sha256: str, seconds: float) -> Outcome:
    record = None
    if task.want_record:
        path = redact_url(task.path) if is_url(task.path) else task.path
        record = build_record(converted, sha256=sha256, path=path, source=task.source)
    return Outcome(
        key=task.key,
        ok=True,
        markdown=converted.markdown,
        record=record,
        sha256=sha256,
        status=converted.status,
        pages=len(converted.pages),
        methods=dict(Counter(p.method for p in converted.pages)),
        seconds=seconds,
        worker_pid=os.getpid(),
    )


def process_document(task: Task, converter: Converter) -> Outcome:
    """Convert one document and never raise: every failure becomes a failed Outcome.

    Runs inside a worker process. A URL is copied to a local temporary file first. Hangs and
    hard crashes are not caught here; the process that owns the worker detects those (see
    :mod:`pdf2md.batch.worker`).
    """
    if not is_url(task.path):
        return _process_local(task, task.path, converter)
    try:
        with local_copy(task.path) as local:
            return _process_local(task, local, converter)
    except (OSError, Pdf2mdError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return failed_outcome(task, "source", f"cannot read: {reason}", pid=os.getpid())


def _process_local(task: Task, path: str, converter: Converter) -> Outcome:
    started = time.monotonic()
    pid = os.getpid()
    try:
        sha256 = file_sha256(path)
    except OSError as exc:
        return failed_outcome(task, "source", f"cannot read: {exc.strerror or exc}", pid=pid)
    try:
        converted = converter(path, task.options)
    except MemoryError:
        return failed_outcome(
            task, "memory", "MemoryError", seconds=time.monotonic() - started, pid=pid
        )
    except Exception as exc:  # fault containment: any converter bug fails this document only
        log.error("converter failed on %s\n%s", redact_url(task.path), traceback.format_exc())
        message = f"{type(exc).__name__}: {exc}"
        return failed_outcome(task, "convert", message, seconds=time.monotonic() - started, pid=pid)
    seconds = time.monotonic() - started
    if converted.status == "failed":
        first = converted.errors[0] if converted.errors else None
        stage = first.stage if first else "convert"
        message = "; ".join(e.message for e in converted.errors) or "conversion failed"
        return failed_outcome(task, stage, message, seconds=seconds, pid=pid)
    return _success(task, converted, sha256, seconds)
