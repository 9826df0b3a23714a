"""What ``pdf2md convert`` says on stderr about a conversion: one summary line, and with ``-v``
one line per page.

Example summary::

    pdf2md: 3 pages: 2 text layer, 1 OCR, 0 blank, 0 failed; 1 warning; 2.4 s

Pages read by a model (``vlm`` profiles) or by several methods are added as ``N model`` and
``N mixed`` where there are any.
"""

from __future__ import annotations

from collections import Counter

from pdf2md.model import Document, ErrorItem, Page, Result

_ALWAYS = (("text-layer", "text layer"), ("ocr", "OCR"), ("blank", "blank"), ("failed", "failed"))
_WHERE_ANY = (("model", "model"), ("mixed", "mixed"))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: Result, seconds: float) -> str:
    """The one line printed after a conversion (not for a failed one: that prints its error)."""
    pages = result.document.pages if result.document is not None else ()
    by_method: Counter[str] = Counter(page.method for page in pages)
    parts = [f"{by_method.get(key, 0)} {label}" for key, label in _ALWAYS]
    parts += [f"{by_method[key]} {label}" for key, label in _WHERE_ANY if by_method.get(key)]
    words = ""
    ledger = result.ledger
    if ledger is not None and (ledger.lost or ledger.duplicated):
        # a lost or doubled word is a bug: say so, in the line everybody reads
        words = f"; words: {ledger.lost} lost, {ledger.duplicated} duplicated of {ledger.words_in}"
    return (
        f"pdf2md: {_plural(len(pages), 'page')}: {', '.join(parts)}; "
        f"{_plural(len(result.errors), 'warning')}{words}; {seconds:.1f} s"
    )


def page_line(page: Page) -> str:
    """``-v``: how one page was read, which layout backend cut it, and why OCR ran (if it did).

    Example: ``pdf2md: page 2: ocr; layout rapid-layout; OCR because no text layer``
    """
    detectors = sorted({b.region.detector for b in page.blocks if b.region.detector})
    layout = ", ".join(detectors) or "-"
    line = f"pdf2md: page {page.page_index + 1}: {page.method}; layout {layout}"
    if page.triage is not None and page.triage.needs_ocr:
        line += f"; OCR because {page.triage.reason}"
    return line


def page_lines(document: Document) -> list[str]:
    """:func:`page_line` for every converted page, in order."""
    return [page_line(page) for page in document.pages]


def warning_text(error: ErrorItem) -> str:
    """One recorded (non-fatal) error as the text of a warning; pages count from 1."""
    where = f" page {error.page_index + 1}" if error.page_index is not None else ""
    backend = f" {error.backend}" if error.backend else ""
    return f"{error.stage}{backend}{where}: {error.message}"
