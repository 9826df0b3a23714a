"""A worker: a child process that converts one document at a time, under a time limit and
a memory bound, owned by a :class:`WorkerProcess` handle in the parent.

The child is started with ``python -m pdf2md.batch.child`` (not ``multiprocessing``), so
it works the same under the local pool and inside a Ray actor. Parent and child speak over
two pipes with :class:`multiprocessing.connection.Connection` framing: the child sends
``("ready", pid)`` once the converter is imported, then one ``("outcome", Outcome)`` per
job (:class:`~pdf2md.batch.commit.Job`), whose outputs the child has written to OUTDIR
itself; ``None`` asks it to exit. The child's stdout is discarded and its stderr goes to
the batch's worker log, so a noisy library cannot corrupt the protocol or the progress bar.

The parent enforces the limits: a document still running at its deadline, or a child whose
resident memory passes the bound, is killed (SIGKILL) and recorded as a ``timeout`` or
``memory`` failure; a child that dies (segfault, abort, OOM killer) is recorded as a
``crash``. A worker is recycled after ``max_tasks`` documents or once its memory passes
``recycle_memory_mb``, so slow leaks in native libraries cannot build up.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from typing import IO, Any

from pdf2md.batch.commit import Job, JobRunner
from pdf2md.batch.converter import (
    DEFAULT_CONVERTER,
    DEFAULT_WARM_UP,
    Converter,
    ConvertOptions,
    load_converter,
)
from pdf2md.batch.language import detect_language
from pdf2md.batch.task import Outcome, failed_outcome
from pdf2md.errors import ConfigError, Pdf2mdError
from pdf2md.onnx_env import limit_onnx_threads


class WorkerStartError(Pdf2mdError):
    """A worker process could not start (bad converter, import error, died at start-up)."""


@dataclass(frozen=True)
class WorkerSpec:
    """How to start and police a worker.

    Attributes:
        converter: ``"module:function"`` of the converter (see :mod:`pdf2md.batch.converter`).
        timeout_s: a document running longer is killed (``None``: no limit).
        max_memory_mb: a worker whose resident memory passes this is killed (``None``: no bound).
        recycle_memory_mb: after a document, a worker above this is replaced by a fresh one.
        max_tasks: documents per worker before it is replaced.
        rlimit_as_mb: optional hard ``RLIMIT_AS`` in the child (virtual memory: keep it far
            above ``max_memory_mb``; onnxruntime and torch reserve a lot of address space).
        python_path: ``sys.path`` entries the child needs (the parent's, by default).
        log_path: file that receives the children's stderr (``None``: discarded).
        startup_timeout_s: how long a child may take to import the converter.
        warm_up_language: load the language model before the first document (JSONL runs).
        warm_up: ``"module:function"`` called with the worker's converter and ``options``
            before the worker takes work,
            to load models outside the first document's time limit (``None``: none).
        options: the batch's conversion options, for the warm-up.
    """

    converter: str = DEFAULT_CONVERTER
    timeout_s: float | None = 300.0
    max_memory_mb: int | None = 4096
    recycle_memory_mb: int | None = 2048
    max_tasks: int = 200
    rlimit_as_mb: int | None = None
    python_path: tuple[str, ...] = ()
    log_path: str | None = None
    startup_timeout_s: float = 300.0
    warm_up_language: bool = True
    warm_up: str | None = DEFAULT_WARM_UP
    options: ConvertOptions = field(default_factory=ConvertOptions)


def rss_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MiB, or ``None`` where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except (ImportError, OSError, ValueError):  # psutil's errors derive from OSError
        return None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "worker stopped answering"
    if code < 0:
        try:
            return f"worker killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"worker killed by signal {-code}"
    return f"worker exited with status {code}"


def _child_command(
    spec: WorkerSpec, read_fd: int, write_fd: int, cpus: frozenset[int] | None = None
) -> list[str]:
    cmd = [sys.executable, "-m", "pdf2md.batch.child", "--read-fd", str(read_fd),
           "--write-fd", str(write_fd), "--converter", spec.converter]  # fmt: skip
    if cpus:
        cmd += ["--cpus", ",".join(map(str, sorted(cpus)))]
    if not spec.warm_up_language:
        cmd.append("--no-warm-up-language")
    if spec.warm_up:
        cmd += ["--warm-up", spec.warm_up, "--options", json.dumps(asdict(spec.options))]
    if spec.rlimit_as_mb:
        cmd += ["--rlimit-as-mb", str(spec.rlimit_as_mb)]
    return cmd


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _child_env(spec: WorkerSpec, cpus: frozenset[int] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    paths = [p for p in (*spec.python_path, env.get("PYTHONPATH", "")) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    if cpus:  # thread pools sized to the worker's cores, not the machine's
        env.update({name: str(len(cpus)) for name in _THREAD_VARS if name not in os.environ})
    return env


def _open_log(log_path: str | None) -> IO[bytes] | int:
    if log_path:
        try:
            return open(log_path, "ab")
        except OSError:  # e.g. a Ray node that cannot see the driver's OUTDIR
            pass
    return subprocess.DEVNULL


class WorkerProcess:
    """The parent's handle on one worker child. Not thread-safe; one task at a time.

    ``cpus``: the cores the child (and every child it starts, such as Tesseract) may run on;
    ``None`` leaves it free to use all of them.
    """

    def __init__(self, spec: WorkerSpec, cpus: frozenset[int] | None = None) -> None:
        self.spec = spec
        self.cpus = cpus
        self.task: Job | None = None
        self.tasks_done = 0
        self.ready = False
        self._start()

    def _start(self) -> None:
        parent_r, child_w = os.pipe()
        child_r, parent_w = os.pipe()
        stderr = _open_log(self.spec.log_path)
        try:
            self.proc = subprocess.Popen(
                _child_command(self.spec, child_r, child_w, self.cpus),
                pass_fds=(child_r, child_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=_child_env(self.spec, self.cpus),
            )
        finally:
            os.close(child_r)
            os.close(child_w)
            if not isinstance(stderr, int):
                stderr.close()
        self.conn_in = Connection(parent_r, writable=False)
        self.conn_out = Connection(parent_w, readable=False)
        self.started_at = time.monotonic()
        self.task, self.tasks_done, self.ready, self.deadline = None, 0, False, float("inf")

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.proc.pid

    @property
    def is_idle(self) -> bool:
        """Ready and not working on a task."""
        return self.ready and self.task is None

    def submit(self, task: Job) -> None:
        """Hand a task to an idle worker."""
        assert self.is_idle, "submit() needs an idle worker"
        self.task = task
        self.task_started = time.monotonic()
        limit = self.spec.timeout_s
        self.deadline = self.task_started + limit if limit else float("inf")
        self.conn_out.send(task)

    def receive(self) -> Outcome | None:
        """Read one message after :func:`wait` said there is one; an Outcome when a task ended.

        Raises:
            WorkerStartError: the child could not import the converter or died at start-up.
        """
        try:
            kind, payload = self.conn_in.recv()
        except (EOFError, OSError):
            return self._died()
        if kind == "fatal":
            self.kill()
            raise WorkerStartError(str(payload))
        if kind == "ready":
            self.ready = True
            return None
        task, self.task = self.task, None
        self.tasks_done += 1
        assert isinstance(payload, Outcome) and task is not None and payload.key == task.key
        return payload

    def _died(self) -> Outcome:
        try:
            code: int | None = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        task, elapsed = self.task, self._elapsed()  # kill() forgets the task
        self.kill()
        if task is None:
            raise WorkerStartError(
                f"worker died before taking a task ({_describe_exit(code)}); see the worker log"
            )
        return failed_outcome(task, "crash", _describe_exit(code), seconds=elapsed, pid=self.pid)

    def _elapsed(self) -> float:
        return time.monotonic() - self.task_started if self.task else 0.0

    def check(self, now: float) -> Outcome | None:
        """Enforce the limits; returns a failed Outcome where the running task was killed.

        Raises:
            WorkerStartError: the child took longer than ``startup_timeout_s`` to start.
        """
        if not self.ready:
            if now - self.started_at > self.spec.startup_timeout_s:
                self.kill()
                raise WorkerStartError(
                    f"worker did not start in {self.spec.startup_timeout_s:.0f} s"
                )
            return None
        if self.task is None:
            return None
        if now > self.deadline:
            return self._kill_task("timeout", f"no answer after {self.spec.timeout_s:g} s; killed")
        bound = self.spec.max_memory_mb
        used = rss_mb(self.pid) if bound else None
        if bound and used is not None and used > bound:
            return self._kill_task(
                "memory", f"resident memory {used:.0f} MiB over {bound} MiB; killed"
            )
        return None

    def _kill_task(self, stage: str, message: str) -> Outcome:
        assert self.task is not None
        outcome = failed_outcome(self.task, stage, message, seconds=self._elapsed(), pid=self.pid)
        self.kill()
        return outcome

    def needs_recycle(self) -> bool:
        """True where this worker has done its share of tasks or grown too big."""
        if self.tasks_done >= self.spec.max_tasks:
            return True
        limit = self.spec.recycle_memory_mb
        used = rss_mb(self.pid) if limit else None
        return bool(limit and used is not None and used > limit)

    def kill(self) -> None:
        """Kill the child at once (SIGKILL) and release the pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.conn_in.close()
        self.conn_out.close()
        self.task, self.ready = None, False

    def restart(self) -> None:
        """Replace the child with a fresh one."""
        self.stop()
        self._start()

    def stop(self, grace_s: float = 5.0) -> None:
        """Ask the child to exit; kill it where it does not within ``grace_s``."""
        if self.proc.poll() is None and not self.conn_out.closed:
            try:
                self.conn_out.send(None)
                self.proc.wait(timeout=grace_s)
            except (OSError, subprocess.TimeoutExpired):
                pass  # it is killed just below
        if not self.conn_in.closed:
            self.kill()

    def run_blocking(self, task: Job, poll_s: float = 0.25) -> Outcome:
        """Run one task to its end, enforcing the limits; restarts the child as needed.

        This is what a Ray actor calls (the local pool multiplexes instead).
        """
        if self.conn_in.closed:
            self._start()
        while not self.ready:
            if wait([self.conn_in], timeout=poll_s):
                self.receive()
            self.check(time.monotonic())
        self.submit(task)
        outcome: Outcome | None = None
        while outcome is None:
            if wait([self.conn_in], timeout=poll_s):
                outcome = self.receive()
            else:
                outcome = self.check(time.monotonic())
        if self.conn_in.closed or self.needs_recycle():
            self.restart()
        return outcome


def _watch_parent(parent_pid: int, interval_s: float = 1.0) -> None:
    """Exit when the parent dies, even in the middle of a hung conversion."""
    while True:
        time.sleep(interval_s)
        if os.getppid() != parent_pid:
            os._exit(3)


def _warm_up(args: argparse.Namespace, converter: Converter) -> None:
    if args.warm_up:
        options = ConvertOptions(**json.loads(args.options or "{}"))
        load_converter(args.warm_up)(converter, options)
    if not args.no_warm_up_language:  # load the language model outside any document's time
        detect_language("warm up the language model before the first document " * 4)


def _serve(conn_in: Connection, conn_out: Connection, args: argparse.Namespace) -> int:
    try:
        converter = load_converter(args.converter)
        _warm_up(args, converter)
    except ConfigError as exc:
        conn_out.send(("fatal", str(exc)))
        return 2
    conn_out.send(("ready", os.getpid()))
    run_job = JobRunner(converter)
    while True:
        try:
            task: Any = conn_in.recv()
        except (EOFError, OSError):
            return 0
        if task is None:
            return 0
        conn_out.send(("outcome", run_job(task)))


def main(argv: list[str] | None = None) -> int:
    """Entry point of a worker child (``python -m pdf2md.batch.child``)."""
    parser = argparse.ArgumentParser(prog="pdf2md.batch.child")
    parser.add_argument("--read-fd", type=int, required=True)
    parser.add_argument("--write-fd", type=int, required=True)
    parser.add_argument("--converter", default=DEFAULT_CONVERTER)
    parser.add_argument("--rlimit-as-mb", type=int, default=None)
    parser.add_argument("--no-warm-up-language", action="store_true")
    parser.add_argument("--warm-up", default=None)
    parser.add_argument("--options", default=None)
    parser.add_argument("--cpus", default=None, help="comma-separated cores to run on")
    args = parser.parse_args(argv)
    if args.cpus and hasattr(os, "sched_setaffinity"):  # before any thread pool starts
        cpus = {int(c) for c in args.cpus.split(",")}
        os.sched_setaffinity(0, cpus)
        limit_onnx_threads(len(cpus))
    if args.rlimit_as_mb:
        import resource

        limit = args.rlimit_as_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # A process entry point, like cli.py: the only place the child configures logging.
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s worker %(process)d %(levelname)s %(name)s: %(message)s",
    )
    faulthandler.enable()
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    conn_in = Connection(args.read_fd, writable=False)
    conn_out = Connection(args.write_fd, readable=False)
    return _serve(conn_in, conn_out, args)
