"""Text normalisation shared by the olmOCR-style tests and the text metrics.

The rules follow olmOCR-bench's published description: Unicode NFC, curly quotes to straight
quotes, en/em/minus dashes to ``-``, micro sign to Greek mu, whitespace runs to one space. Markdown
emphasis and ``<br>``/``<b>``/``<i>`` are already gone from the text because it comes out of
:func:`pdf2md.eval.markdown.parse_markdown`; test strings are normalised the same way.
"""

from __future__ import annotations

import unicodedata

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00b5": "\u03bc",
        "\u00a0": " ",
    }
)


def normalize_text(text: str) -> str:
    """Normalise text for comparison (see the module docstring).

    Example:
        >>> normalize_text("\u201cA\u201d  \u2013\\n b")
        '"A" - b'
    """
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    return " ".join(text.split())
