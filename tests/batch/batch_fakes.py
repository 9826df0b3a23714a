"""Fake converters for the batch tests, imported by worker processes as ``batch_fakes``.

``fake_convert`` is the production converter (the real pipeline) with misbehaviour injected
in front of it; ``text_convert`` reads plain-text files, so its workers start without
pymupdf. Misbehaviour is injected by the test through the environment and the document's own
text, never by file name:

* ``PDF2MD_TEST_HANG_TOKEN``: a document whose text holds this token sleeps for an hour.
* ``PDF2MD_TEST_HOG_TOKEN``: a document whose text holds it allocates memory until killed.
* ``PDF2MD_TEST_CRASH_TOKEN``: a document whose text holds it kills its own process (SIGSEGV).
* ``PDF2MD_TEST_FAIL_TOKEN``: a document whose text holds it makes the converter raise.
* ``PDF2MD_TEST_SLEEP_S``: seconds to sleep per document (to make a batch slow enough to kill).
* ``PDF2MD_TEST_LEAK_MB``: MiB leaked into a module-level list per document.
"""

from __future__ import annotations

import os
import signal
import time

from pdf2md.batch.converter import Converted, ConvertOptions, PageRecord, convert_with_pipeline

_LEAK: list[bytes] = []


def _misbehave(text: str) -> None:
    if os.environ.get("PDF2MD_TEST_FAIL_TOKEN", "\0") in text:
        raise RuntimeError("injected failure")
    if os.environ.get("PDF2MD_TEST_HANG_TOKEN", "\0") in text:
        time.sleep(3600)
    if os.environ.get("PDF2MD_TEST_CRASH_TOKEN", "\0") in text:
        os.kill(os.getpid(), signal.SIGSEGV)
    if os.environ.get("PDF2MD_TEST_HOG_TOKEN", "\0") in text:
        hog = []
        for _ in range(200):  # up to ~10 GiB; the parent kills us long before
            hog.append(b"x" * (50 * 2**20))
            time.sleep(0.05)
    time.sleep(float(os.environ.get("PDF2MD_TEST_SLEEP_S", "0")))
    leak_mb = int(os.environ.get("PDF2MD_TEST_LEAK_MB", "0"))
    if leak_mb:
        _LEAK.append(b"x" * (leak_mb * 2**20))


def fake_convert(path: str, options: ConvertOptions) -> Converted:
    """The real converter (the pipeline), after the injected misbehaviour of the document."""
    import pymupdf  # imported by the pipeline anyway

    try:
        with pymupdf.open(path) as doc:
            text = "".join(page.get_text() for page in doc)
    except (RuntimeError, ValueError):
        text = ""  # unreadable or encrypted: the pipeline reports it
    _misbehave(text)
    return convert_with_pipeline(path, options)


def text_convert(path: str, options: ConvertOptions) -> Converted:
    """Treat the file as plain text, one page (no pymupdf: workers start in a blink)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    _misbehave(text)
    return Converted(
        status="ok",
        markdown=text,
        pages=(PageRecord(0, 0, len(text), "text-layer"),),
        page_count=1,
        profile=options.profile,
        pdf2md_version="test",
    )


def affinity_convert(path: str, options: ConvertOptions) -> Converted:
    """Answers with the cores the worker may run on and its OpenMP thread count."""
    text = f"{sorted(os.sched_getaffinity(0))} {os.environ.get('OMP_NUM_THREADS', '-')}"
    return Converted(status="ok", markdown=text, pages=(PageRecord(0, 0, len(text), "blank"),))
