"""SIGKILL in the middle of a batch loses nothing marked done and duplicates nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from batch_fixtures import (
    FAKE_CONVERTER,
    HANG_TOKEN,
    all_records,
    assert_exactly_once,
    build_corpus,
)

from pdf2md.batch.atomic import TMP_SUFFIX

REPO = Path(__file__).resolve().parents[2]


def _command(inp: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pdf2md.batch",
        str(inp),
        "-o",
        str(out),
        "--format",
        "both",
        "--workers",
        "2",
        "--timeout",
        "1.5",
        "--shard-size",
        "3",
        "--no-progress",
        "--converter",
        FAKE_CONVERTER,
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(Path(__file__).parent)])
    env["PDF2MD_TEST_HANG_TOKEN"] = HANG_TOKEN
    env["PDF2MD_TEST_SLEEP_S"] = "0.2"
    return env


def _wait_for_marker(out: Path, proc: subprocess.Popen[bytes], limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while not list((out / ".pdf2md-batch" / "done").glob("*/*.json")):
        assert proc.poll() is None, "the batch ended before it could be killed"
        assert time.monotonic() < deadline, "no document finished in time"
        time.sleep(0.02)


def _assert_no_torn_files(out: Path) -> None:
    assert not [p for p in out.rglob(f"*{TMP_SUFFIX}") if p.parent.name != "tmp"]
    for md in out.rglob("*.md"):
        assert md.read_text().startswith("Document "), md  # complete or absent (blank.md aside)
    all_records(out)  # every shard file present parses completely


def test_sigkill_then_rerun_is_exactly_once(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "in", good=12)
    corpus.good.pop("blank").unlink()  # keep the torn-file check simple: every md starts alike
    out = tmp_path / "out"
    proc = subprocess.Popen(
        _command(corpus.root, out),
        env=_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_marker(out, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.stem for p in (out / ".pdf2md-batch" / "done").glob("*/*.json")}
    assert 1 <= len(done_before) < len(corpus.good), "the kill should land mid-run"
    _assert_no_torn_files(out)

    rerun = subprocess.run(_command(corpus.root, out), env=_env(), capture_output=True, timeout=120)
    # the corpus's bad PDFs fail in the rerun: exit status 1
    assert rerun.returncode == 1, rerun.stderr.decode()
    skipped = int(rerun.stderr.decode().split(" skipped")[0].rsplit(", ", 1)[1])
    assert skipped >= len(done_before) >= 1
    assert_exactly_once(out, corpus)
    keys = [json.loads(line)["key"] for line in (out / "errors.jsonl").read_text().splitlines()]
    assert len(keys) == len(set(keys)) == len(corpus.bad)


DRIVER = """
import sys, time
from pdf2md.batch.task import Task
from pdf2md.batch.worker import WorkerProcess, WorkerSpec
spec = WorkerSpec(converter="batch_fakes:text_convert", warm_up=None, warm_up_language=False,
                  timeout_s=None, python_path=tuple(sys.path))
worker = WorkerProcess(spec)
print(worker.pid, flush=True)
worker.run_blocking(Task(key="k", path=sys.argv[1], want_record=False))  # hangs
"""


def _is_running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever adopts it to reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def test_workers_exit_when_the_driver_alone_is_killed(tmp_path: Path) -> None:
    hung = tmp_path / "hang.txt"
    hung.write_text(HANG_TOKEN)
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(hung)], env=_env(),
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    worker_pid = int(proc.stdout.readline())
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)  # the driver only, not its process group
    proc.wait()
    proc.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not _is_running(worker_pid):
            return
        time.sleep(0.1)
    os.kill(worker_pid, signal.SIGKILL)
    raise AssertionError("the worker outlived its driver by 10 s")
