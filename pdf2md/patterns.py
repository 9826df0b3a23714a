"""Text patterns shared by stages (pure data: compiled regular expressions)."""

from __future__ import annotations

import re

BULLET_RE = re.compile(
    r"^\s*(?:[•●○◦▪▫■□‣⁃∙·\-–—*\u2022\uf0b7\uf0a7]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxIVX]{1,4}\))(?:\s+|$)"
)
BULLET_GLYPHS = frozenset("•●○◦▪▫■□‣⁃∙·\u2022\uf0b7\uf0a7\uf06e\uf0d8\uf0fc")
CAPTION_RE = re.compile(
    r"^\s*(?:Figure|Fig\.|Table|Tab\.|Algorithm|Listing|Chart|Exhibit|Plate)\s*[A-Z]?[\dIVX]+[.:]?",
    re.IGNORECASE,
)
MATH_FONT_RE = re.compile(r"cmmi|cmsy|cmex|msbm|msam|math|stix|eufm|rsfs|esint|symbol", re.I)

# "3 Method", "2.1 Data", "IV. SIMULATION RESULTS": a number, then a capitalised short title
NUMBERED_HEADING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*|[IVXLC]+)\.?\s+[A-Z][^.]{0,80}$")
