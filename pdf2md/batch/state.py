"""The batch's memory on disk: done-markers, failure markers, staged records, errors file.

Layout below OUTDIR (``.pdf2md-batch`` is the state folder)::

    errors.jsonl                      one line per failed document (rebuilt at the end of a run)
    .pdf2md-batch/plan.jsonl          the shard plan (see pdf2md.batch.shards)
    .pdf2md-batch/done/ab/<key>.json  done-marker: written after the document's outputs
    .pdf2md-batch/failed/<key>.json   failure marker with the error
    .pdf2md-batch/staged/<shard>/<key>.json   a record waiting for its shard to complete
    .pdf2md-batch/shards/<shard>.json shard marker: the shard's JSONL/Parquet files are complete
    .pdf2md-batch/tmp/                scratch for atomic writes, cleared at start (local)
    .pdf2md-batch/lock                held (flock) by the one batch running on a local OUTDIR
    .pdf2md-batch/claim.json          the run claim on an object store (pdf2md.batch.claim)

OUTDIR is a :class:`~pdf2md.batch.store.Store`: a local folder or an fsspec URL. Every file
here is written atomically. The order of writes gives exactly-once: outputs first,
then the marker. A kill before the marker means the document is redone (and its outputs
replaced atomically); a kill after means it is skipped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pdf2md.batch.atomic import clear_tmp
from pdf2md.batch.store import LocalStore, Store, open_store
from pdf2md.errors import Pdf2mdError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, no lock
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

STATE_DIRNAME = ".pdf2md-batch"
ERRORS_FILENAME = "errors.jsonl"


@dataclass(frozen=True)
class DoneMarker:
    """What a finished document left behind (enough to skip it and to count it)."""

    key: str
    path: str
    sha256: str
    formats: tuple[str, ...]
    pages: int
    methods: Mapping[str, int] = field(default_factory=dict)
    status: str = "ok"


@dataclass(frozen=True)
class FailureMarker:
    """A document that failed: id, path, the stage that failed and what was said."""

    key: str
    path: str
    stage: str
    error: str
    seconds: float = 0.0


def _dump(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


class OutputLocked(Pdf2mdError):
    """Another batch is running on the same OUTDIR."""


class BatchLock:
    """An exclusive lock on one OUTDIR, held while a batch runs.

    It is an ``flock`` on ``.pdf2md-batch/lock``: the kernel drops it when the holder exits,
    however it exits, so a killed batch never leaves a stale lock behind. The holder's pid is
    written into the file for the message a second run prints.
    """

    def __init__(self, state_root: Path) -> None:
        self.path = state_root / "lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            OutputLocked: another live process holds it.
        """
        if fcntl is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise OutputLocked(
                f"{self.path.parent.parent} is in use by another pdf2md batch (pid {holder}); "
                "wait for it to finish, or stop it, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (closing the file releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class StateDir:
    """Reads and writes the state folder of one OUTDIR (a local folder or a :class:`Store`).

    Paths are relative to OUTDIR (``.pdf2md-batch/done/ab/<key>.json``).
    """

    def __init__(self, output: Path | str | Store) -> None:
        self.store: Store = output if not isinstance(output, (str, Path)) else open_store(output)
        self.root = STATE_DIRNAME
        self.errors_rel = ERRORS_FILENAME

    @property
    def errors_path(self) -> str:
        """Where the errors file is, as it may be printed."""
        return self.store.display(self.errors_rel)

    def local_root(self) -> Path | None:
        """The state folder's local path, or ``None`` on an object store."""
        return self.store.path(self.root) if isinstance(self.store, LocalStore) else None

    def prepare(self) -> None:
        """Create the folders and clear leftovers of interrupted writes (local OUTDIRs)."""
        root = self.local_root()
        if root is None:
            return  # object stores have no folders and no temporary files
        for sub in ("done", "failed", "staged", "shards", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        removed = clear_tmp(root / "tmp")
        if removed:
            log.info("removed %d unfinished temporary files of an interrupted run", removed)

    def write(self, rel: str, data: bytes) -> None:
        """Write any file of this OUTDIR atomically."""
        self.store.write(rel, data)

    def _read_json(self, rel: str) -> Any:
        try:
            return json.loads(self.store.read(rel))
        except FileNotFoundError:
            return None

    # -- per-document markers -------------------------------------------------------------

    def _done_path(self, key: str) -> str:
        return f"{self.root}/done/{key[:2]}/{key}.json"

    def _failed_path(self, key: str) -> str:
        return f"{self.root}/failed/{key}.json"

    def done(self, key: str) -> DoneMarker | None:
        """The done-marker of ``key``, or ``None`` where the document is not done."""
        data = self._read_json(self._done_path(key))
        if data is None:
            return None
        data["formats"] = tuple(data["formats"])
        return DoneMarker(**data)

    def failure(self, key: str) -> FailureMarker | None:
        """The failure marker of ``key``, or ``None``."""
        data = self._read_json(self._failed_path(key))
        return None if data is None else FailureMarker(**data)

    def mark_done(self, marker: DoneMarker) -> None:
        """Record a document as done (call only after its outputs are in place)."""
        self.write(self._done_path(marker.key), _dump(asdict(marker)))
        self.store.delete(self._failed_path(marker.key))

    def mark_failed(self, marker: FailureMarker) -> None:
        """Record a failure and append it to the live errors file (local OUTDIRs)."""
        self.write(self._failed_path(marker.key), _dump(asdict(marker)))
        self.store.append(self.errors_rel, _dump(asdict(marker)))

    def failures(self) -> Iterator[FailureMarker]:
        """Every recorded failure of documents that are not done since, sorted by key."""
        for name in self.store.names(f"{self.root}/failed"):
            if not name.endswith(".json"):
                continue
            marker = FailureMarker(**json.loads(self.store.read(f"{self.root}/failed/{name}")))
            if self.done(marker.key) is None:
                yield marker

    def rewrite_errors(self) -> int:
        """Rebuild ``errors.jsonl`` from the failure markers: one line per failed document.

        The live file is appended to during a run; this drops duplicates from earlier runs,
        documents that succeeded on a retry, and a torn last line left by a kill.
        """
        lines = [_dump(asdict(marker)) for marker in self.failures()]
        if lines or self.store.exists(self.errors_rel) or self.store.is_local:
            self.write(self.errors_rel, b"".join(lines))
        return len(lines)

    # -- JSONL staging and shard markers ---------------------------------------------------

    def staged_path(self, shard_id: str, key: str) -> str:
        """Where a finished document's record waits for the rest of its shard."""
        return f"{self.root}/staged/{shard_id}/{key}.json"

    def staged_keys(self, shard_id: str) -> set[str]:
        """Keys of the records staged for ``shard_id`` (one listing)."""
        names = self.store.names(f"{self.root}/staged/{shard_id}")
        return {n[: -len(".json")] for n in names if n.endswith(".json")}

    def shard_marker(self, shard_id: str) -> dict[str, Any] | None:
        """The marker of a complete shard, or ``None``."""
        data: dict[str, Any] | None = self._read_json(f"{self.root}/shards/{shard_id}.json")
        return data

    def mark_shard(self, shard_id: str, info: Mapping[str, Any]) -> None:
        """Record a shard's files as complete."""
        self.write(f"{self.root}/shards/{shard_id}.json", _dump(dict(info)))

    def clear_staged(self, shard_id: str) -> None:
        """Delete a shard's staged records once its files and marker are written."""
        for key in self.staged_keys(shard_id):
            self.store.delete(self.staged_path(shard_id, key))
        root = self.local_root()
        if root is not None:
            with contextlib.suppress(OSError):  # not empty: a straggler wrote again
                (root / "staged" / shard_id).rmdir()

    def unmark_shard(self, shard_id: str) -> None:
        """Mark a shard incomplete again (before documents of it are converted anew)."""
        self.store.delete(f"{self.root}/shards/{shard_id}.json")
