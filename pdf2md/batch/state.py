"""The batch's memory on disk: done-markers, failure markers, staged records, errors file.

Layout below OUTDIR (``.pdf2md-batch`` is the state folder)::

    errors.jsonl                      one line per failed document (rebuilt at the end of a run)
    .pdf2md-batch/plan.jsonl          the shard plan (see pdf2md.batch.shards)
    .pdf2md-batch/done/ab/<key>.json  done-marker: written after the document's outputs
    .pdf2md-batch/failed/<key>.json   failure marker with the error
    .pdf2md-batch/staged/<shard>/<key>.json   a JSONL record waiting for its shard to complete
    .pdf2md-batch/shards/<shard>.json shard marker: the shard's JSONL file is complete
    .pdf2md-batch/tmp/                scratch for atomic writes, cleared at start
    .pdf2md-batch/lock                held (flock) by the one batch running on this OUTDIR

Every file here is written atomically. The order of writes gives exactly-once: outputs first,
then the marker. A kill before the marker means the document is redone (and its outputs
replaced atomically); a kill after means it is skipped.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pdf2md.batch.atomic import clear_tmp, write_atomic
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
    """Reads and writes the state folder of one OUTDIR."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.root = output_dir / STATE_DIRNAME
        self.tmp = self.root / "tmp"
        self.errors_path = output_dir / ERRORS_FILENAME

    def prepare(self) -> None:
        """Create the folders and clear leftovers of interrupted writes."""
        for sub in ("done", "failed", "staged", "shards", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        removed = clear_tmp(self.tmp)
        if removed:
            log.info("removed %d unfinished temporary files of an interrupted run", removed)

    def write(self, path: Path, data: bytes) -> None:
        """Write any file of this OUTDIR atomically."""
        write_atomic(path, data, self.tmp)

    # -- per-document markers -------------------------------------------------------------

    def _done_path(self, key: str) -> Path:
        return self.root / "done" / key[:2] / f"{key}.json"

    def _failed_path(self, key: str) -> Path:
        return self.root / "failed" / f"{key}.json"

    def done(self, key: str) -> DoneMarker | None:
        """The done-marker of ``key``, or ``None`` where the document is not done."""
        try:
            data = json.loads(self._done_path(key).read_bytes())
        except FileNotFoundError:
            return None
        data["formats"] = tuple(data["formats"])
        return DoneMarker(**data)

    def failure(self, key: str) -> FailureMarker | None:
        """The failure marker of ``key``, or ``None``."""
        try:
            return FailureMarker(**json.loads(self._failed_path(key).read_bytes()))
        except FileNotFoundError:
            return None

    def mark_done(self, marker: DoneMarker) -> None:
        """Record a document as done (call only after its outputs are in place)."""
        self.write(self._done_path(marker.key), _dump(asdict(marker)))
        self._failed_path(marker.key).unlink(missing_ok=True)

    def mark_failed(self, marker: FailureMarker) -> None:
        """Record a failure and append it to the live errors file."""
        self.write(self._failed_path(marker.key), _dump(asdict(marker)))
        with self.errors_path.open("ab") as handle:
            handle.write(_dump(asdict(marker)))

    def failures(self) -> Iterator[FailureMarker]:
        """Every recorded failure of documents that are not done since, sorted by key."""
        for path in sorted((self.root / "failed").glob("*.json")):
            marker = FailureMarker(**json.loads(path.read_bytes()))
            if self.done(marker.key) is None:
                yield marker

    def rewrite_errors(self) -> int:
        """Rebuild ``errors.jsonl`` from the failure markers: one line per failed document.

        The live file is appended to during a run; this drops duplicates from earlier runs,
        documents that succeeded on a retry, and a torn last line left by a kill.
        """
        lines = [_dump(asdict(marker)) for marker in self.failures()]
        self.write(self.errors_path, b"".join(lines))
        return len(lines)

    # -- JSONL staging and shard markers ---------------------------------------------------

    def staged_path(self, shard_id: str, key: str) -> Path:
        """Where a finished document's JSONL record waits for the rest of its shard."""
        return self.root / "staged" / shard_id / f"{key}.json"

    def shard_marker(self, shard_id: str) -> dict[str, Any] | None:
        """The marker of a complete JSONL shard, or ``None``."""
        try:
            data: dict[str, Any] = json.loads(
                (self.root / "shards" / f"{shard_id}.json").read_bytes()
            )
        except FileNotFoundError:
            return None
        return data

    def mark_shard(self, shard_id: str, info: Mapping[str, Any]) -> None:
        """Record a shard's JSONL file as complete."""
        self.write(self.root / "shards" / f"{shard_id}.json", _dump(dict(info)))

    def clear_staged(self, shard_id: str) -> None:
        """Delete a shard's staged records once its file and marker are written."""
        folder = self.root / "staged" / shard_id
        if folder.is_dir():
            for entry in folder.iterdir():
                entry.unlink(missing_ok=True)
            folder.rmdir()

    def unmark_shard(self, shard_id: str) -> None:
        """Mark a shard incomplete again (before documents of it are converted anew)."""
        (self.root / "shards" / f"{shard_id}.json").unlink(missing_ok=True)
