"""Turn positioned atoms into LaTeX: rows, scripts, fractions, radicals, limits, accents.

The builder works on one *row* at a time: it finds the row's main baseline (where the
full-size glyphs sit), walks the atoms left to right and, at each nucleus, gathers what hangs
off it (scripts, limits, a numerator and denominator around a rule, a radicand under a radical's
overline), building each part recursively. Arrays (matrices, cases) are handed to
:mod:`pdf2md.math.arrays`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pdf2md.math import arrays, symbols
from pdf2md.math.geometry import (
    connected,
    is_script,
    main_line,
    operator_of_limit,
    owner,
    script_level,
    widen,
)
from pdf2md.math.glyphs import Atom, Role
from pdf2md.math.tokens import balance_delimiters, group_words, join_tokens


@dataclass
class Stats:
    """What the builder noticed that lowers its confidence."""

    atoms: int = 0
    unknown: int = 0
    doubtful: int = 0
    notes: list[str] = field(default_factory=list)


def build(atoms: Sequence[Atom], stats: Stats) -> str:
    """LaTeX for a group of atoms that forms one row (scripts and fractions included)."""
    items = sorted(atoms, key=lambda a: (a.box.x0, a.box.y0))
    if not items:
        return ""
    return join_tokens(build_tokens(items, stats))


def build_tokens(atoms: Sequence[Atom], stats: Stats) -> list[str]:
    """Like :func:`build`, but the top-level tokens of the row, not yet joined."""
    pending = sorted(atoms, key=lambda a: (a.box.x0, a.box.y0))
    if not pending:
        return []
    base, size = main_line(pending)
    tokens: list[str] = []
    right_edge: float | None = None
    prev_upright = False
    while pending:
        nucleus = owner(pending[0], pending, size)
        pending.remove(nucleus)
        gap = nucleus.box.x0 - right_edge if right_edge is not None else 0.0
        if gap > size * 1.8:
            tokens.append("\\qquad")
        elif gap > size * 0.9:
            tokens.append("\\quad")
        elif gap > size * 0.16 and prev_upright and nucleus.upright:
            tokens.append("\x00 ")  # a space between words of upright text
        prev_upright = nucleus.upright and nucleus.latex.isalpha()
        before = {id(a) for a in pending}
        if _is_mid(nucleus, gap, pending, size):
            nucleus = replace(nucleus, latex="\\mid")
        tokens.extend(_emit(nucleus, pending, base, size, stats))
        after = {id(a) for a in pending}
        used = [nucleus, *(a for a in atoms if id(a) in before and id(a) not in after)]
        edge = max(a.box.x1 for a in used)
        right_edge = edge if right_edge is None else max(right_edge, edge)
    return balance_delimiters(group_words(tokens))


def _is_mid(bar: Atom, gap: float, pending: Sequence[Atom], size: float) -> bool:
    """A plain ``|`` spaced like a relation on both sides is ``\\mid`` (set builder, divides)."""
    if bar.latex != "|" or bar.is_big or gap < size * 0.2 or not pending:
        return False
    return min(a.box.x0 for a in pending) - bar.box.x1 > size * 0.2


def _emit(nucleus: Atom, pending: list[Atom], base: float, size: float, stats: Stats) -> list[str]:
    stats.atoms += 1
    if not nucleus.known:
        stats.unknown += 1
    if nucleus.role is Role.RULE:
        return _rule(nucleus, pending, base, size, stats)
    if nucleus.role is Role.RADICAL:
        return _radical(nucleus, pending, stats)
    if nucleus.role is Role.BIGOP:
        return _big_operator(nucleus, pending, base, size, stats)
    if nucleus.role is Role.ACCENT:
        return _accent(nucleus, pending, base, size, stats)
    if nucleus.is_big and nucleus.role in (Role.OPEN, Role.FENCE):
        table = arrays.try_array(nucleus, pending, size, lambda g: build(g, stats))
        if table is not None:
            return [table, *_scripts(nucleus, pending, base, size, stats)]
    if nucleus.latex == r"\prime":
        return ["^{\\prime}"]
    if nucleus.upright and nucleus.latex.isalpha():
        return _upright_word(nucleus, pending, base, size, stats)
    token = _delimiter(nucleus) if nucleus.is_big else nucleus.latex
    return [token, *_scripts(nucleus, pending, base, size, stats)]


def _upright_word(
    first: Atom, pending: list[Atom], base: float, size: float, stats: Stats
) -> list[str]:
    """An upright word (``sin``, ``lim``, ``Ann``), with limits under it where it has them."""
    word = [first]
    for atom in list(pending):
        if not (atom.upright and atom.latex.isalpha()) or abs(atom.baseline - first.baseline) > 0.5:
            if atom.box.x0 > word[-1].box.x1 + size * 0.05 or atom.size >= first.size * 0.9:
                break
            continue
        if atom.box.x0 - word[-1].box.x1 > size * 0.16:
            break
        word.append(atom)
    _take(pending, word)
    text = "".join(a.latex for a in word)
    x0, x1 = word[0].box.x0 - 1, word[-1].box.x1 + 1
    bottom = max(a.box.y1 for a in word)
    under = [
        a
        for a in pending
        if a.box.x1 > x0 + 0.5
        and a.box.x0 < x1 - 0.5
        and a.box.y0 >= bottom - 0.5
        and a.size < first.size
    ]
    under = connected(under, bottom, upward=False)
    if len(word) > 1 and under:
        _take(pending, under)
        name = "\\" + text if text in symbols.FUNCTIONS else f"\\operatorname*{{{text}}}"
        return [f"{name}_{{{build(under, stats)}}}"]
    token = "\x00" + text  # group_words turns it into \sin, \mathrm{d} or \text{...}
    return [token, *_scripts(word[-1], pending, base, size, stats)]


def _delimiter(atom: Atom) -> str:
    """A tall bracket: ``\\left``/``\\right`` (unpaired ones are made plain later); a tall
    bar, which may open or close, at the size TeX's ``\\big`` family gives it."""
    if atom.role is Role.OPEN:
        return "\\left" + atom.latex
    if atom.role is Role.CLOSE:
        return "\\right" + atom.latex
    if atom.role is Role.FENCE:
        ems = atom.box.height / max(abs(atom.size), 1.0)
        size = (
            "\\big" if ems < 1.5 else "\\Big" if ems < 2.1 else "\\bigg" if ems < 2.7 else "\\Bigg"
        )
        return size + atom.latex
    return atom.latex


