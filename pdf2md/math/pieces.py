"""A text line cut into pieces: words of text, pieces of math, bridges and spaces.

A *math piece* is a word in a math font, with a math symbol, an italic single letter, or a
sub/superscript; a *bridge piece* (digits, operators, brackets in the text font) can join two
math pieces into one formula. :mod:`pdf2md.math.inline` turns runs of them into ``$...$``.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from pdf2md.math import symbols
from pdf2md.math.lines import baseline
from pdf2md.source import TextLine, TextSpan

_BRIDGE_RE = re.compile(r"^[0-9+\-=<>()\[\]/|*^'.,:;!−×·]+$")


class Kind(enum.Enum):
    """What a piece of a line is."""

    TEXT = 0
    MATH = 1
    BRIDGE = 2
    SPACE = 3


@dataclass(frozen=True)
class Piece:
    """A whitespace-free word (or a whitespace run) of one span."""

    text: str
    span: TextSpan
    kind: Kind
    shift: int  # -1 subscript, 0 on the line, +1 superscript
    path: tuple[int, ...] = ()  # nested scripts: (-1, -1) is a subscript of a subscript
    x0: float = 0.0  # where the piece starts and ends (estimated within its span)
    x1: float = 0.0


@lru_cache(maxsize=1)
def _math_chars() -> frozenset[str]:
    table = symbols.unicode_table()
    plain = set("%#&_~`´") | {"−", "–", "·"}
    return frozenset(c for c in table if c not in plain and not c.isascii())


def is_math_char(char: str) -> bool:
    """True for Greek letters, operators, relations, arrows and math alphanumerics."""
    return char in _math_chars() or 0x1D400 <= ord(char) <= 0x1D7FF or 0x2100 <= ord(char) <= 0x214F


def script_shift(span: TextSpan, base: float, size: float) -> int:
    if span.size >= size * 0.9 or symbols.font_style(span.font) == "cmex":
        return 0  # big operators and delimiters hang from an origin at their top
    delta = span.origin_y - base
    if abs(delta) >= size * 0.12:
        return 1 if delta < 0 else -1
    if span.text[:1].isspace():
        # PyMuPDF gives a span the origin of its first character: a leading space set on the
        # main baseline hides a raised or lowered script. Fall back to the span's box.
        if base - span.bbox.y0 > span.size * 1.05 + size * 0.2:
            return 1
        if span.bbox.y1 - base > span.size * 0.3 + size * 0.2:
            return -1
    return 0


def line_pieces(line: TextLine, size: float) -> list[Piece]:
    base = baseline(line)
    out: list[Piece] = []
    previous: tuple[TextSpan, tuple[int, ...]] | None = None
    for span in line.spans:
        shift = script_shift(span, base, size)
        path = _script_path(span, shift, previous, size)
        previous = (span, path) if shift else None
        is_math_font = bool(symbols.MATH_FONT_RE.search(span.font))
        step = span.bbox.width / max(1, len(span.text))
        x = span.bbox.x0
        spaces = r"( +)" if symbols.font_style(span.font) == "cmex" else r"(\s+)"
        for word in re.split(spaces, span.text):
            if word:
                kind = _classify(word, span, shift, is_math_font)
                out.append(Piece(word, span, kind, shift, path, x, x + step * len(word)))
                x += step * len(word)
    return _absorb_names(_absorb_glued(out))


def _script_path(
    span: TextSpan, shift: int, previous: tuple[TextSpan, tuple[int, ...]] | None, size: float
) -> tuple[int, ...]:
    """Where a script span hangs: on the line's nucleus, or on the script just before it."""
    if not shift:
        return ()
    if previous is not None:
        before, path = previous
        delta = span.origin_y - before.origin_y
        if span.size < before.size * 0.85 and abs(delta) > size * 0.08:
            return (*path, -1 if delta > 0 else 1)
        if abs(delta) < size * 0.08 and abs(span.size - before.size) < 0.5:
            return path
    return (shift,)


