"""The local engine: a pool of worker processes on this machine.

The pool keeps ``workers`` children busy, one document each, and multiplexes their pipes
with :func:`multiprocessing.connection.wait`. Every quarter second it also polices the
running documents (deadline, resident memory). A worker killed for a timeout, a memory
overrun or a crash is replaced by a fresh one and the batch goes on; a worker that has done
``max_tasks`` documents or grown past ``recycle_memory_mb`` is replaced between documents.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait

from pdf2md.batch.commit import Job
from pdf2md.batch.task import Outcome
from pdf2md.batch.worker import WorkerProcess, WorkerSpec

log = logging.getLogger(__name__)

OutcomeSink = Callable[[Outcome], "Sequence[Job] | None"]
"""Called in the driver as each job ends; returns the jobs that became due (a shard's)."""

POLL_S = 0.25


def cpu_slots(workers: int, cpus_per_worker: int | None = None) -> list[frozenset[int] | None]:
    """The cores each worker may use: its own share of the cores this process may run on.

    By default a worker gets ``cores // workers`` of them (one worker: no limit), so workers
    do not fight over cores with thread pools sized for the whole machine. With
    ``cpus_per_worker`` each gets that many, wrapping round where they run out; ``0`` turns
    pinning off.
    """
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if cpus_per_worker is None:
        cpus_per_worker = len(available) // workers if workers > 1 else 0
    if not available or cpus_per_worker <= 0:
        return [None] * workers
    size = min(cpus_per_worker, len(available))
    return [
        frozenset(available[(i * size + k) % len(available)] for k in range(size))
        for i in range(workers)
    ]


class LocalPool:
    """Runs tasks on ``workers`` local child processes, each on its own cores (see
    :func:`cpu_slots`).

    Example:
        >>> LocalPool(2).run(tasks, WorkerSpec(), print)  # doctest: +SKIP
    """

    def __init__(self, workers: int, cpus_per_worker: int | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self.cpus_per_worker = cpus_per_worker

    def run(self, tasks: Sequence[Job], spec: WorkerSpec, on_outcome: OutcomeSink) -> None:
        """Convert every task, calling ``on_outcome`` in this process as each one ends.

        Raises:
            WorkerStartError: workers cannot start at all (e.g. the converter is missing).
        """
        pending = deque(tasks)
        if not pending:
            return
        count = min(self.workers, len(pending))
        pool = [WorkerProcess(spec, cpus) for cpus in cpu_slots(count, self.cpus_per_worker)]
        try:
            self._loop(pool, pending, RetryOnce(tasks, pending, on_outcome))
        finally:
            for worker in pool:
                worker.stop()

    def _loop(
        self, pool: list[WorkerProcess], pending: deque[Job], on_outcome: OutcomeSink
    ) -> None:
        while pending or any(w.task is not None for w in pool):
            if pending and all(w.conn_in.closed for w in pool):
                pool[0].restart()  # every worker was retired before a follow-up job came
            for worker in pool:
                if worker.is_idle and pending:
                    worker.submit(pending.popleft())
            live = [w for w in pool if not w.conn_in.closed]
            ready = wait([w.conn_in for w in live], timeout=POLL_S)
            for worker in live:
                if worker.conn_in in ready:
                    outcome = worker.receive()
                    if outcome is not None:
                        self._finish(worker, outcome, on_outcome, pending)
            now = time.monotonic()
            for worker in pool:
                if worker.conn_in.closed:
                    continue
                outcome = worker.check(now)
                if outcome is not None:
                    self._finish(worker, outcome, on_outcome, pending)

    @staticmethod
    def _finish(
        worker: WorkerProcess, outcome: Outcome, on_outcome: OutcomeSink, pending: deque[Job]
    ) -> None:
        """Hand the outcome on; replace the worker where it died or should be recycled.

        The outcome goes first: it may put its document back in ``pending`` (a retry), and
        then a worker is needed for it.
        """
        pending.extend(on_outcome(outcome) or ())
        if worker.conn_in.closed:
            log.warning("worker %d lost (%s: %s)", worker.pid, outcome.stage, outcome.error)
            if pending:
                worker.restart()
        elif worker.needs_recycle():
            log.info("recycling worker %d after %d documents", worker.pid, worker.tasks_done)
            worker.stop()
            if pending:
                worker.restart()


class RetryOnce:
    """An outcome sink that sends a job whose worker died (``crash``: killed from outside, a
    segfault, the OOM killer, a lost node) back to the queue once, on a fresh worker, before
    its failure is recorded; a job that kills its worker twice is recorded as failed.
    Follow-up jobs the sink returns are queued (and may be retried) the same way."""

    def __init__(self, tasks: Sequence[Job], pending: deque[Job], sink: OutcomeSink) -> None:
        self.tasks = {task.key: task for task in tasks}
        self.pending, self.sink = pending, sink
        self.retried: set[str] = set()

    def __call__(self, outcome: Outcome) -> Sequence[Job]:
        if outcome.stage == "crash" and outcome.key not in self.retried:
            self.retried.add(outcome.key)
            log.warning("worker died on %s (%s); trying it once more", outcome.key, outcome.error)
            self.pending.appendleft(self.tasks[outcome.key])
            return ()
        follow_ups = self.sink(outcome) or ()
        self.tasks.update((job.key, job) for job in follow_ups)
        return follow_ups
