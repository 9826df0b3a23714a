"""Keep a pinned batch worker's thread pools on its own cores.

ONNX Runtime sizes its default thread pool to the machine and pins each pool thread to a core
of its own, whatever cores the process was given, so two pinned workers would still fight over
every core. A worker started with ``--cpus`` calls :func:`limit_onnx_threads` before anything
creates a session: every session it makes then uses as many threads as the worker has cores,
unpinned, inside the worker's own affinity.
"""

from __future__ import annotations

from typing import Any

from pdf2md.onnx_env import quiet_onnxruntime


def limit_onnx_threads(threads: int) -> bool:
    """Make every ONNX Runtime session created from now on in this process use ``threads``
    intra-op threads and one inter-op thread. Returns False where onnxruntime is missing.

    Only for process entry points (a batch worker): it replaces ``onnxruntime.InferenceSession``
    for the whole process.
    """
    quiet_onnxruntime()
    try:
        import onnxruntime as ort
    except ImportError:
        return False
    base: Any = ort.InferenceSession
    if getattr(base, "pdf2md_threads", None) == threads:
        return True

    class LimitedSession(base):  # type: ignore[misc]  # a class from an Any-typed value
        pdf2md_threads = threads

        def __init__(self, path_or_bytes: Any, sess_options: Any = None, *args: Any, **kw: Any):
            options = sess_options if sess_options is not None else ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            super().__init__(path_or_bytes, options, *args, **kw)

    ort.InferenceSession = LimitedSession
    return True
