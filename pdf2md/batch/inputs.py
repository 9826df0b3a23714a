"""Expand the INPUT arguments of ``pdf2md batch`` into documents with stable ids.

An input is a PDF file (by its ``.pdf`` suffix, any case), a folder (searched recursively
for PDFs) or a text file listing one path per line (blank lines and ``#`` comments skipped;
relative entries are resolved against the list file's folder; an entry may itself be a
folder). A listed path that does not exist is kept: the batch records it as a failed
document instead of silently dropping it.

An input, or a list entry, may also be an fsspec URL (``s3://bucket/pdfs/``,
``gs://...``, ``hf://datasets/...``): a folder, one PDF or a manifest of URLs, as
:mod:`pdf2md.batch.remote` lists them; ``file://`` URLs are plain paths.

Each document gets:

* ``key``: the first 24 hex digits of the sha256 of its resolved absolute path (or URL). It names
  the done-marker and never changes while the file stays where it is. (The JSONL ``id``
  is different: it comes from the PDF's *content*, see :mod:`pdf2md.batch.jsonl`.)
* ``name``: where its Markdown goes, relative to OUTDIR and without the ``.md`` suffix: the
  path below the input folder, or the file's stem for files and list entries. Clashing names
  get ``-<key[:8]>`` appended, so two ``paper.pdf`` from different folders never overwrite
  each other.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pdf2md.batch.remote import list_url
from pdf2md.batch.store import is_url, local_path
from pdf2md.errors import ConfigError


@dataclass(frozen=True)
class DocumentRef:
    """One document of a batch.

    Attributes:
        key: stable id (hex) derived from the resolved path; names the done-marker.
        path: the resolved absolute path, as a string, or the URL.
        name: output name relative to OUTDIR, POSIX separators, no suffix.
    """

    key: str
    path: str
    name: str


def _resolved(path: str | Path) -> str:
    return str(path) if is_url(path) else str(local_path(path).resolve())


def document_key(path: str | Path) -> str:
    """The stable id of a document at ``path`` (24 hex digits of a sha256 of the path)."""
    resolved = _resolved(path)
    return hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _is_pdf_name(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def _walk_pdfs(folder: Path) -> Iterator[tuple[Path, str]]:
    """PDFs below ``folder`` in a stable (sorted) order, with names relative to it."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for filename in sorted(files):
            path = Path(root) / filename
            if _is_pdf_name(path):
                rel = path.relative_to(folder).with_suffix("")
                yield path, PurePosixPath(*rel.parts).as_posix()


def _read_list(list_file: Path) -> Iterator[tuple[str | Path, str]]:
    base = list_file.resolve().parent
    for raw in list_file.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if is_url(line):
            yield from _url_entry(line)
            continue
        entry = local_path(line).expanduser()
        entry = entry if entry.is_absolute() else base / entry
        if entry.is_dir():
            yield from _walk_pdfs(entry)
        else:
            yield entry, entry.stem or "document"


def _url_entry(url: str) -> Iterator[tuple[str | Path, str]]:
    """A URL listed in a manifest: a PDF stays (a missing one fails later, as a document)."""
    if url.lower().endswith(".pdf"):
        yield url, PurePosixPath(url.split("://", 1)[1]).stem or "document"
    else:
        yield from list_url(url)


def _candidates(inputs: Sequence[str | Path]) -> Iterator[tuple[str | Path, str]]:
    for item in inputs:
        if is_url(item):
            yield from list_url(str(item))
            continue
        path = local_path(item).expanduser()
        if path.is_dir():
            yield from _walk_pdfs(path)
        elif _is_pdf_name(path):
            if not path.exists():
                raise ConfigError(f"input {path}: no such file")
            yield path, path.stem
        elif path.is_file():
            yield from _read_list(path)
        else:
            raise ConfigError(f"input {path}: no such file or folder")


def expand_inputs(inputs: Sequence[str | Path]) -> list[DocumentRef]:
    """Turn INPUT arguments into documents, in input order, without duplicates.

    Raises:
        ConfigError: an INPUT argument itself does not exist.

    Example:
        >>> expand_inputs(["papers/"])  # doctest: +SKIP
        [DocumentRef(key='3f9c...', path='/data/papers/a.pdf', name='a'), ...]
    """
    seen: set[str] = set()
    found: list[tuple[str, str, str]] = []
    for path, name in _candidates(inputs):
        key = document_key(path)
        if key in seen:
            continue
        seen.add(key)
        found.append((key, _resolved(path), name))
    counts: dict[str, int] = {}
    for _, _, name in found:
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    return [
        DocumentRef(key, path, name if counts[name.lower()] == 1 else f"{name}-{key[:8]}")
        for key, path, name in found
    ]
