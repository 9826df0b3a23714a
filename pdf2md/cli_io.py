"""Where the command line writes: output files, stdout and the image folder, all or nothing.

Every failure to write becomes :class:`OutputError`, whose message is one line
(``cannot write out.md: read-only file system``); the command prints it and exits 1. Image
files are written to a staging folder beside their destination and moved there only once the
Markdown itself is written, so a failed conversion leaves no half-filled ``_images/`` behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from pdf2md.errors import Pdf2mdError


class OutputError(Pdf2mdError):
    """Output could not be written; ``str()`` is one line for people."""


def os_error_text(exc: OSError) -> str:
    """``Read-only file system`` -> ``read-only file system`` (the system's words, lower case)."""
    reason = exc.strerror or (errno.errorcode.get(exc.errno or 0) if exc.errno else None)
    text = str(reason or exc)
    return text[:1].lower() + text[1:]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a half-written file.

    Raises:
        OutputError: ``path`` is a folder, or its folder cannot be made or written.
    """
    if path.is_dir():
        raise OutputError(f"cannot write {path}: is a directory")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {os_error_text(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_stream(stream: TextIO | None, text: str, *, name: str = "stdout") -> None:
    """Write and flush ``text``; a closed pipe or a full device becomes :class:`OutputError`.

    ``None`` is a stream Python found closed at start (``sys.stdout`` with fd 1 closed). After
    a failure the stream's file descriptor is pointed at ``/dev/null``, so that Python's own
    flush at exit has nothing left to complain about.
    """
    if stream is None:
        raise OutputError(f"cannot write to {name}: it is closed")
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError) as exc:
        _silence(stream)
        reason = os_error_text(exc) if isinstance(exc, OSError) else "it is closed"
        raise OutputError(f"cannot write to {name}: {reason}") from None


def _silence(stream: TextIO) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    if stream is sys.stdout:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  # lives to exit


class StagedFolder:
    """A fresh folder to write files into instead of ``final``: :meth:`commit` moves them
    into ``final``, :meth:`undo` takes back what a commit moved, :meth:`discard` removes
    whatever is still staged. ``path`` is ``None`` where ``final`` is ``None``.

    The staging folder sits beside ``final`` where that folder can be written (the move is
    then a rename on one file system), else in the temp folder.
    """

    def __init__(self, final: Path | None) -> None:
        self.final = final
        self.path: Path | None = None
        self._moved: list[Path] = []
        self._made_final = False
        if final is None:
            return
        try:
            self.path = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        except OSError:  # the commit will say why the destination cannot be written
            self.path = Path(tempfile.mkdtemp(prefix=f".{final.name}."))

    def commit(self) -> None:
        """Move the staged files into ``final`` (nothing to do where none were written).

        Raises:
            OutputError: ``final`` cannot be made or written.
        """
        if self.path is None or self.final is None or not any(self.path.iterdir()):
            return
        try:
            if not self.final.exists():
                self.final.mkdir(parents=True)
                self._made_final = True
            for item in sorted(self.path.iterdir()):
                target = self.final / item.name
                shutil.move(str(item), str(target))
                self._moved.append(target)
        except OSError as exc:
            self.undo()
            raise OutputError(f"cannot write {self.final}: {os_error_text(exc)}") from None

    def undo(self) -> None:
        """Remove what :meth:`commit` moved into ``final`` (and ``final``, if it made it)."""
        for target in self._moved:
            with contextlib.suppress(OSError):
                target.unlink()
        self._moved = []
        if self._made_final and self.final is not None:
            shutil.rmtree(self.final, ignore_errors=True)
            self._made_final = False

    def discard(self) -> None:
        """Remove the staging folder and whatever is still in it."""
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
