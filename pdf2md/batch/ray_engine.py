"""The Ray engine: the same tasks, limits, error capture and done-markers, on a Ray cluster.

Each Ray actor owns one pdf2md worker process (:class:`~pdf2md.batch.worker.WorkerProcess`)
and keeps it, so a model-backed profile loads its weights once per actor, not once per
document; actors ask Ray for one CPU and ``gpus_per_worker`` GPUs. Inside the actor the
worker process enforces pdf2md's own per-document timeout and memory bound exactly as in
the local pool. The driver (the ``pdf2md batch`` process) hands out tasks, receives
outcomes and does every write, so done-markers, shards and the errors file behave as
locally and a rerun resumes the same way. Input paths must be readable on every node and
OUTDIR only on the driver.

Ray is optional: ``pip install pdf2md[ray]``.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from pdf2md.batch.pool import OutcomeSink, RetryOnce
from pdf2md.batch.task import Outcome, Task, failed_outcome
from pdf2md.batch.worker import WorkerProcess, WorkerSpec
from pdf2md.errors import BackendUnavailable

log = logging.getLogger(__name__)

WAIT_S = 1.0


class DocumentActor:
    """Ray actor body: one long-lived pdf2md worker process, one document at a time."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.worker = WorkerProcess(spec)

    def process(self, task: Task) -> Outcome:
        """Convert one document under the worker's limits."""
        return self.worker.run_blocking(task)

    def shutdown(self) -> None:
        """Stop the worker process."""
        self.worker.stop()


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise BackendUnavailable("the Ray engine needs Ray: pip install pdf2md[ray]") from exc
    return ray


class RayEngine:
    """Runs tasks on Ray actors (see the module docstring).

    Args:
        workers: actors to start; 0 means one per CPU of the cluster.
        address: the cluster to join (``None``: the running Ray, else a new local one).
        gpus_per_worker: GPUs each actor asks for (fractions allowed).
    """

    def __init__(
        self, workers: int = 0, address: str | None = None, gpus_per_worker: float = 0.0
    ) -> None:
        self.workers, self.address, self.gpus_per_worker = workers, address, gpus_per_worker

    def _actors(self, ray: Any, spec: WorkerSpec, count: int) -> list[Any]:
        remote_cls = ray.remote(num_cpus=1, num_gpus=self.gpus_per_worker, max_restarts=0)(
            DocumentActor
        )
        return [remote_cls.remote(spec) for _ in range(count)]

    def run(self, tasks: Sequence[Task], spec: WorkerSpec, on_outcome: OutcomeSink) -> None:
        """Convert every task on the cluster; ``on_outcome`` runs here, in the driver."""
        if not tasks:
            return
        ray = _ray()
        if not ray.is_initialized():
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
        count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actors = self._actors(ray, spec, min(count, len(tasks)))
        pending = deque(tasks)
        try:
            self._loop(ray, spec, actors, pending, RetryOnce(tasks, pending, on_outcome))
        finally:
            self._shutdown(ray, actors)

    def _loop(
        self,
        ray: Any,
        spec: WorkerSpec,
        actors: list[Any],
        pending: deque[Task],
        on_outcome: OutcomeSink,
    ) -> None:
        idle = list(actors)
        running: dict[Any, tuple[Any, Task, float]] = {}
        # backstop only: the actor's worker enforces the real per-document limit
        backstop_s = (spec.timeout_s or float("inf")) + spec.startup_timeout_s + 60.0
        while pending or running:
            while idle and pending:
                actor, task = idle.pop(), pending.popleft()
                running[actor.process.remote(task)] = (actor, task, time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=WAIT_S)
            for ref in ready:
                actor, task, started = running.pop(ref)
                try:
                    outcome = ray.get(ref)
                except ray.exceptions.RayError as exc:  # the actor or its node died
                    outcome = failed_outcome(
                        task,
                        "crash",
                        f"Ray worker lost: {type(exc).__name__}",
                        seconds=time.monotonic() - started,
                    )
                    actor = self._replace(ray, spec, actors, actor)
                idle.append(actor)
                on_outcome(outcome)
            now = time.monotonic()
            for ref, (actor, task, started) in list(running.items()):
                if now - started > backstop_s:
                    running.pop(ref)
                    idle.append(self._replace(ray, spec, actors, actor))
                    on_outcome(
                        failed_outcome(task, "timeout", "no answer from the Ray worker; killed")
                    )

    def _replace(self, ray: Any, spec: WorkerSpec, actors: list[Any], dead: Any) -> Any:
        ray.kill(dead, no_restart=True)
        fresh = self._actors(ray, spec, 1)[0]
        actors[actors.index(dead)] = fresh
        log.warning("replaced a lost Ray worker")
        return fresh

    @staticmethod
    def _shutdown(ray: Any, actors: list[Any]) -> None:
        try:
            ray.get([a.shutdown.remote() for a in actors], timeout=30)
        except ray.exceptions.RayError as exc:
            log.warning("Ray workers did not stop cleanly: %s", exc)
        for actor in actors:
            ray.kill(actor, no_restart=True)
