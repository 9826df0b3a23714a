"""Which language a page's first OCR reading is in (py3langid, its model ships in the wheel).

The identifier is limited to the languages of :data:`~pdf2md.ocr.languages.ISO_TO_TESSERACT`,
so short or noisy text is not taken for a rare language. Text read with the English model
still identifies well: ``Die Muhlengasse gehdrte zu den altesten`` is German at 0.999.
"""

from __future__ import annotations

import logging
from typing import Any

from pdf2md.errors import BackendUnavailable
from pdf2md.ocr.languages import ISO_TO_TESSERACT

log = logging.getLogger(__name__)

# Fewer letters than this say too little about the language.
MIN_LETTERS = 40
MIN_PROBABILITY = 0.9


class LanguageGuesser:
    """Tesseract language code of a text, or ``None`` where it cannot tell."""

    def __init__(self) -> None:
        self._model: Any = None

    def load(self) -> None:
        """Load py3langid's model (about a second).

        Raises:
            BackendUnavailable: py3langid is not installed.
        """
        if self._model is not None:
            return
        try:
            from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
        except ImportError as exc:
            raise BackendUnavailable(
                f"py3langid cannot be imported ({exc}); pip install 'pdf2md[ocr]'"
            ) from exc
        model = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
        model.set_languages(sorted(ISO_TO_TESSERACT))
        self._model = model

    def guess(self, text: str) -> str | None:
        """The Tesseract code (``"deu"``) of ``text``'s language, ``None`` where unsure."""
        if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
            return None
        self.load()
        iso, probability = self._model.classify(text)
        if float(probability) < MIN_PROBABILITY:
            return None
        return ISO_TO_TESSERACT.get(str(iso))