def _absorb_glued(pieces: list[Piece]) -> list[Piece]:
    """Text glued to math with no space between is math too (``R/Ann``, italic ``Rs=``)."""
    out = list(pieces)
    for i, piece in enumerate(out):
        if piece.kind is not Kind.TEXT or len(piece.text) > 6:
            continue
        left = out[i - 1].kind if i > 0 else Kind.SPACE
        right = out[i + 1].kind if i + 1 < len(out) else Kind.SPACE
        mathy = (Kind.MATH, Kind.BRIDGE)
        both = left in mathy and right in mathy and Kind.MATH in (left, right)
        one = (
            (left is Kind.MATH or right is Kind.MATH)
            and piece.span.is_italic
            and len(piece.text) <= 3
        )
        if both or one:
            out[i] = replace(piece, kind=Kind.MATH)
    return out


def _classify(word: str, span: TextSpan, shift: int, is_math_font: bool) -> Kind:
    if word.isspace() and (word.strip(" ") == "" or symbols.font_style(span.font) != "cmex"):
        return Kind.SPACE
    if all(unicodedata.category(c) == "Cf" for c in word):
        return Kind.SPACE  # zero-width spaces and joiners
    if is_math_font or shift:
        return Kind.MATH
    if any(is_math_char(c) for c in word):
        letters = sum(c.isascii() and c.isalpha() for c in word)
        return Kind.MATH if letters < 3 else Kind.TEXT
    if span.is_italic and len(word) == 1 and word.isalpha():
        return Kind.MATH
    if _BRIDGE_RE.match(word):
        return Kind.BRIDGE
    return Kind.TEXT


_CALL_RE = re.compile(r"^(?:[A-Za-z]{1,6}\()+$")  # ``Fix(``, ``min(max(``
_OPERAND_RE = re.compile(r"^[A-Za-z]{1,4}[.,;:]?$")  # ``id.``, ``int``, ``Im``
_OPEN_RELATIONS = frozenset("=<>+−∈⊂⊆⊃⊇→≤≥≠≅≃∼×⊗⊕∘↦")
_ENGLISH = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "if",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "the",
        "then",
        "to",
        "was",
        "we",
        "with",
    ]
)


def _absorb_names(pieces: list[Piece]) -> list[Piece]:
    """Upright operator names set in the text font next to a formula are part of it:

    - a name glued to the formula by its bracket: ``Fix(Q)``, ``ex(n, H)``, ``min(max(θ``;
    - a function name glued to its own subscript: ``min_{i,j}``;
    - a short word right after a formula that ends in a relation: ``ΨΦ = id``, ``e ∈ int``.
    """
    out = list(pieces)
    for i, piece in enumerate(out):
        if piece.kind is not Kind.TEXT:
            continue
        right = out[i + 1] if i + 1 < len(out) else None
        glued_math = right is not None and right.kind is Kind.MATH
        call = glued_math and _CALL_RE.match(piece.text) is not None
        limits = glued_math and right is not None and right.shift != 0
        scripted = limits
        limits = limits and piece.text in symbols.FUNCTIONS
        if call or limits or _operand(out, i) or _bold_symbol(out, i, scripted):
            out[i] = replace(piece, kind=Kind.MATH)
    return out


def _bold_symbol(pieces: Sequence[Piece], index: int, scripted: bool) -> bool:
    """A bold letter (a vector) with a script glued on, or before a relation: ``x ∈ R^n``."""
    piece = pieces[index]
    bold = piece.span.is_bold or symbols.font_style(piece.span.font) == "mathbf"
    if len(piece.text) != 1 or not piece.text.isalpha() or not bold:
        return False
    if scripted:
        return True
    after = pieces[index + 2] if index + 2 < len(pieces) else None
    space = pieces[index + 1].kind is Kind.SPACE if after is not None else False
    return (
        space
        and after is not None
        and after.kind is Kind.MATH
        and (after.text[0] in _OPEN_RELATIONS)
    )


def _operand(pieces: Sequence[Piece], index: int) -> bool:
    """A short word whose formula, just before it, ends in a relation waiting for it."""
    text = pieces[index].text
    if not _OPERAND_RE.match(text) or text.rstrip(".,;:").lower() in _ENGLISH:
        return False
    before = index - 1
    while before >= 0 and pieces[before].kind is Kind.SPACE:
        before -= 1
    if before < 0 or pieces[before].shift or pieces[before].text[-1] not in _OPEN_RELATIONS:
        return False
    if pieces[before].kind is Kind.MATH:
        return True
    near = pieces[max(0, before - 3) : before]
    return pieces[before].kind is Kind.BRIDGE and any(p.kind is Kind.MATH for p in near)
