"""Inline math inside text lines: find the math runs of a line and write them as ``$...$``.

:func:`inline_markdown` is called by the text recogniser for every line, so the common case
(a line with no math) must cost next to nothing: :func:`has_math` looks only at font names,
a character set and baselines before anything else is done.

A run is a stretch of *math pieces* (words in a math font, with math symbols, italic single
letters, sub/superscripts) possibly joined by *bridge pieces* (digits, operators, brackets in
the text font). Everything else stays text, untouched.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from pdf2md.math import symbols
from pdf2md.math import tokens as tok
from pdf2md.math.glyphs import make_atom
from pdf2md.math.lines import baseline, core_box
from pdf2md.math.structured import PageMath
from pdf2md.model import BBox
from pdf2md.source import TextLine, TextSpan

_BRIDGE_RE = re.compile(r"^[0-9+\-=<>()\[\]/|*^'.,:;!−×·]+$")
_TRAILING_PUNCT = ".,;:"


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


def has_math(line: TextLine, body_size: float) -> bool:
    """A cheap first look: a math font, a math character, or a raised/lowered small span."""
    base = baseline(line)
    for span in line.spans:
        if symbols.MATH_FONT_RE.search(span.font) and span.text.strip():
            return True
        if any(is_math_char(c) for c in span.text):
            return True
        if _shift(span, base, body_size) and span.text.strip():
            return True
    return False


def inline_markdown(line: TextLine, body_size: float, page: PageMath | None = None) -> str | None:
    """The line's text with its math runs as ``$...$``; ``None`` where it has no math.

    Args:
        line: one text line of the page.
        body_size: the document's body font size in points (for sub/superscript detection).
        page: the page's glyphs and rules, for runs with fractions, overlines or accents
            (without it, every run is read from its spans alone).

    Example: a line ``where α ≤ 1 holds`` in a text font gives ``where $\\alpha\\leq 1$ holds``.
    """
    size = body_size if body_size > 0 else line.size
    if not has_math(line, size):
        return None
    pieces = _pieces(line, size)
    runs = _runs(pieces)
    if not runs:
        return None
    return _render(pieces, runs, page, size)


def _shift(span: TextSpan, base: float, size: float) -> int:
    if span.size >= size * 0.9:
        return 0
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


def _pieces(line: TextLine, size: float) -> list[Piece]:
    base = baseline(line)
    out: list[Piece] = []
    previous: tuple[TextSpan, tuple[int, ...]] | None = None
    for span in line.spans:
        shift = _shift(span, base, size)
        path = _script_path(span, shift, previous, size)
        previous = (span, path) if shift else None
        is_math_font = bool(symbols.MATH_FONT_RE.search(span.font))
        step = span.bbox.width / max(1, len(span.text))
        x = span.bbox.x0
        for word in re.split(r"(\s+)", span.text):
            if word:
                kind = _classify(word, span, shift, is_math_font)
                out.append(Piece(word, span, kind, shift, path, x, x + step * len(word)))
                x += step * len(word)
    return _absorb_glued(out)


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
    if word.isspace():
        return Kind.SPACE
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


def _runs(pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    """Index ranges ``[start, end)`` of math runs (each holds at least one MATH piece)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        if pieces[i].kind is not Kind.MATH:
            i += 1
            continue
        start, end = i, i + 1
        while start > 0 and pieces[start - 1].kind is Kind.BRIDGE and _glued(pieces, start - 1):
            start -= 1
        j = end
        while j < len(pieces) and pieces[j].kind is not Kind.TEXT:
            if pieces[j].kind is Kind.MATH or (
                pieces[j].kind is Kind.BRIDGE and _bridge_ok(pieces, j)
            ):
                end = j + 1
            j += 1
        runs.append((start, end))
        i = end
    return [r for r in runs if not _is_lone_italic(pieces, r)]


def _glued(pieces: Sequence[Piece], index: int) -> bool:
    """A bridge piece directly followed (no whitespace) by the next piece."""
    nxt = index + 1
    return nxt < len(pieces) and pieces[nxt].kind is not Kind.SPACE


def _bridge_ok(pieces: Sequence[Piece], index: int) -> bool:
    """Keep a bridge inside a run unless it is only trailing punctuation."""
    text = pieces[index].text
    if all(c in _TRAILING_PUNCT for c in text):
        later = pieces[index + 1 :]
        return any(p.kind is Kind.MATH for p in later[:3]) and not any(
            p.kind is Kind.TEXT for p in later[:2]
        )
    return True


def _is_lone_italic(pieces: Sequence[Piece], run: tuple[int, int]) -> bool:
    """One italic letter of a text font with nothing mathematical around: an emphasis."""
    inner = [p for p in pieces[run[0] : run[1]] if p.kind is not Kind.SPACE]
    if len(inner) != 1 or inner[0].shift:
        return False
    piece = inner[0]
    return not symbols.MATH_FONT_RE.search(piece.span.font) and not any(
        is_math_char(c) for c in piece.text
    )


def _render(
    pieces: Sequence[Piece],
    runs: Sequence[tuple[int, int]],
    page: PageMath | None,
    size: float,
) -> str:
    out: list[str] = []
    cursor = 0
    for start, end in runs:
        out.extend(_text(p.text) for p in pieces[cursor:start])
        if start > 0 and _apart(pieces[start - 1], pieces[start], size):
            out.append(" ")
        latex, tail = _latex(pieces[start:end])
        built = _structured(pieces[start:end], latex, page, size) if page else None
        if built:
            latex = _strip_punctuation(built)[0]
        out.append(f"${latex}${tail}" if latex else tail)
        cursor = end
        if end < len(pieces) and _apart(pieces[end - 1], pieces[end], size):
            out.append(" ")
        elif _space_before_punctuation(pieces, end):
            cursor += 1
    out.extend(_text(p.text) for p in pieces[cursor:])
    return "".join(out)