def _take(pending: list[Atom], keep: list[Atom]) -> None:
    ids = {id(a) for a in keep}
    pending[:] = [a for a in pending if id(a) not in ids]


def _rule(rule: Atom, pending: list[Atom], base: float, size: float, stats: Stats) -> list[str]:
    """A horizontal rule: a fraction bar, an overline or an underline."""
    span = (rule.box.x0 - 0.5, rule.box.x1 + 0.5)
    inside = [a for a in pending if span[0] <= a.cx <= span[1]]
    reach = max(size, 6.0) * 3
    above = [
        a for a in inside if a.box.y1 <= rule.baseline + 0.8 and a.box.y1 > rule.baseline - reach
    ]
    below = [
        a for a in inside if a.box.y0 >= rule.baseline - 0.8 and a.box.y0 < rule.baseline + reach
    ]
    above = connected(above, rule.baseline, upward=True)
    below = connected(below, rule.baseline, upward=False)
    _take(pending, above + below)
    if above and below:
        return [f"\\frac{{{build(above, stats)}}}{{{build(below, stats)}}}"]
    if below:
        return [f"\\overline{{{build(below, stats)}}}", *_scripts(rule, pending, base, size, stats)]
    if above:
        return [f"\\underline{{{build(above, stats)}}}"]
    stats.doubtful += 1
    return []


