"""A whole display formula: equation numbers, aligned lines, and a confidence for the result."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pdf2md.math import arrays, layout, symbols
from pdf2md.math import tokens as tok
from pdf2md.math.glyphs import Atom, Role

_TAG_RE = re.compile(r"^\(([0-9A-Za-z.,\-–′'*]{1,12})\)$")


@dataclass(frozen=True)
class Formula:
    """LaTeX for one display formula region.

    Attributes:
        blocks: one LaTeX body per ``$$`` block (several when lines carry their own numbers).
        confidence: 0.0 to 1.0, how sure the builder is that the LaTeX renders like the page.
        texts: lines of plain prose the region also held, by the index of the block they follow
            (``-1`` before the first block). Layout detectors often take a line of text in.
    """

    blocks: tuple[str, ...]
    confidence: float
    texts: tuple[tuple[int, str], ...] = ()

    def markdown(self) -> str:
        """The Markdown: each block as ``$$\\n...\\n$$``, separated by a blank line."""
        parts = [t for i, t in self.texts if i < 0]
        for index, block in enumerate(self.blocks):
            parts.append(f"$$\n{_sentence_end(block)}\n$$")
            parts.extend(t for i, t in self.texts if i == index)
        return "\n\n".join(parts)


def _sentence_end(latex: str) -> str:
    """The full stop after a formula ending in a digit as ``\\text{.}``: KaTeX would read
    ``0.`` as one number (``<mn>0.</mn>``), a formula the page does not print."""
    stripped = latex.rstrip()
    if len(stripped) > 1 and stripped.endswith(".") and stripped[-2].isdigit():
        return stripped[:-1] + "\\text{.}"
    return latex


def formula_from_atoms(atoms: Sequence[Atom]) -> Formula | None:
    """Build the formula; ``None`` where there is nothing to read."""
    glyphs = [a for a in atoms if a.role is not Role.RULE]
    if not glyphs:
        return None
    size = _body_size(glyphs)
    stats = layout.Stats()
    rows = [r for r in arrays.split_rows(atoms, size) if r]
    lines: list[tuple[list[str], str | None]] = []
    texts: list[tuple[int, str]] = []
    for row in rows:
        prose = _prose(row, size)
        if prose is not None:
            texts.append((len(_blocks(lines)) - 1, prose))
            continue
        body, tag = _split_tag(row, size)
        tokens = layout.build_tokens(body, stats) if body else []
        if not tokens and tag is not None and lines and lines[-1][1] is None:
            lines[-1] = (lines[-1][0], tag)  # a number centred between aligned lines
        elif tokens or tag is not None:
            lines.append((tokens, tag))
    blocks = _blocks(lines)
    if not blocks:
        return None
    return Formula(tuple(blocks), _confidence(stats, blocks), tuple(texts))


def _prose(row: Sequence[Atom], size: float) -> str | None:
    """The row as plain text where it is a line of prose (mostly upright words), else ``None``."""
    glyphs = sorted((a for a in row if a.role is not Role.RULE), key=lambda a: a.box.x0)
    letters = sum(a.upright for a in glyphs)
    if len(glyphs) < 8 or letters < 0.7 * len(glyphs):
        return None
    words: list[str] = []
    right = None
    for atom in glyphs:
        char = atom.latex if (len(atom.latex) == 1 or not atom.latex.startswith("\\")) else " "
        if right is not None and atom.box.x0 - right > size * 0.16:
            words.append(" ")
        words.append(char)
        right = atom.box.x1
    text = "".join(words)
    return text if len([w for w in text.split() if len(w) >= 3]) >= 2 else None


def _body_size(glyphs: Sequence[Atom]) -> float:
    sizes = sorted(a.size for a in glyphs if not a.is_big)
    return sizes[len(sizes) // 2] if sizes else 10.0


def _split_tag(row: list[Atom], size: float) -> tuple[list[Atom], str | None]:
    """Peel an equation number ``(n)`` off the right end of a row, or off its left end
    (``leqno``), where a wide gap parts it from the formula."""
    ordered = sorted((a for a in row if a.role is not Role.RULE), key=lambda a: a.box.x0)
    if len(ordered) < 3:
        return row, None
    if ordered[-1].latex == ")":
        start = max((i for i, a in enumerate(ordered) if a.latex == "("), default=-1)
        tag_atoms = ordered[start:] if start >= 0 else []
    elif ordered[0].latex == "(":
        end = next((i for i, a in enumerate(ordered) if a.latex == ")"), -1)
        tag_atoms = ordered[: end + 1] if end >= 0 else []
    else:
        return row, None
    text = "".join(_plain_char(a) for a in tag_atoms)
    if not tag_atoms or not _TAG_RE.match(text):
        return row, None
    rest = [a for a in row if all(a is not t for t in tag_atoms)]
    if ordered[-1] is tag_atoms[-1]:
        gap = tag_atoms[0].box.x0 - max((a.box.x1 for a in rest), default=float("-inf"))
    else:
        gap = min((a.box.x0 for a in rest), default=float("inf")) - tag_atoms[-1].box.x1
    if gap < size * 1.5:
        return row, None
    return rest, text[1:-1]


def _plain_char(atom: Atom) -> str:
    if atom.latex.startswith("\\") and len(atom.latex) > 1:
        return {"\\prime": "′"}.get(atom.latex, "#")
    return atom.latex


def _blocks(lines: list[tuple[list[str], str | None]]) -> list[str]:
    """Group lines into ``$$`` blocks: a numbered line ends a block."""
    blocks: list[str] = []
    group: list[list[str]] = []
    for tokens, tag in lines:
        group.append(tokens)
        if tag is not None:
            blocks.append(_block(group, tag))
            group = []
    if group:
        blocks.append(_block(group, None))
    return [b for b in blocks if b.strip()]


def _block(group: list[list[str]], tag: str | None) -> str:
    group = [g for g in group if g]
    if len(group) == 1:
        body = tok.join_tokens(group[0])
    else:
        rows = [tok.join_tokens(_align(tokens, i > 0)) for i, tokens in enumerate(group)]
        body = "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"
    if tag is None or not body:
        return body
    return f"{_sentence_end(body)} \\tag{{{tag}}}"


def _align(tokens: list[str], later: bool) -> list[str]:
    """A row of an ``aligned`` block: aligned at its left edge, so that each row stays whole
    (one cell). A later row that continues with a relation (``= ...``) is indented."""
    continues = later and bool(tokens) and tokens[0] in symbols.RELATIONS
    return ["&", "\\qquad", *tokens] if continues else ["&", *tokens]


def _confidence(stats: layout.Stats, blocks: Sequence[str]) -> float:
    if stats.atoms == 0:
        return 0.0
    score = 1.0 - 2.5 * stats.unknown / stats.atoms - 0.15 * stats.doubtful
    if any("?" in b for b in blocks):
        score -= 0.2
    return max(0.0, min(1.0, score))
