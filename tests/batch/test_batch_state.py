"""Atomic writes, markers and the errors file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf2md.batch.atomic import TMP_SUFFIX, clear_tmp, open_atomic, write_atomic
from pdf2md.batch.state import DoneMarker, FailureMarker, StateDir


def test_atomic_write_publishes_whole_file_or_nothing(tmp_path: Path) -> None:
    target, scratch = tmp_path / "a" / "out.md", tmp_path / "tmp"
    write_atomic(target, b"first", scratch)
    with pytest.raises(RuntimeError), open_atomic(target, scratch) as handle:
        handle.write(b"half of a second vers")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"first"
    assert list(scratch.iterdir()) == []
    (scratch / f"x{TMP_SUFFIX}").write_bytes(b"left by a SIGKILL")
    assert clear_tmp(scratch) == 1 and list(scratch.iterdir()) == []


def test_markers_and_errors_file(tmp_path: Path) -> None:
    state = StateDir(tmp_path)
    state.prepare()
    assert state.done("k1") is None
    state.mark_failed(FailureMarker("k1", "/x/1.pdf", "timeout", "killed"))
    state.mark_failed(FailureMarker("k2", "/x/2.pdf", "source", "corrupt"))
    state.mark_failed(FailureMarker("k2", "/x/2.pdf", "source", "corrupt"))  # a rerun
    errors = tmp_path / "errors.jsonl"
    with errors.open("ab") as handle:
        handle.write(b'{"torn line')  # a kill in the middle of an append
    state.mark_done(DoneMarker("k1", "/x/1.pdf", "ab", ("md",), 3, {"text-layer": 3}))
    assert state.failure("k1") is None and state.done("k1") == DoneMarker(
        "k1", "/x/1.pdf", "ab", ("md",), 3, {"text-layer": 3}
    )
    assert state.rewrite_errors() == 1
    assert errors.read_text().count("\n") == 1
    assert '"key": "k2"' in errors.read_text()
