"""Text patterns shared by stages (pure data: compiled regular expressions)."""

from __future__ import annotations

import re

BULLET_RE = re.compile(
    r"^\s*(?:[•●○◦▪▫■□‣⁃∙·\-–—*\u2022\uf0b7\uf0a7]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxIVX]{1,4}\))\s+"
)
CAPTION_RE = re.compile(
    r"^\s*(?:Figure|Fig\.|Table|Tab\.|Algorithm|Listing|Chart|Exhibit|Plate)\s*[A-Z]?[\dIVX]+[.:]?",
    re.IGNORECASE,
)
MATH_FONT_RE = re.compile(r"cmmi|cmsy|cmex|msbm|msam|math|stix|eufm|rsfs|esint|symbol", re.I)
