"""Where a batch's outputs live: a local folder or a folder of an object store, behind one API.

A :class:`Store` is rooted at OUTDIR and addressed by POSIX paths relative to it
(``"jsonl/shard-00000.jsonl"``). Every write is atomic: a reader sees the whole object or
nothing.

* :class:`LocalStore`: a plain folder; a write goes to a temporary file in
  ``.pdf2md-batch/tmp``, is fsynced and renamed into place (:mod:`pdf2md.batch.atomic`).
* :class:`FsspecStore`: any fsspec URL (``s3://bucket/out/``, ``gs://...``, ``memory://``);
  a write is one ``pipe_file`` of the final object: on an object store a single PUT, which
  the store makes visible whole or not at all.

Credentials never travel through pdf2md: each fsspec library reads its own environment
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_ENDPOINT_URL`` or ``~/.aws`` for s3fs,
``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs, ``HF_TOKEN`` for ``hf://``). Every name a store
prints or raises goes through :func:`pdf2md.urls.redact_url`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Protocol

from pdf2md.batch.atomic import write_atomic
from pdf2md.errors import BackendUnavailable
from pdf2md.urls import redact_url

TMP_REL = ".pdf2md-batch/tmp"


def is_url(location: str | Path) -> bool:
    """True for ``scheme://...`` locations other than ``file://`` (those are local paths)."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def local_path(location: str | Path) -> Path:
    """A local location as a :class:`Path` (``file:///x`` is ``/x``)."""
    text = str(location)
    return Path(text[len("file://") :]) if text.startswith("file://") else Path(text)


class Store(Protocol):
    """OUTDIR, local or remote; paths are POSIX and relative to it."""

    @property
    def url(self) -> str:
        """OUTDIR as a location workers can open again (a local path or a URL)."""
        ...

    @property
    def is_local(self) -> bool:
        """True for a local folder (it supports :meth:`append` and a kernel lock)."""
        ...

    def display(self, rel: str = "") -> str:
        """``rel`` as it may be printed: a path or a URL without credentials."""
        ...

    def write(self, rel: str, data: bytes) -> None:
        """Publish ``data`` at ``rel`` atomically, replacing what was there.

        Raises:
            OSError: the store refused the write; ``filename`` is :meth:`display` of ``rel``.
        """
        ...

    def read(self, rel: str) -> bytes:
        """The bytes at ``rel``. Raises FileNotFoundError where there is none."""
        ...

    def exists(self, rel: str) -> bool:
        """True where an object (file) is at ``rel``."""
        ...

    def delete(self, rel: str) -> None:
        """Remove the object at ``rel``; a missing one is fine."""
        ...

    def names(self, rel: str) -> list[str]:
        """Sorted names of the objects directly below the folder ``rel`` (none if absent)."""
        ...

    def append(self, rel: str, data: bytes) -> None:
        """Append to a file where the store can (local); a no-op on object stores."""
        ...


class LocalStore:
    """A local OUTDIR (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def url(self) -> str:
        """OUTDIR as an absolute path."""
        return str(self.root.absolute())

    @property
    def is_local(self) -> bool:
        """Always True."""
        return True

    def path(self, rel: str) -> Path:
        """The local path of ``rel``."""
        return self.root / rel if rel else self.root

    def display(self, rel: str = "") -> str:
        """The path of ``rel`` as given (relative OUTDIRs stay relative)."""
        return str(self.path(rel))

    def write(self, rel: str, data: bytes) -> None:
        """Temporary file, fsync, rename (see :mod:`pdf2md.batch.atomic`)."""
        try:
            write_atomic(self.path(rel), data, self.path(TMP_REL))
        except OSError as exc:
            if exc.filename == self.display(rel) or exc.errno is None:
                raise
            raise OSError(exc.errno, exc.strerror, self.display(rel)) from exc

    def read(self, rel: str) -> bytes:
        """The file's bytes."""
        return self.path(rel).read_bytes()

    def exists(self, rel: str) -> bool:
        """True for an existing file."""
        return self.path(rel).is_file()

    def delete(self, rel: str) -> None:
        """Unlink the file."""
        self.path(rel).unlink(missing_ok=True)

    def names(self, rel: str) -> list[str]:
        """Files directly in the folder."""
        folder = self.path(rel)
        return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def append(self, rel: str, data: bytes) -> None:
        """Append and close (a kill may tear the last line; readers rebuild the file)."""
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            handle.write(data)


class FsspecStore:
    """An OUTDIR on any fsspec file system, usually an object store (see the module docstring).

    Listings are never cached: other processes (workers on other nodes) write here too.
    """

    def __init__(self, url: str) -> None:
        try:
            import fsspec
        except ImportError as exc:  # pragma: no cover - fsspec comes with the batch extra
            raise BackendUnavailable("URLs need fsspec: pip install pdf2md[batch]") from exc
        self._url = url.rstrip("/") + "/"
        try:
            fs, root = fsspec.core.url_to_fs(self._url, use_listings_cache=False)
        except (ImportError, ValueError) as exc:
            raise BackendUnavailable(
                f"cannot open {redact_url(url)}: {exc} (install the fsspec library of the store, "
                "e.g. pip install pdf2md[batch] for s3://)"
            ) from exc
        self.fs: Any = fs
        self.root = root.rstrip("/")

    @property
    def url(self) -> str:
        """OUTDIR's URL (credentials are never part of it)."""
        return self._url

    @property
    def is_local(self) -> bool:
        """Always False."""
        return False

    def _full(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def display(self, rel: str = "") -> str:
        """``rel`` as a URL without credentials."""
        return redact_url(self._url + rel)

    def write(self, rel: str, data: bytes) -> None:
        """One ``pipe_file``: a single PUT of the final object."""
        try:
            self.fs.pipe_file(self._full(rel), data)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), self.display(rel)) from None

    def read(self, rel: str) -> bytes:
        """The object's bytes."""
        data: bytes = self.fs.cat_file(self._full(rel))
        return data

    def exists(self, rel: str) -> bool:
        """True where the object exists (asked of the store, not a cache)."""
        try:
            info = self.fs.info(self._full(rel))
        except FileNotFoundError:
            return False
        return bool(info.get("type") == "file")

    def delete(self, rel: str) -> None:
        """Delete the object."""
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._full(rel))

    def names(self, rel: str) -> list[str]:
        """Objects directly below ``rel``."""
        self.fs.invalidate_cache(self._full(rel))
        try:
            entries = self.fs.ls(self._full(rel), detail=True)
        except FileNotFoundError:
            return []
        return sorted(
            os.path.basename(e["name"].rstrip("/")) for e in entries if e.get("type") == "file"
        )

    def append(self, rel: str, data: bytes) -> None:
        """Object stores cannot append; the file is rebuilt whole at the end of a run."""


def open_store(location: str | Path) -> Store:
    """The store for OUTDIR ``location``: a URL, a ``file://`` URL or a plain path."""
    if is_url(location):
        return FsspecStore(str(location))
    return LocalStore(local_path(location))
