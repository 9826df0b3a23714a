"""The Ray engine: the same tasks, limits, error capture and done-markers, on a Ray cluster.

Each Ray actor owns one pdf2md worker process (:class:`~pdf2md.batch.worker.WorkerProcess`)
and keeps it, so a model-backed profile loads its weights once per actor, not once per
document; actors ask Ray for one CPU and ``gpus_per_worker`` GPUs. Inside the actor the
worker process enforces pdf2md's own per-document timeout and memory bound exactly as in
the local pool. The worker writes the document's outputs and done-marker, and the files of a
shard once the driver hands it the shard's job, straight to OUTDIR (an object store, or a
folder every node mounts); the driver only plans, hands out jobs, counts outcomes and writes
failure markers. Inputs must be readable on every node (URLs, or a shared file system).

An actor lost with its node fails its job as a ``crash``; the job goes back to the queue once
and runs on another actor. The lost actor's replacement is only given work once Ray has
placed it (a cluster that lost a node may have no room for it until the node comes back).

Ray is optional: ``pip install pdf2md[ray]``.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from pdf2md.batch.commit import Job
from pdf2md.batch.pool import OutcomeSink, RetryOnce
from pdf2md.batch.task import Outcome, failed_outcome
from pdf2md.batch.worker import WorkerProcess, WorkerSpec, WorkerStartError
from pdf2md.errors import BackendUnavailable

log = logging.getLogger(__name__)

WAIT_S = 1.0
DEPTH = 2  # jobs handed to an actor at once (see _Loop)


class DocumentActor:
    """Ray actor body: one long-lived pdf2md worker process, one job at a time."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.worker = WorkerProcess(spec)

    def ready(self) -> bool:
        """Answers once the actor is placed and constructed."""
        return True

    def process(self, task: Job) -> Outcome:
        """Run one job under the worker's limits."""
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

    def run(self, tasks: Sequence[Job], spec: WorkerSpec, on_outcome: OutcomeSink) -> None:
        """Convert every task on the cluster; ``on_outcome`` runs here, in the driver."""
        if not tasks:
            return
        ray = _ray()
        if not ray.is_initialized():
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
        count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actors = self._actors(ray, spec, min(count, len(tasks)))
        pending = deque(tasks)
        loop = _Loop(ray, self, spec, actors)
        sink = RetryOnce(tasks, pending, on_outcome)
        try:
            while pending or loop.running:
                loop.hand_out(pending)
                for outcome in loop.collect():
                    pending.extend(sink(outcome))
                loop.check_starting(pending)
        finally:
            unplaced = [actor for actor, _ in loop.starting.values()]
            placed = [a for a in actors if all(a is not u for u in unplaced)]
            self._shutdown(ray, placed, unplaced)

    def _replace(self, ray: Any, spec: WorkerSpec, actors: list[Any], dead: Any) -> Any:
        ray.kill(dead, no_restart=True)
        fresh = self._actors(ray, spec, 1)[0]
        actors[actors.index(dead)] = fresh
        log.warning("replaced a lost Ray worker")
        return fresh

    @staticmethod
    def _shutdown(ray: Any, actors: list[Any], unplaced: list[Any]) -> None:
        try:
            ray.get([a.shutdown.remote() for a in actors], timeout=30)
        except ray.exceptions.RayError as exc:
            log.warning("Ray workers did not stop cleanly: %s", exc)
        for actor in [*actors, *unplaced]:
            ray.kill(actor, no_restart=True)


class _Loop:
    """The state of one run of :meth:`RayEngine.run`: free slots, running and starting actors.

    Each actor has ``DEPTH`` slots: it is handed its next job while it still runs one, so it
    never waits for the round trip to the driver between documents (Ray runs an actor's
    calls one after the other). A job queued behind one that kills its actor fails with it
    as a ``crash`` and is retried like it.
    """

    def __init__(self, ray: Any, engine: RayEngine, spec: WorkerSpec, actors: list[Any]) -> None:
        self.ray, self.engine, self.spec, self.actors = ray, engine, spec, actors
        self.idle = [actor for actor in actors for _ in range(DEPTH)]
        self.running: dict[Any, tuple[Any, Job, float]] = {}
        self.starting: dict[Any, tuple[Any, float]] = {}  # ready() ref -> (actor, since)
        self.dead: list[Any] = []
        # backstop only: the actor's worker enforces the real per-document limit
        limit = (spec.timeout_s or float("inf")) * DEPTH
        self.backstop_s = limit + spec.startup_timeout_s + 60.0

    def hand_out(self, pending: deque[Job]) -> None:
        while self.idle and pending:
            actor, task = self.idle.pop(0), pending.popleft()
            self.running[actor.process.remote(task)] = (actor, task, time.monotonic())

    def _is_dead(self, actor: Any) -> bool:
        return any(actor is dead for dead in self.dead)

    def _lost(self, actor: Any) -> None:
        if self._is_dead(actor):
            return  # its other slot's job failed too; it is replaced already
        self.dead.append(actor)
        self.idle = [a for a in self.idle if a is not actor]
        fresh = self.engine._replace(self.ray, self.spec, self.actors, actor)
        self.starting[fresh.ready.remote()] = (fresh, time.monotonic())

    def _ready_refs(self) -> list[Any]:
        refs = [*self.running, *self.starting]
        ready, rest = self.ray.wait(refs, num_returns=1, timeout=WAIT_S)
        if ready and rest:  # take every other one that is ready too
            more, _ = self.ray.wait(rest, num_returns=len(rest), timeout=0)
            ready = [*ready, *more]
        return list(ready)

    def collect(self) -> list[Outcome]:
        """Outcomes of the jobs that ended within ``WAIT_S``; lost actors are replaced."""
        outcomes: list[Outcome] = []
        for ref in self._ready_refs():
            if ref in self.starting:
                actor, _ = self.starting.pop(ref)
                try:
                    self.ray.get(ref)
                    self.idle.extend([actor] * DEPTH)
                except self.ray.exceptions.RayError:
                    self._lost(actor)
                continue
            actor, task, started = self.running.pop(ref)
            try:
                outcome = self.ray.get(ref)
                if not self._is_dead(actor):
                    self.idle.append(actor)
            except self.ray.exceptions.RayError as exc:  # the actor or its node died
                outcome = failed_outcome(
                    task,
                    "crash",
                    f"Ray worker lost: {type(exc).__name__}",
                    seconds=time.monotonic() - started,
                )
                self._lost(actor)
            outcomes.append(outcome)
        return outcomes + self._overdue()

    def _overdue(self) -> list[Outcome]:
        now = time.monotonic()
        outcomes = []
        for ref, (actor, task, started) in list(self.running.items()):
            if now - started > self.backstop_s:
                self.running.pop(ref)
                self._lost(actor)
                outcomes.append(
                    failed_outcome(task, "timeout", "no answer from the Ray worker; killed")
                )
        return outcomes

    def check_starting(self, pending: deque[Job]) -> None:
        """Fail where work is left, nothing runs, and no replacement got placed in time.

        Raises:
            WorkerStartError: the cluster has had no room for a worker for too long.
        """
        if not pending or self.running or self.idle or not self.starting:
            return
        oldest = min(since for _, since in self.starting.values())
        if time.monotonic() - oldest > self.spec.startup_timeout_s:
            raise WorkerStartError(
                f"no Ray worker could be placed in {self.spec.startup_timeout_s:.0f} s "
                "(the cluster has lost the nodes it needs)"
            )
