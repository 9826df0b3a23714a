"""Inline math inside text lines: find the math runs of a line and write them as ``$...$``.

:func:`inline_markdown` is called by the text recogniser for every line, so the common case
(a line with no math) must cost next to nothing: :func:`has_math` looks only at font names,
a character set and baselines before anything else is done.

A run is a stretch of *math pieces* (words in a math font, with math symbols, italic single
letters, sub/superscripts) possibly joined by *bridge pieces* (digits, operators, brackets in
the text font). Everything else stays text, untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pdf2md.math import symbols
from pdf2md.math import tokens as tok
from pdf2md.math.glyphs import make_atom
from pdf2md.math.katex_check import katex_problem
from pdf2md.math.lines import baseline, core_box
from pdf2md.math.pieces import Kind, Piece, is_math_char, line_pieces, script_shift
from pdf2md.math.structured import PageMath
from pdf2md.model import BBox
from pdf2md.source import TextLine, TextSpan

_TRAILING_PUNCT = ".,;:"
_BIG_OPERATOR_CHARS = frozenset("∑∏∐∫∬∭∮⋃⋂⨁⨂⨀⋁⋀")


def has_math(line: TextLine, body_size: float) -> bool:
    """A cheap first look: a math font, a math character, or a raised/lowered small span."""
    base = baseline(line)
    for span in line.spans:
        if symbols.MATH_FONT_RE.search(span.font) and span.text.strip():
            return True
        if any(is_math_char(c) for c in span.text):
            return True
        if script_shift(span, base, body_size) and span.text.strip():
            return True
    return False


def inline_markdown(
    line: TextLine,
    body_size: float,
    page: PageMath | None = None,
    clean: Callable[[str], str] | None = None,
    *,
    rejected: list[str] | None = None,
) -> str | None:
    """The line's text with its math runs as ``$...$``; ``None`` where it has no math.

    Args:
        line: one text line of the page.
        body_size: the document's body font size in points (for sub/superscript detection).
        page: the page's glyphs and rules, for runs with fractions, overlines or accents
            (without it, every run is read from its spans alone).
        clean: applied to the prose between formulas (the text recogniser's normalisation).
        rejected: where given, each formula KaTeX would not render is appended to it (as
            ``latex: reason``); such a run is written as the plain text the page prints.

    Example: a line ``where α ≤ 1 holds`` in a text font gives ``where $\\alpha\\leq 1$ holds``.
    """
    size = body_size if body_size > 0 else line.size
    if not has_math(line, size):
        return None
    pieces = line_pieces(line, size)
    runs = _runs(pieces)
    if not runs:
        return None
    return _render(pieces, runs, page, size, clean or _same, rejected)


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
        start = _left_operand(pieces, start)
        j = end
        while j < len(pieces) and pieces[j].kind is not Kind.TEXT:
            if pieces[j].kind is Kind.MATH or (
                pieces[j].kind is Kind.BRIDGE and _bridge_ok(pieces, j)
            ):
                end = j + 1
            j += 1
        if not runs:
            start = _past_line_marker(pieces, start, end)
        if start < end:
            runs.append((start, end))
        i = end
    return [r for r in runs if not _is_lone_italic(pieces, r)]


# what opens a list item or an exercise: "150.", "(b)", "iv)", a bullet
_LINE_MARKER = re.compile(r"^(?:\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxIVX]{1,4}\)|[•◦▪‣∙·⋄])$")


def _past_line_marker(pieces: Sequence[Piece], start: int, end: int) -> int:
    """The first run of a line starts after the line's list bullet or item number: those are
    the list's, not the formula's (``150. $s(t)=...$``, not ``$150.s(t)=...$``)."""
    if any(p.kind is not Kind.SPACE for p in pieces[:start]):
        return start
    if start >= end or pieces[start].shift or not _LINE_MARKER.match(pieces[start].text):
        return start
    start += 1
    while start < end and pieces[start].kind is Kind.SPACE:
        start += 1
    return start


_RELATION_START = frozenset("<>=≤≥≠∈⊂⊆≈∼≡")
_NUMBER = re.compile(r"^[-−]?\d+(?:[.,]\d+)?$")


def _left_operand(pieces: Sequence[Piece], start: int) -> int:
    """A run that opens with a relation takes the number before it: ``0 < |r| < 1``."""
    if start < 2 or pieces[start].text[0] not in _RELATION_START:
        return start
    space, number = pieces[start - 1], pieces[start - 2]
    if space.kind is Kind.SPACE and number.kind is Kind.BRIDGE and _NUMBER.match(number.text):
        return start - 2
    return start


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


def _same(text: str) -> str:
    return text


def _render(
    pieces: Sequence[Piece],
    runs: Sequence[tuple[int, int]],
    page: PageMath | None,
    size: float,
    clean: Callable[[str], str],
    rejected: list[str] | None = None,
) -> str:
    out: list[str] = []
    cursor = 0
    for start, end in runs:
        out.extend(_text(clean(p.text)) for p in pieces[cursor:start])
        if start > 0 and _apart(pieces[start - 1], pieces[start], size):
            out.append(" ")
        latex, tail = _latex(pieces[start:end], page)
        built = _structured(pieces[start:end], latex, page, size) if page else None
        if built:
            latex = _strip_punctuation(built)[0]
        problem = katex_problem(latex) if latex else None
        if problem is not None:
            # what KaTeX would show as red source: the page's own characters instead
            if rejected is not None:
                rejected.append(f"{latex}: {problem}")
            out.extend(_text(clean(p.text)) for p in pieces[start:end])
        else:
            out.append(f"${latex}${tail}" if latex else tail)
        cursor = end
        if end < len(pieces) and _apart(pieces[end - 1], pieces[end], size):
            out.append(" ")
        elif _space_before_punctuation(pieces, end):
            cursor += 1
    out.extend(_text(clean(p.text)) for p in pieces[cursor:])
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
    # accents, big operators with their limits, scripts on scripts: positions tell best
    nested = any(len(p.path) > 1 for p in inked)
    big = any(symbols.font_style(s.font) == "cmex" for s in spans) or any(
        c in _BIG_OPERATOR_CHARS for p in inked for c in p.text
    )
    accent = nested or big or any(a in latex for a in symbols.ACCENTS)
    if not page.wants(box, spans, accent, size):
        return None
    glyphs = sum(len("".join(p.text.split())) for p in inked)
    return page.latex(box, baseline_of(inked), glyphs, size)


def _text(text: str) -> str:
    return text.replace("$", "\\$")


def _latex(run: Sequence[Piece], page: PageMath | None = None) -> tuple[str, str]:
    """LaTeX for a run, and trailing punctuation to put after the closing ``$``."""
    groups: list[tuple[tuple[int, ...], list[str]]] = []
    previous: Piece | None = None
    for piece in run:
        if piece.kind is Kind.SPACE:
            continue
        style = symbols.font_style(piece.span.font)
        chars = [
            _variant(_token(c, style, piece.span), c, piece, page)
            for c in piece.text
            if c.isprintable() or style == "cmex"
        ]
        if groups and groups[-1][0] == piece.path:
            groups[-1][1].extend(chars)
        elif groups and groups[-1][0] and chars == [r"\prime"] and _on_script(piece, previous):
            groups[-1][1].append(r"^{\prime}")  # a prime on a script letter: g' in lambda_{g'}
        else:
            groups.append((piece.path, chars))
        previous = piece
    return _strip_punctuation(tok.join_tokens(_nest(groups, 0)))


def _on_script(prime: Piece, before: Piece | None) -> bool:
    """A prime set in script type right after a script letter belongs to that letter."""
    if before is None or not before.path:
        return False
    return prime.span.size <= before.span.size * 1.05 and prime.x0 - before.x1 < prime.span.size


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


def _variant(token: str, char: str, piece: Piece, page: PageMath | None) -> str:
    """``\\phi`` or ``\\varphi`` (and the epsilons) by the glyph's width (see
    :func:`symbols.greek_variant`)."""
    if not symbols.has_variant(token):
        return token
    span = piece.span
    if span.text == char:
        width = span.bbox.width
    elif page is not None:
        width = page.advance(span.bbox, char)
    else:
        return token
    return symbols.greek_variant(token, span.font, width / max(span.size, 1.0))


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
        while j < len(groups) and len(groups[j][0]) > depth:
            j += 1  # every script of one nucleus: sub- and superscripts may interleave
        for sign, mark in ((-1, "_"), (1, "^")):
            part = [g for g in groups[i:j] if g[0][depth] == sign]
            if part:
                out.append(f"{mark}{{{tok.join_tokens(_nest(part, depth + 1))}}}")
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
    """True where every line is math only: a display formula that the layout stage labelled as
    text. The pipeline can then route the region as an EQUATION.

    Besides math pieces, short italic words (``f(x)``, ``dx``) are allowed where a big operator
    or a relation shows the region is a formula: word processors set math in the text font.
    """
    math_pieces = italic_words = 0
    strong = False
    for line in lines:
        for piece in line_pieces(line, body_size):
            if piece.kind is Kind.TEXT:
                if not (piece.span.is_italic and len(piece.text) <= 4):
                    return False
                italic_words += 1
            math_pieces += piece.kind is Kind.MATH
            strong |= any(c in _BIG_OPERATOR_CHARS or c in "=<>≤≥" for c in piece.text)
    return math_pieces >= 2 and (italic_words == 0 or (strong and italic_words <= math_pieces))
