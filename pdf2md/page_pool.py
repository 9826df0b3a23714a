"""Helper processes that take chunks of one document's pages beside the calling process.

A :class:`PagePool` runs ``workers - 1`` helper processes (``python -m pdf2md.page_helper``,
each a fresh interpreter that limits ONNX Runtime to one thread before anything imports
pymupdf, so the caller and its helpers share the cores instead of fighting over them; the
caller should limit itself the same way, see :func:`pdf2md.onnx_env.limit_onnx_threads`).
Parent and helper speak pickled messages over two pipes. Each helper builds its state once with
an ``init`` function named as ``"module:function"`` and then answers chunks with a ``work``
function named the same way, so this module knows nothing of what a chunk is. The caller
keeps working too: :meth:`PagePool.map` hands the next chunk to a helper that is ready and
idle, and otherwise does it itself, so a helper that is still loading its models never holds
a document up.

A helper that dies (a page that crashes MuPDF) is dropped for good and its chunk is done by the
caller, as it would have been without helpers. An exception raised by ``work`` in a helper is
raised again in the caller, as if the caller had run the chunk.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing.connection
import os
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from pdf2md.onnx_env import limit_onnx_threads

log = logging.getLogger(__name__)


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system tells, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _resolve(name: str) -> Callable[..., Any]:
    module, _, attr = name.partition(":")
    func: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    return func


def helper_main(read_fd: int, write_fd: int) -> None:
    """The body of a helper process: read what to build, build the state, say ready, answer
    chunks until told to stop (``None``) or until the caller goes away."""
    conn_in = Connection(read_fd, writable=False)
    conn = Connection(write_fd, readable=False)
    try:
        init, init_arg, work, threads = conn_in.recv()
        limit_onnx_threads(threads)
        state = _resolve(init)(init_arg)
        run = _resolve(work)
    except BaseException as exc:  # report why it cannot start, then end
        conn.send(("broken", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            chunk = conn_in.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        try:
            conn.send(("done", run(state, chunk)))
        except BaseException as exc:  # the caller raises it as its own
            conn.send(("raised", exc))


@dataclass
class _Helper:
    process: subprocess.Popen[bytes]
    conn: Connection  # what the helper sends
    send: Connection  # what it is sent
    ready: bool = False
    busy: int | None = None  # index of the chunk it works on


@dataclass
class PagePool:
    """``workers - 1`` helper processes, started on the first :meth:`map` that needs them.

    Attributes:
        workers: processes that share the work, the caller included.
        init: ``"module:function"`` called once in each helper with ``init_arg``; its result
            is the helper's state.
        init_arg: a picklable argument for ``init``.
        work: ``"module:function"`` called in a helper as ``work(state, chunk)``.
        threads: ONNX Runtime threads in each helper.
    """

    workers: int
    init: str
    init_arg: object
    work: str
    threads: int = 1
    _helpers: list[_Helper] = field(default_factory=list, repr=False)
    _started: bool = field(default=False, repr=False)

    def _start(self) -> None:
        self._started = True
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        for _ in range(self.workers - 1):
            parent_r, child_w = os.pipe()
            child_r, parent_w = os.pipe()
            try:
                process = subprocess.Popen(
                    [sys.executable, "-m", "pdf2md.page_helper", str(child_r), str(child_w)],
                    pass_fds=(child_r, child_w),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            finally:
                os.close(child_r)
                os.close(child_w)
            helper = _Helper(
                process, Connection(parent_r, writable=False), Connection(parent_w, readable=False)
            )
            helper.send.send((self.init, self.init_arg, self.work, self.threads))
            self._helpers.append(helper)

    def map(self, chunks: Sequence[Any], local: Callable[[Any], Any]) -> Iterator[Any]:
        """The results of every chunk, in order: ``local(chunk)`` in this process, ``work``
        in a helper, whichever is free first. Results are yielded as soon as all earlier ones
        are in."""
        if self.workers > 1 and len(chunks) > 1 and not self._started:
            self._start()
        todo = deque(range(len(chunks)))
        results: dict[int, Any] = {}
        pending = 0
        try:
            while todo or any(h.busy is not None for h in self._helpers):
                self._collect(results, todo, block=not todo)
                for helper in self._idle():
                    if todo:
                        helper.busy = todo.popleft()
                        helper.send.send(chunks[helper.busy])
                if todo:
                    index = todo.popleft()
                    results[index] = local(chunks[index])
                while pending in results:
                    yield results.pop(pending)
                    pending += 1
        except BaseException:
            self._abandon()
            raise
        while pending in results:
            yield results.pop(pending)
            pending += 1

    def _idle(self) -> list[_Helper]:
        return [h for h in self._helpers if h.ready and h.busy is None]

    def _collect(self, results: dict[int, Any], todo: deque[int], *, block: bool) -> None:
        """Take every message the helpers have sent; wait for one where ``block``."""
        conns = [h.conn for h in self._helpers]
        if not conns:
            return
        for conn in multiprocessing.connection.wait(conns, timeout=None if block else 0):
            helper = next(h for h in self._helpers if h.conn is conn)
            try:
                kind, value = helper.conn.recv()
            except (EOFError, OSError):
                self._drop(helper, todo, "it died")
                continue
            if kind == "ready":
                helper.ready = True
            elif kind == "broken":
                self._drop(helper, todo, str(value))
            elif kind == "raised":
                helper.busy = None
                raise value
            else:
                assert helper.busy is not None
                results[helper.busy] = value
                helper.busy = None

    def _drop(self, helper: _Helper, todo: deque[int], why: str) -> None:
        log.info("page helper %s is gone (%s); its pages are done here", helper.process.pid, why)
        if helper.busy is not None:
            todo.appendleft(helper.busy)
        self._end(helper)
        self._helpers.remove(helper)

    def _abandon(self) -> None:
        """After an error (or a caller that stopped reading): helpers still working on a
        chunk are killed and the pool starts afresh on the next :meth:`map`, so no stale
        answer reaches it."""
        if not any(h.busy is not None for h in self._helpers):
            return
        for helper in self._helpers:
            if helper.busy is not None:
                helper.process.kill()
        self.close()

    @staticmethod
    def _end(helper: _Helper) -> None:
        if not helper.ready:  # still loading: nothing of value to wait for
            helper.process.kill()
        with contextlib.suppress(OSError):
            helper.send.send(None)
        try:
            helper.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            helper.process.kill()
            helper.process.wait()
        helper.send.close()
        helper.conn.close()

    def close(self) -> None:
        """Stop the helpers."""
        for helper in self._helpers:
            self._end(helper)
        self._helpers.clear()
        self._started = False
