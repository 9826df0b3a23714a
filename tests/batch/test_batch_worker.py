"""Worker processes: timeouts, memory bound, crashes, recycling, start-up failures."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path

import pytest
from batch_fixtures import CRASH_TOKEN, HANG_TOKEN, HOG_TOKEN, TEXT_CONVERTER

from pdf2md.batch.pool import LocalPool
from pdf2md.batch.task import Outcome, Task
from pdf2md.batch.worker import WorkerProcess, WorkerSpec, WorkerStartError, rss_mb

SPEC = WorkerSpec(
    converter=TEXT_CONVERTER,
    timeout_s=2.0,
    max_memory_mb=400,
    recycle_memory_mb=None,
    warm_up_language=False,
    warm_up=None,
    python_path=tuple(sys.path),
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _task(path: Path) -> Task:
    return Task(key=path.stem, path=str(path), want_record=False)


@pytest.mark.usefixtures("fake_env")
def test_pool_survives_hang_memory_hog_and_crash(tmp_path: Path) -> None:
    texts = {"hang": HANG_TOKEN, "hog": HOG_TOKEN, "crash": CRASH_TOKEN}
    texts.update({f"good{i}": f"fine {i}" for i in range(4)})
    docs = {name: _write(tmp_path / f"{name}.txt", text) for name, text in texts.items()}
    outcomes: dict[str, Outcome] = {}
    LocalPool(2).run(
        [_task(p) for p in docs.values()], SPEC, lambda o: outcomes.setdefault(o.key, o) and None
    )
    assert set(outcomes) == set(docs)
    assert (outcomes["hang"].stage, outcomes["hang"].ok) == ("timeout", False)
    assert 2.0 <= outcomes["hang"].seconds < 10
    assert outcomes["hog"].stage == "memory" and "over 400 MiB" in outcomes["hog"].error
    assert outcomes["crash"].stage == "crash" and "SIGSEGV" in outcomes["crash"].error
    assert all(
        outcomes[f"good{i}"].ok and outcomes[f"good{i}"].markdown == f"fine {i}" for i in range(4)
    )


def test_worker_recycled_when_it_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDF2MD_TEST_LEAK_MB", "100")
    worker = WorkerProcess(SPEC)
    while not worker.ready:
        if wait([worker.conn_in], timeout=1):
            worker.receive()
    baseline = rss_mb(worker.pid)
    assert baseline is not None
    worker.spec = replace(SPEC, recycle_memory_mb=int(baseline) + 150)
    pids = [
        worker.run_blocking(_task(_write(tmp_path / f"d{i}.txt", "x"))).worker_pid for i in range(3)
    ]
    assert pids[0] == pids[1] != pids[2]  # +100 MiB kept it, +200 MiB recycled it
    assert worker.tasks_done == 1 and not worker.needs_recycle()
    worker.spec = replace(worker.spec, max_tasks=1)
    assert worker.needs_recycle()  # its share of documents is done
    worker.stop()


def test_unknown_converter_stops_the_batch(tmp_path: Path) -> None:
    spec = replace(SPEC, converter="no_such_module_xyz:convert")
    with pytest.raises(WorkerStartError, match="no_such_module_xyz"):
        LocalPool(1).run([_task(tmp_path / "a.pdf")], spec, lambda o: None)


def test_cpu_slots_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdf2md.batch.pool import cpu_slots

    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert cpu_slots(1) == [None]
    assert cpu_slots(2) == [frozenset({0, 1}), frozenset({2, 3})]
    assert cpu_slots(4) == [frozenset({i}) for i in range(4)]
    assert cpu_slots(6) == [None] * 6  # more workers than cores: no pinning
    assert cpu_slots(1, cpus_per_worker=1) == [frozenset({0})]
    assert cpu_slots(3, cpus_per_worker=2) == [
        frozenset({0, 1}),
        frozenset({2, 3}),
        frozenset({0, 1}),
    ]
    assert cpu_slots(2, cpus_per_worker=0) == [None, None]


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_pinned_worker_runs_on_its_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    doc = _write(tmp_path / "a.txt", "x")
    outcomes: list[Outcome] = []
    spec = replace(SPEC, converter="batch_fakes:affinity_convert")
    LocalPool(1, cpus_per_worker=1).run([_task(doc)], spec, outcomes.append)
    (outcome,) = outcomes
    first = min(os.sched_getaffinity(0))
    assert outcome.markdown == f"[{first}] 1"


def test_limited_onnx_sessions_use_the_workers_cores() -> None:
    """In its own process: the replacement is for worker processes only."""
    import subprocess

    code = """
import onnxruntime as ort
from pathlib import Path
import pymupdf.layout.onnx as layout_onnx
from pdf2md.onnx_env import limit_onnx_threads
assert limit_onnx_threads(1)
model = next((Path(layout_onnx.__file__).parent.parent / "resources" / "onnx").glob("*.onnx"))
session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
options = session.get_session_options()
print(options.intra_op_num_threads, options.inter_op_num_threads)
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["1", "1"]
