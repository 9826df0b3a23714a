"""Dolma-style JSONL records for LLM training, and shard files (plain, gzip or zstd).

One record per document::

    {"id": "<sha256 of the PDF bytes>", "text": "<Markdown>", "source": "pdf2md",
     "added": "2026-11-24T21:00:00.000Z", "created": null,
     "metadata": {"path": ..., "sha256": ..., "page_count": 12, "pages_converted": 12,
                  "pdf_page_numbers": [[0, 1834, 1], [1834, 1834, 2], ...],
                  "page_methods": ["text-layer", "failed", ...],
                  "page_languages": ["en", null, ...], "language": "en",
                  "status": "partial", "errors": [{"stage": ..., "message": ..., "page_index": 1}],
                  "pdf2md_version": "0.1.0", "profile": "default", "timings": {...}}}

``pdf_page_numbers`` follows the olmOCR/Dolma convention: ``[start, end, page_number]``
with character offsets into ``text`` (end exclusive) and 1-based page numbers; the
``page_*`` lists are aligned with it. A page that failed is never dropped or filled with
junk: it keeps its (empty) span and says ``"failed"`` in ``page_methods``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pdf2md.batch.atomic import open_atomic
from pdf2md.batch.converter import Converted
from pdf2md.batch.language import detect_language

Compression = Literal["none", "gzip", "zstd"]

SUFFIXES: dict[str, str] = {"none": ".jsonl", "gzip": ".jsonl.gz", "zstd": ".jsonl.zst"}


def utc_now_iso() -> str:
    """The current time as Dolma writes ``added``: ISO 8601, UTC, milliseconds, ``Z``."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def page_metadata(converted: Converted) -> dict[str, Any]:
    """Page spans, methods and languages of a converted document (aligned lists)."""
    text = converted.markdown
    languages = [detect_language(text[p.start : p.end]) for p in converted.pages]
    return {
        "pdf_page_numbers": [[p.start, p.end, p.page_index + 1] for p in converted.pages],
        "page_methods": [p.method for p in converted.pages],
        "page_languages": languages,
        "language": detect_language(text[:20000]),
    }


def build_record(
    converted: Converted, *, sha256: str, path: str, source: str, added: str | None = None
) -> dict[str, Any]:
    """The Dolma record of one converted document (``converted.status`` is not failed).

    Args:
        converted: the converter's answer.
        sha256: hex digest of the PDF's bytes; becomes the record ``id``.
        path: where the PDF was read from (kept in the metadata).
        source: the Dolma ``source`` field (a dataset name).
        added: ISO 8601 time of conversion; now by default.
    """
    metadata: dict[str, Any] = {
        "path": path,
        "sha256": sha256,
        "page_count": converted.page_count,
        "pages_converted": len(converted.pages),
        **page_metadata(converted),
        "status": converted.status,
        "errors": [
            {"stage": e.stage, "message": e.message, "page_index": e.page_index}
            for e in converted.errors
        ],
        "pdf2md_version": converted.pdf2md_version,
        "profile": converted.profile,
        "timings": converted.timings,
    }
    return {
        "id": sha256,
        "text": converted.markdown,
        "source": source,
        "added": added or utc_now_iso(),
        "created": None,
        "metadata": metadata,
    }


def dump_record(record: dict[str, Any]) -> bytes:
    """One JSONL line (UTF-8, newline-terminated)."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def shard_filename(shard_id: str, compression: Compression) -> str:
    """The file name of a shard: ``shard-00003.jsonl.zst``."""
    return shard_id + SUFFIXES[compression]


def encode_shard(lines: Iterable[bytes], compression: Compression) -> tuple[bytes, int]:
    """JSONL lines as the bytes of one shard file, compressed as asked, and the line count.

    gzip is written with ``mtime=0``: the same records give byte-identical files on every run.
    """
    raw = io.BytesIO()
    count = 0
    if compression == "gzip":
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
            for line in lines:
                stream.write(line)
                count += 1
    elif compression == "zstd":
        import zstandard

        with zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False) as zstream:
            for line in lines:
                zstream.write(line)
                count += 1
    else:
        for line in lines:
            raw.write(line)
            count += 1
    return raw.getvalue(), count


def write_shard(
    path: Path, lines: Iterable[bytes], *, compression: Compression, tmp_dir: Path
) -> int:
    """Write JSONL lines to ``path`` atomically, compressed as asked; returns the line count."""
    data, count = encode_shard(lines, compression)
    with open_atomic(path, tmp_dir) as handle:
        handle.write(data)
    return count


def decode_shard(name: str, data: bytes) -> list[dict[str, Any]]:
    """Every record of a shard file's bytes; ``name`` (its file name) says the compression."""
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    elif name.endswith(".zst"):
        import zstandard

        data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def read_shard(path: Path) -> list[dict[str, Any]]:
    """Every record of a shard file (any of the three compressions), for tests and tools."""
    return decode_shard(path.name, path.read_bytes())
