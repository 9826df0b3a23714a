"""Atomic file writes: a file is either complete at its final name or absent.

Every write goes to a temporary file in one scratch folder on the same file system as the
output (``<OUTDIR>/.pdf2md-batch/tmp``), is flushed and fsynced, then moved into place with
:func:`os.replace` (atomic on POSIX), and the target folder is fsynced so the rename itself
survives a power cut. A process killed mid-write leaves at most a stray file in the scratch
folder, which the next run clears; it never leaves a half-written file under its real name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".pdf2md-tmp"


def file_mode() -> int:
    """The mode a new file gets under this process's umask (``0o666 & ~umask``), as ``open``
    gives it; :func:`tempfile.mkstemp` alone would make every output 0600."""
    try:  # Linux reports the umask without changing it
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return 0o666 & ~mask


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk (a no-op where the platform cannot open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a folder; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (tmpfs variants, network mounts) refuse fsync on folders
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_atomic(path: Path, tmp_dir: Path) -> Iterator[BinaryIO]:
    """Open a binary stream whose content appears at ``path`` only once it is complete.

    Args:
        path: the final file name; its folder is created where missing.
        tmp_dir: scratch folder on the same file system as ``path``.

    Yields:
        A writable binary file. Leaving the block normally publishes it; an exception
        discards it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix=f"{path.name[:80]}.", suffix=TMP_SUFFIX)
    tmp = Path(tmp_name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, tmp_dir: Path) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`open_atomic`)."""
    with open_atomic(path, tmp_dir) as handle:
        handle.write(data)


def clear_tmp(tmp_dir: Path) -> int:
    """Delete leftovers of interrupted writes; returns how many were removed."""
    if not tmp_dir.is_dir():
        return 0
    removed = 0
    for entry in tmp_dir.iterdir():
        if entry.name.endswith(TMP_SUFFIX) and entry.is_file():
            entry.unlink(missing_ok=True)
            removed += 1
    return removed
