"""OCR for scanned pages: engines (Tesseract, RapidOCR), page geometry (orientation, skew),
the text gate, grouping words into lines, paragraphs and columns, and a per-page OCR service.

Nothing here imports an OCR library at import time; engines import theirs in ``load()``.
"""
