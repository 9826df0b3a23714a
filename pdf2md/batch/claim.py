"""One batch at a time on an OUTDIR of an object store: a run claim with a heartbeat.

An object store has no ``flock``, and s3fs offers no conditional PUT that every S3-compatible
store honours, so the claim is advisory: ``.pdf2md-batch/claim.json`` holds the run's id,
host, pid and a heartbeat time, refreshed every ``heartbeat_s`` by a thread of the driver.
A second run that finds a claim younger than ``stale_s`` refuses to start
(:class:`~pdf2md.batch.state.OutputLocked`); a claim older than that belongs to a driver that
died, and is taken over. After writing its claim a run reads it back, so two drivers
starting within the same second mostly see each other; the window left (two PUTs crossing)
cannot corrupt anything, because every output has a deterministic name and is written whole:
two runs on one OUTDIR only duplicate work, never records.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid

from pdf2md.batch.state import OutputLocked
from pdf2md.batch.store import Store

CLAIM_REL = ".pdf2md-batch/claim.json"


class RunClaim:
    """The claim of one run on an object-store OUTDIR (see the module docstring)."""

    def __init__(self, store: Store, *, heartbeat_s: float = 30.0, stale_s: float = 120.0) -> None:
        self.store, self.heartbeat_s, self.stale_s = store, heartbeat_s, stale_s
        self.run_id = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _body(self) -> bytes:
        claim = {"run": self.run_id, "host": socket.gethostname(), "pid": os.getpid()}
        return (json.dumps({**claim, "heartbeat": time.time()}) + "\n").encode("utf-8")

    def _current(self) -> dict[str, object] | None:
        try:
            data: dict[str, object] = json.loads(self.store.read(CLAIM_REL))
        except (FileNotFoundError, ValueError):
            return None
        return data

    def _refuse_if_held(self) -> None:
        held = self._current()
        if held is None or held.get("run") == self.run_id:
            return
        beat = held.get("heartbeat")
        age = time.time() - float(beat) if isinstance(beat, (int, float)) else float("inf")
        if age < self.stale_s:
            raise OutputLocked(
                f"{self.store.display()} is in use by another pdf2md batch "
                f"(pid {held.get('pid')} on {held.get('host')}, alive {age:.0f} s ago); wait for "
                f"it to finish, or stop it and wait {self.stale_s:.0f} s, then run again"
            )

    def acquire(self) -> None:
        """Claim OUTDIR and start the heartbeat.

        Raises:
            OutputLocked: a live run holds it.
        """
        self._refuse_if_held()
        self.store.write(CLAIM_REL, self._body())
        time.sleep(0.2)  # let a racing claim land, then see who won
        self._refuse_if_held()
        self._thread = threading.Thread(target=self._beat, name="pdf2md-claim", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            try:
                self.store.write(CLAIM_REL, self._body())
            except OSError:
                continue  # a missed beat; the next one tries again

    def release(self) -> None:
        """Stop the heartbeat and drop the claim."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        held = self._current()
        if held is not None and held.get("run") == self.run_id:
            self.store.delete(CLAIM_REL)
