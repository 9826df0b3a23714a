"""OCR engines (Tesseract, RapidOCR) behind the :class:`~pdf2md.backend.OcrEngine` protocol."""
