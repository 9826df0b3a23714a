"""Recognisers: one module per way of reading a region (text layer, OCR, math, tables, models)."""