def _radical(rad: Atom, pending: list[Atom], stats: Stats) -> list[str]:
    bar = next(
        (
            a
            for a in pending
            if a.role is Role.RULE
            and abs(a.box.x0 - rad.box.x1) < 2.0
            and abs(a.baseline - rad.box.y0) < 2.0
        ),
        None,
    )
    right = bar.box.x1 if bar else rad.box.x1 + 8.0
    body = [
        a
        for a in pending
        if a is not bar
        and rad.box.x1 - 1 <= a.cx <= right
        and a.box.y0 >= rad.box.y0 - 1
        and a.box.y1 <= rad.box.y1 + 1
    ]
    index = [
        a
        for a in pending
        if a.box.x1 <= rad.box.x1
        and a.cx >= rad.box.x0 - 2
        and a.box.y1 < rad.cy
        and a.size < rad.size * 0.9
        and a.role is not Role.RULE
    ]
    if bar is None:
        stats.doubtful += 1
        _take(pending, index)
        return ["\\surd"]
    _take(pending, [bar, *body, *index])
    root = f"[{build(index, stats)}]" if index else ""
    return [f"\\sqrt{root}{{{build(body, stats)}}}"]


def _big_operator(
    op: Atom, pending: list[Atom], base: float, size: float, stats: Stats
) -> list[str]:
    lo, hi = op.box.x0 - 2.0, op.box.x1 + 2.0
    over = [a for a in pending if lo <= a.cx <= hi and a.box.y1 <= op.box.y0 + 1.0]
    under = [a for a in pending if lo <= a.cx <= hi and a.box.y0 >= op.box.y1 - 1.0]
    over = widen(connected(over, op.box.y0, upward=True), pending, size)
    under = widen(connected(under, op.box.y1, upward=False), pending, size)
    _take(pending, over + under)
    token = op.latex
    if under:
        token += f"_{{{build(under, stats)}}}"
    if over:
        token += f"^{{{build(over, stats)}}}"
    if over or under:
        return [token]
    return [token, *_scripts(op, pending, base, size, stats)]


def _accent(acc: Atom, pending: list[Atom], base: float, size: float, stats: Stats) -> list[str]:
    below = [
        a
        for a in pending
        if a.box.x0 - 1 <= acc.cx <= a.box.x1 + 1 and a.cy > acc.cy and a.role is not Role.RULE
    ]
    if not below:
        stats.doubtful += 1
        return []
    nucleus = min(below, key=lambda a: a.box.y0)
    _take(pending, [nucleus])
    return [f"{acc.latex}{{{nucleus.latex}}}", *_scripts(nucleus, pending, base, size, stats)]


def _scripts(
    nucleus: Atom, pending: list[Atom], base: float, size: float, stats: Stats
) -> list[str]:
    """Sub- and superscripts right after ``nucleus``: smaller glyphs off the main baseline."""
    run: list[Atom] = []
    edge = nucleus.box.x1
    for atom in list(pending):
        if any(atom is a for a in run):
            continue
        if atom.box.x0 > edge + size * 0.6 or not is_script(atom, base, size, pending):
            break
        if operator_of_limit(atom, pending, size) is not None:
            break  # the limit of a big operator further right, not a script
        holder = owner(atom, pending, size)
        if holder is not atom and not any(holder is a for a in run):
            if not is_script(holder, base, size, pending):
                break  # the numerator of a fraction, the radicand of a root... further on
            run.append(holder)  # a fraction set in the script: its bar comes with it
        run.append(atom)
        edge = max(edge, atom.box.x1)
    if not run:
        return []
    _take(pending, run)
    axis = base - size * 0.25
    sup = [a for a in run if script_level(a, run) < axis]
    sub = [a for a in run if a not in sup]
    out = ""
    if sub:
        out += f"_{{{build(sub, stats)}}}"
    if sup:
        out += _superscript(sup, stats)
    return [out]


def _superscript(sup: list[Atom], stats: Stats) -> str:
    """``^{...}``; a prime inside is already raised, so it is written ``\\prime`` there."""
    text = build(sup, stats).replace("^{\\prime}", "\\prime")
    return f"^{{{text}}}"
