"""Batch conversion of many PDFs: resumable, fault-contained, Markdown and JSONL output."""
