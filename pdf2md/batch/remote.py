"""Inputs behind fsspec URLs (``s3://``, ``gs://``, ``hf://``...): listing them, and reading one.

A URL input is a folder (every ``.pdf`` object below it, sorted, named by its path below
the folder), one ``.pdf`` object, or a manifest: a text object listing one URL or path per
line (blank lines and ``#`` comments skipped; relative entries are relative to the
manifest's folder). Workers read a PDF by copying it to a local temporary file first
(:func:`local_copy`); pymupdf then opens it like any other file.

Credentials come from each library's own environment (see :mod:`pdf2md.batch.store`); a
URL printed anywhere goes through :func:`pdf2md.urls.redact_url`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from pdf2md.errors import BackendUnavailable, ConfigError
from pdf2md.urls import redact_url


def _fs(url: str) -> tuple[Any, str]:
    try:
        import fsspec

        fs, path = fsspec.core.url_to_fs(url, use_listings_cache=False)
    except (ImportError, ValueError) as exc:
        raise BackendUnavailable(
            f"cannot open {redact_url(url)}: {exc} (pip install pdf2md[batch] for s3://)"
        ) from exc
    return fs, str(path)


def _join(base_url: str, entry: str) -> str:
    """A manifest entry as a URL: absolute URLs and paths as they are, else below the base."""
    if "://" in entry or entry.startswith("/"):
        return entry
    return base_url.rsplit("/", 1)[0] + "/" + entry


def _is_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")


def _stem(path: str) -> str:
    return PurePosixPath(path).stem or "document"


def list_url(url: str) -> Iterator[tuple[str, str]]:
    """``(location, name)`` for every document a URL input stands for (see the module doc).

    Raises:
        ConfigError: nothing exists at ``url``.
    """
    fs, path = _fs(url)
    protocol = url.split("://", 1)[0]
    try:
        is_dir = fs.isdir(path)
        is_file = not is_dir and fs.isfile(path)
    except OSError as exc:
        raise ConfigError(f"input {redact_url(url)}: {exc.strerror or exc}") from None
    if is_dir:
        root = path.rstrip("/")
        for found in sorted(fs.find(root)):
            if _is_pdf(found):
                rel = PurePosixPath(found[len(root) + 1 :]).with_suffix("")
                yield f"{protocol}://{found}", rel.as_posix()
    elif _is_pdf(path):
        if not is_file:
            raise ConfigError(f"input {redact_url(url)}: no such object")
        yield url, _stem(path)
    elif is_file:
        text = fs.cat_file(path).decode("utf-8")
        for raw in text.splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                yield _join(url, line), _stem(line)
    else:
        raise ConfigError(f"input {redact_url(url)}: no such object or folder")


@contextlib.contextmanager
def local_copy(url: str) -> Iterator[str]:
    """A local temporary copy of the object at ``url``, deleted on leaving the block.

    Raises:
        OSError: the object cannot be read (FileNotFoundError where it does not exist).
    """
    fs, path = _fs(url)
    fd, tmp = tempfile.mkstemp(prefix="pdf2md-input-", suffix=".pdf")
    try:
        os.close(fd)
        fs.get_file(path, tmp)
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
