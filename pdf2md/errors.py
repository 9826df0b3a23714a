"""pdf2md's exceptions. Bugs raise ordinary Python exceptions; these are for known failures.

::

    Pdf2mdError
    ├── ConfigError           a profile, option or backend name is wrong
    ├── BackendUnavailable    an optional dependency or model weights are missing
    ├── DocumentLoadError     the input is not a readable PDF (missing, corrupt, encrypted, empty)
    ├── RecognitionError      a backend failed on a page or region
    ├── LimitExceeded         a page goes past a bound pdf2md sets (nesting, stream bytes)
    └── ConversionTimeout     a document ran past its time limit
"""

from __future__ import annotations


class Pdf2mdError(Exception):
    """Base of every error pdf2md raises on purpose. ``str(err)`` is one line for people."""


class ConfigError(Pdf2mdError):
    """A profile, option or backend name is invalid."""


class BackendUnavailable(Pdf2mdError):
    """A backend cannot run here: a package or model weights are missing.

    The message says what to install or which command fetches the weights.
    """


class DocumentLoadError(Pdf2mdError):
    """The input cannot be opened as a PDF (missing, not a PDF, corrupt, encrypted, no pages)."""


class RecognitionError(Pdf2mdError):
    """A layout backend or recogniser failed on a page or region."""


class LimitExceeded(Pdf2mdError):
    """A page goes past a bound set before any work on it starts (see ``pdf2md.page_limits``).

    The message names the bound and the value seen; the page is recorded as failed.
    """


class ConversionTimeout(Pdf2mdError):
    """A document took longer than its time limit."""
