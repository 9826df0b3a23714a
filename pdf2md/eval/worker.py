"""Run a converter in a subprocess, one request at a time, with a time limit per request.

:class:`ConverterWorker` keeps one child process per converter (so models load once) and sends
it requests ``(pdf, page_index)``. A request that runs past its limit gets the child killed and a
``timeout`` outcome; a child that dies (segfault, out of memory) gives a ``crash`` outcome; an
exception in the converter gives an ``error`` outcome. The next request starts a fresh child, so
one bad PDF never stops the run.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """The result of one conversion request.

    Attributes:
        status: ``ok``, ``error``, ``timeout`` or ``crash``.
        markdown: the Markdown ("" unless status is ok).
        seconds: wall time of the conversion as measured in the child (or until the kill).
        message: the error message for the failure statuses.
        ledger: ``words_in``/``lost``/``duplicated`` where the converter keeps a word ledger.
    """

    status: str
    markdown: str = ""
    seconds: float = 0.0
    message: str = ""
    ledger: dict[str, int] | None = None

    @property
    def ok(self) -> bool:
        """True when the conversion produced Markdown."""
        return self.status == "ok"


def _child_main(spec: str, log_path: str) -> None:
    """Entry point of the worker process: answer JSON-line requests until stdin closes.

    The protocol uses a private copy of the original stdout; fds 1 and 2 then go to the log file,
    so whatever a converter prints cannot corrupt the replies.
    """
    reply_stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    target = os.open(log_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(target, 1)
    os.dup2(target, 2)
    os.close(target)
    from pdf2md.eval.converters import ReportsLedger, make_converter

    converter = make_converter(spec)
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        try:
            markdown = converter.convert(Path(request["pdf"]), request["page_index"])
            status, message = "ok", ""
        except Exception as err:
            # A third-party converter may raise anything; it becomes this request's outcome and
            # the worker goes on with the next request.
            markdown = ""
            status, message = "error", traceback.format_exception_only(type(err), err)[-1].strip()
        reply = {
            "status": status,
            "markdown": markdown,
            "message": message,
            "seconds": time.perf_counter() - start,
            "ledger": converter.word_ledger() if isinstance(converter, ReportsLedger) else None,
        }
        reply_stream.write(json.dumps(reply) + "\n")
        reply_stream.flush()


class ConverterWorker:
    """A converter in its own process. Use as a context manager; call :meth:`convert`.

    Args:
        spec: converter spec (``pdf2md:fast``, ``markitdown``...).
        log_path: file receiving the child's stdout/stderr (None: discarded).
    """

    def __init__(self, spec: str, log_path: Path | None = None) -> None:
        self._spec = spec
        self._log_path = log_path
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ConverterWorker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[str]:
        command = [
            sys.executable,
            "-m",
            "pdf2md.eval.worker",
            self._spec,
            str(self._log_path or ""),
        ]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=_child_env(),
        )
        return self._process

    def close(self) -> None:
        """Stop the child process (closing its stdin ends its loop; kill if it lingers)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def convert(self, pdf: Path, page_index: int | None, timeout_s: float) -> Outcome:
        """Convert one page (or the whole PDF, ``page_index=None``) within ``timeout_s`` seconds."""
        process = self._process or self._start()
        assert process.stdin is not None and process.stdout is not None
        start = time.perf_counter()
        try:
            process.stdin.write(json.dumps({"pdf": str(pdf), "page_index": page_index}) + "\n")
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], timeout_s)
            line = process.stdout.readline() if ready else None
        except (BrokenPipeError, OSError):
            line = ""
        if line is None:
            self._kill()
            return Outcome("timeout", seconds=timeout_s, message=f"over {timeout_s:g} s")
        if not line:
            try:
                code: int | None = process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            self._kill()
            elapsed = time.perf_counter() - start
            return Outcome("crash", seconds=elapsed, message=f"worker died (exit code {code})")
        reply = json.loads(line)
        return Outcome(
            reply["status"],
            reply["markdown"],
            reply["seconds"],
            reply["message"],
            reply.get("ledger"),
        )


def _child_env() -> dict[str, str]:
    """The child's environment: ours, with this checkout importable."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


if __name__ == "__main__":
    _child_main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
