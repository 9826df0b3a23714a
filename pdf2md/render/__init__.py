"""Writers over the model: Markdown, JSON (and JSONL in :mod:`pdf2md.batch`)."""
