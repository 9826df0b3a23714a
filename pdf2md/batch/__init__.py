"""Batch conversion: many PDFs, resumable and exactly-once, locally or on Ray.

Example:
    >>> from pdf2md.batch import BatchConfig, LocalPool, run_batch
    >>> summary = run_batch(BatchConfig(inputs=(Path("pdfs"),), output_dir=Path("out")),
    ...                     LocalPool(4))  # doctest: +SKIP
"""

from __future__ import annotations

from pdf2md.batch.converter import Converted, ConvertOptions, PageRecord
from pdf2md.batch.pool import LocalPool
from pdf2md.batch.progress import BatchSummary
from pdf2md.batch.runner import BatchConfig, run_batch
from pdf2md.batch.worker import WorkerSpec

__all__ = [
    "BatchConfig",
    "BatchSummary",
    "ConvertOptions",
    "Converted",
    "LocalPool",
    "PageRecord",
    "WorkerSpec",
    "run_batch",
]