def _apart(left: Piece, right: Piece, size: float) -> bool:
    """Two pieces with no space character between them, but set a word space apart."""
    if Kind.SPACE in (left.kind, right.kind):
        return False
    glued = left.text[-1] in "([{" or right.text[0] in ".,;:!?)]}"
    return right.x0 - left.x1 > 0.2 * size and not glued


def _space_before_punctuation(pieces: Sequence[Piece], index: int) -> bool:
    """A space the text layer puts between a formula and the comma or full stop after it."""
    nxt = index + 1
    return nxt < len(pieces) and pieces[index].kind is Kind.SPACE and pieces[nxt].text[0] in ".,;:"


def _structured(run: Sequence[Piece], latex: str, page: PageMath, size: float) -> str | None:
    """The run read from the page's glyphs, where it has structure its spans cannot tell."""
    inked = [p for p in run if p.kind is not Kind.SPACE]
    while inked and all(c in _TRAILING_PUNCT for c in inked[-1].text):
        inked.pop()  # the sentence's punctuation stays outside, as in _latex
    if not inked:
        return None
    spans = list({id(p.span): p.span for p in inked}.values())
    cores = [core_box(s) for s in spans]
    box = BBox(
        min(p.x0 for p in inked),
        min(b.y0 for b in cores),
        max(p.x1 for p in inked),
        max(b.y1 for b in cores),
    )
    accent = any(a in latex for a in symbols.ACCENTS)
    if not page.wants(box, spans, accent, size):
        return None
    glyphs = sum(len("".join(p.text.split())) for p in inked)
    return page.latex(box, baseline_of(inked), glyphs, size)


def _text(text: str) -> str:
    return text.replace("$", "\\$")


def _latex(run: Sequence[Piece]) -> tuple[str, str]:
    """LaTeX for a run, and trailing punctuation to put after the closing ``$``."""
    groups: list[tuple[tuple[int, ...], list[str]]] = []
    for piece in run:
        if piece.kind is Kind.SPACE:
            continue
        style = symbols.font_style(piece.span.font)
        chars = [
            _token(c, style, piece.span) for c in piece.text if c.isprintable() or style == "cmex"
        ]
        if groups and groups[-1][0] == piece.path:
            groups[-1][1].extend(chars)
        elif groups and groups[-1][0] and piece.path and chars == [r"\prime"]:
            groups[-1][1].append(r"^{\prime}")  # a prime on a script letter: g' in lambda_{g'}
        else:
            groups.append((piece.path, chars))
    return _strip_punctuation(tok.join_tokens(_nest(groups, 0)))


def baseline_of(pieces: Sequence[Piece]) -> float:
    """The baseline of the pieces set on the line (not in a script)."""
    on_line = [p.span.origin_y for p in pieces if not p.shift] or [pieces[0].span.origin_y]
    return max(set(on_line), key=on_line.count)


def _strip_punctuation(latex: str) -> tuple[str, str]:
    """The formula without the sentence's punctuation at its end, and that punctuation."""
    tail = ""
    while latex and latex[-1] in _TRAILING_PUNCT and not latex.endswith("\\,"):
        tail = latex[-1] + tail
        latex = latex[:-1]
    return latex.strip(), tail


def _nest(groups: Sequence[tuple[tuple[int, ...], list[str]]], depth: int) -> list[str]:
    """Tokens for groups of pieces at script ``depth``, deeper groups braced as scripts."""
    out: list[str] = []
    i = 0
    while i < len(groups):
        path, chars = groups[i]
        if len(path) <= depth:
            if not path:
                chars = [r"^{\prime}" if c == r"\prime" else c for c in chars]
            out.append(tok.join_tokens(_accented(tok.group_words(chars))))
            i += 1
            continue
        j = i
        while j < len(groups) and groups[j][0][: depth + 1] == path[: depth + 1]:
            j += 1
        inner = tok.join_tokens(_nest(groups[i:j], depth + 1))
        out.append(("^" if path[depth] > 0 else "_") + f"{{{inner}}}")
        i = j
    return out


def _accented(tokens: list[str]) -> list[str]:
    """``\\hat`` followed by ``x`` -> ``\\hat{x}`` (accents come first in the text stream)."""
    out: list[str] = []
    for token in tokens:
        if out and out[-1] in symbols.ACCENTS:
            out[-1] = f"{out[-1]}{{{token}}}"
        else:
            out.append(token)
    return out


def _token(char: str, style: str, span: TextSpan) -> str:
    if style == "rm" and span.is_italic:
        style = "it"
    atom = make_atom(char, style, BBox(0, 0, 1, 1), 0.0, span.size)
    token = atom.latex
    if token.startswith("\\left") or token.startswith("\\right"):
        token = token.replace("\\left", "").replace("\\right", "")
    return "\x00" + token if atom.upright else token


def is_display_math(lines: Sequence[TextLine], body_size: float) -> bool:
    """True where every line is math only (no text words): a display formula that the layout
    stage labelled as text. The pipeline can then route the region as an EQUATION."""
    math_pieces = 0
    for line in lines:
        for piece in _pieces(line, body_size):
            if piece.kind is Kind.TEXT:
                return False
            math_pieces += piece.kind is Kind.MATH
    return math_pieces >= 2
