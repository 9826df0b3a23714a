"""Parquet shards (pyarrow): the fields of the Dolma JSONL records as flat columns.

One row per document, in the style of FinePDFs: the record's ``id``, ``text``, ``source``,
``added`` and ``created``, then every ``metadata`` field as a column of its own::

    id string, text string, source string, added string, created string,
    path string, sha256 string, page_count int64, pages_converted int64,
    pdf_page_numbers list<list<int64>>   # [start, end, page_number], as in the JSONL
    page_methods list<string>, page_languages list<string>, language string,
    status string, errors list<struct<stage string, message string, page_index int64>>,
    pdf2md_version string, profile string, timings string   # JSON object of seconds

``datasets.load_dataset("parquet", data_files="out/parquet/*.parquet")`` reads it as is.
:func:`table_to_records` turns rows back into JSONL records (a reopened shard is rebuilt
from its old file).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from pdf2md.errors import BackendUnavailable

TOP_LEVEL = ("id", "text", "source", "added", "created")
METADATA = (
    "path", "sha256", "page_count", "pages_converted", "pdf_page_numbers", "page_methods",
    "page_languages", "language", "status", "errors", "pdf2md_version", "profile", "timings",
)  # fmt: skip


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet
    except ImportError as exc:
        raise BackendUnavailable("Parquet output needs pyarrow: pip install pdf2md[batch]") from exc
    del pyarrow
    return pa


def schema() -> Any:
    """The pyarrow schema of a shard (see the module docstring)."""
    pa = _pyarrow()
    error = pa.struct(
        [("stage", pa.string()), ("message", pa.string()), ("page_index", pa.int64())]
    )
    return pa.schema(
        [
            *((name, pa.string()) for name in TOP_LEVEL),
            ("path", pa.string()),
            ("sha256", pa.string()),
            ("page_count", pa.int64()),
            ("pages_converted", pa.int64()),
            ("pdf_page_numbers", pa.list_(pa.list_(pa.int64()))),
            ("page_methods", pa.list_(pa.string())),
            ("page_languages", pa.list_(pa.string())),
            ("language", pa.string()),
            ("status", pa.string()),
            ("errors", pa.list_(error)),
            ("pdf2md_version", pa.string()),
            ("profile", pa.string()),
            ("timings", pa.string()),
        ]
    )


def _row(record: dict[str, Any]) -> dict[str, Any]:
    meta = record["metadata"]
    row = {name: record.get(name) for name in TOP_LEVEL}
    row.update({name: meta.get(name) for name in METADATA})
    row["timings"] = json.dumps(meta.get("timings") or {}, sort_keys=True)
    return row


def encode_parquet(records: Sequence[dict[str, Any]]) -> bytes:
    """The bytes of one Parquet file holding ``records`` (JSONL records), in order."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([_row(r) for r in records], schema=schema())
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def decode_parquet(data: bytes) -> list[dict[str, Any]]:
    """The JSONL records of a Parquet shard's bytes (the inverse of :func:`encode_parquet`)."""
    _pyarrow()
    import pyarrow.parquet as pq

    records: list[dict[str, Any]] = []
    for row in pq.read_table(io.BytesIO(data)).to_pylist():
        metadata = {name: row[name] for name in METADATA}
        metadata["timings"] = json.loads(row["timings"] or "{}")
        records.append({**{name: row[name] for name in TOP_LEVEL}, "metadata": metadata})
    return records
