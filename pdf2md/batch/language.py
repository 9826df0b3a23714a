"""Per-page language detection with py3langid, only where a page has enough text."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

MIN_LETTERS = 80
"""Pages with fewer letters than this get no language: guesses on short text are noise."""


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's classifier (its model loads on first use); ``None`` where not installed."""
    try:
        from py3langid.langid import classify
    except ImportError:
        log.warning("py3langid is not installed: no language detection (pip install pdf2md[batch])")
        return None
    return classify


def detect_language(text: str, *, min_letters: int = MIN_LETTERS) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or ``None`` where it is too short to tell.

    Example:
        >>> detect_language("The quick brown fox jumps over the lazy dog. " * 3)
        'en'
    """
    if sum(ch.isalpha() for ch in text) < min_letters:
        return None
    identifier = _identifier()
    if identifier is None:
        return None
    lang, _score = identifier(text)
    return str(lang)
