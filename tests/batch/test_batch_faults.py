"""Batch faults: a worker killed mid-document, a second batch on the same OUTDIR, the umask,
and a full disk while writing outputs (issue 16)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from batch_fixtures import CRASH_TOKEN, make_pdf, sentence
from test_batch_worker import SPEC, _task, _write
from typer.testing import CliRunner

from pdf2md.batch.pool import LocalPool
from pdf2md.batch.runner import BatchConfig, run_batch
from pdf2md.batch.state import BatchLock, OutputLocked
from pdf2md.batch.task import Outcome, Task

REPO = Path(__file__).resolve().parents[2]


def test_document_of_a_killed_worker_is_redone_once_in_the_same_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdf2md.batch.worker import WorkerProcess

    monkeypatch.setenv("PDF2MD_TEST_SLEEP_S", "1.0")
    docs = [_write(tmp_path / f"d{i}.txt", f"text {i}") for i in range(3)]
    killed: list[str] = []
    submit = WorkerProcess.submit

    def submit_then_kill(self: WorkerProcess, task: Task) -> None:
        submit(self, task)
        if not killed:  # SIGKILL from outside, half a second into the first document
            killed.append(task.key)
            threading.Timer(0.5, os.kill, (self.pid, signal.SIGKILL)).start()

    monkeypatch.setattr(WorkerProcess, "submit", submit_then_kill)
    outcomes: list[Outcome] = []
    LocalPool(1).run([_task(p) for p in docs], SPEC, outcomes.append)
    assert killed == ["d0"]
    assert sorted(o.key for o in outcomes) == ["d0", "d1", "d2"]  # each once, none lost
    assert all(o.ok for o in outcomes) and outcomes[-1].key == "d2"


@pytest.mark.usefixtures("fake_env")
def test_a_document_that_kills_its_worker_twice_fails_with_its_real_time(tmp_path: Path) -> None:
    doc = _write(tmp_path / "crash.txt", CRASH_TOKEN)
    outcomes: list[Outcome] = []
    LocalPool(1).run([_task(doc)], SPEC, outcomes.append)
    assert [(o.key, o.stage) for o in outcomes] == [("crash", "crash")]  # recorded once
    assert "SIGSEGV" in outcomes[0].error
    assert outcomes[0].seconds > 0.0


def test_second_batch_on_a_locked_outdir_exits_2(tmp_path: Path) -> None:
    from pdf2md.cli import _register_optional_commands, app

    make_pdf(tmp_path / "in" / "a.pdf", [sentence(1)])
    out = tmp_path / "out"
    lock = BatchLock(out / ".pdf2md-batch")
    lock.acquire()
    try:
        with pytest.raises(OutputLocked, match="in use by another pdf2md batch"):
            BatchLock(out / ".pdf2md-batch").acquire()
        _register_optional_commands()
        result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "-o", str(out)])
        assert result.exit_code == 2
        assert f"pid {os.getpid()}" in result.output and "Traceback" not in result.output
        assert not (out / "a.md").exists()
    finally:
        lock.release()
    BatchLock(out / ".pdf2md-batch").acquire()  # free again once its holder let go


def test_lock_of_a_killed_batch_is_not_stale(tmp_path: Path) -> None:
    state = tmp_path / "out" / ".pdf2md-batch"
    code = (
        "import os, sys; from pathlib import Path; from pdf2md.batch.state import BatchLock;"
        f"BatchLock(Path({str(state)!r})).acquire(); os.kill(os.getpid(), 9)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code], env=env, check=False)
    assert (state / "lock").exists()
    BatchLock(state).acquire()  # the kernel released the dead holder's lock


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    from batch_fixtures import InProcessEngine

    make_pdf(tmp_path / "in" / "a.pdf", [sentence(2)])
    old = os.umask(0o022)
    try:
        run_batch(
            BatchConfig(inputs=(tmp_path / "in",), output_dir=tmp_path / "out"),
            InProcessEngine(),
        )
    finally:
        os.umask(old)
    assert (tmp_path / "out" / "a.md").stat().st_mode & 0o777 == 0o644


def test_refused_write_is_one_line_and_the_rerun_resumes(tmp_path: Path) -> None:
    """A worker that cannot write an output stops the batch with one line; the rerun resumes.

    The worker writes straight to OUTDIR, so the fault is a real one in its file system: a
    folder where ``d0.md`` must go.
    """
    from pdf2md.cli import _register_optional_commands, app

    for i in range(2):
        make_pdf(tmp_path / "in" / f"d{i}.pdf", [sentence(10 + i)])
    out = tmp_path / "out"
    (out / "d0.md").mkdir(parents=True)
    _register_optional_commands()
    args = ["batch", str(tmp_path / "in"), "-o", str(out), "--workers", "1", "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error" in line]
    assert lines == [f"pdf2md: error: cannot write {out / 'd0.md'}: is a directory"]
    assert "Traceback" not in result.output
    (out / "d0.md").rmdir()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.md")) == ["d0.md", "d1.md"]
