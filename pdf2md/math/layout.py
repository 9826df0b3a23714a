"""Turn positioned atoms into LaTeX: rows, scripts, fractions, radicals, limits, accents.

The builder works on one *row* at a time: it finds the row's main baseline (where the
full-size glyphs sit), walks the atoms left to right and, at each nucleus, gathers what hangs
off it (scripts, limits, a numerator and denominator around a rule, a radicand under a radical's
overline), building each part recursively. Arrays (matrices, cases) are handed to
:mod:`pdf2md.math.arrays`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pdf2md.math import arrays, symbols
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
        nucleus = _owner(pending[0], pending, size)
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
        tokens.extend(_emit(nucleus, pending, base, size, stats))
        after = {id(a) for a in pending}
        used = [nucleus, *(a for a in atoms if id(a) in before and id(a) not in after)]
        edge = max(a.box.x1 for a in used)
        right_edge = edge if right_edge is None else max(right_edge, edge)
    return balance_delimiters(group_words(tokens))


def _owner(first: Atom, pending: Sequence[Atom], size: float) -> Atom:
    """The structure (fraction bar, big operator, radical) that ``first`` belongs to, if any.

    A numerator or a limit can start left of its bar or operator; the structure is built
    first so that it collects them.
    """
    if first.role in (Role.RULE, Role.BIGOP, Role.RADICAL):
        return first
    operator = _operator_of_limit(first, pending, size)
    if operator is not None:
        return operator
    for atom in pending:
        if atom.box.x0 > first.box.x1:
            break
        over = first.box.x0 - 1 <= atom.cx <= first.box.x1 + 1 and atom.cy < first.cy
        if atom.role is Role.ACCENT and over:
            return atom
        if (
            atom.upright
            and first.size < atom.size * 0.9
            and atom.box.y1 <= first.box.y0 + 0.5
            and min(atom.box.x1, first.box.x1) - max(atom.box.x0, first.box.x0) > 0.5
        ):
            return atom  # a limit under lim, max, sup...
        if atom.role not in (Role.RULE, Role.BIGOP, Role.RADICAL):
            continue
        if atom.box.x0 - 1 <= first.cx <= atom.box.x1 + 1 and abs(first.cy - atom.cy) < size * 3:
            return atom
    return first


def _operator_of_limit(first: Atom, pending: Sequence[Atom], size: float) -> Atom | None:
    """A big operator that ``first`` (a small glyph) sits under or over, as part of a limit row
    that may start well left of the operator."""
    if first.size >= size * 0.9:
        return None
    for op in pending:
        if op.role is not Role.BIGOP or op.box.x0 > first.box.x0 + size * 6:
            continue
        below = 0 <= first.box.y0 - op.box.y1 + 1 < size * 1.2
        above = 0 <= op.box.y0 - first.box.y1 + 1 < size * 1.2
        if (below or above) and op.box.x0 - size * 6 <= first.box.x0 <= op.box.x1:
            row = _limit_row(first, pending, size)
            if any(min(a.box.x1, op.box.x1) > max(a.box.x0, op.box.x0) for a in row):
                return op
    return None


def _limit_row(first: Atom, pending: Sequence[Atom], size: float) -> list[Atom]:
    """The run of small glyphs on ``first``'s baseline that continues it to the right."""
    row = [first]
    for atom in sorted(pending, key=lambda a: a.box.x0):
        if atom is first or atom.box.x0 < first.box.x0:
            continue
        if atom.box.x0 - row[-1].box.x1 > size * 0.5 or atom.size >= size * 0.9:
            break
        if abs(atom.cy - first.cy) < size * 0.6:
            row.append(atom)
    return row


def main_line(items: Sequence[Atom]) -> tuple[float, float]:
    """The main baseline and font size of a row: where most full-size glyphs sit."""
    glyphs = [a for a in items if a.role not in (Role.RULE, Role.BIGOP) and not a.is_big]
    if not glyphs:
        glyphs = [a for a in items if a.role is not Role.RULE] or list(items)
    size = max(a.size for a in glyphs) or 10.0
    full = [a for a in glyphs if a.size >= size * 0.85] or glyphs
    votes = Counter(round(a.baseline * 2) / 2 for a in full)
    best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best, size


def _emit(nucleus: Atom, pending: list[Atom], base: float, size: float, stats: Stats) -> list[str]:
    stats.atoms += 1
    if not nucleus.known:
        stats.unknown += 1
    if nucleus.role is Role.RULE:
        return _rule(nucleus, pending, size, stats)
    if nucleus.role is Role.RADICAL:
        return _radical(nucleus, pending, stats)
    if nucleus.role is Role.BIGOP:
        return _big_operator(nucleus, pending, base, size, stats)
    if nucleus.role is Role.ACCENT:
        return _accent(nucleus, pending, stats)
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
    under = _connected(under, bottom, upward=False)
    if len(word) > 1 and under:
        _take(pending, under)
        name = "\\" + text if text in symbols.FUNCTIONS else f"\\operatorname*{{{text}}}"
        return [f"{name}_{{{build(under, stats)}}}"]
    token = "\x00" + text  # group_words turns it into \sin, \mathrm{d} or \text{...}
    return [token, *_scripts(word[-1], pending, base, size, stats)]


def _delimiter(atom: Atom) -> str:
    if atom.role is Role.OPEN:
        return "\\left" + atom.latex
    if atom.role is Role.CLOSE:
        return "\\right" + atom.latex
    return atom.latex


def _take(pending: list[Atom], keep: list[Atom]) -> None:
    ids = {id(a) for a in keep}
    pending[:] = [a for a in pending if id(a) not in ids]


def _rule(rule: Atom, pending: list[Atom], size: float, stats: Stats) -> list[str]:
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
    above = _connected(above, rule.baseline, upward=True)
    below = _connected(below, rule.baseline, upward=False)
    _take(pending, above + below)
    if above and below:
        return [f"\\frac{{{build(above, stats)}}}{{{build(below, stats)}}}"]
    if below:
        return [f"\\overline{{{build(below, stats)}}}"]
    if above:
        return [f"\\underline{{{build(above, stats)}}}"]
    stats.doubtful += 1
    return []


def _connected(group: list[Atom], y: float, *, upward: bool) -> list[Atom]:
    """The atoms stacked against a rule at ``y``, stopping at the first vertical gap."""
    ordered = sorted(group, key=lambda a: -a.box.y1 if upward else a.box.y0)
    out: list[Atom] = []
    edge = y
    for atom in ordered:
        gap = (edge - atom.box.y1) if upward else (atom.box.y0 - edge)
        limit = max(atom.size, 5.0) * 0.9
        if gap > limit:
            break
        out.append(atom)
        edge = min(edge, atom.box.y0) if upward else max(edge, atom.box.y1)
    return out


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
    over = _widen(_connected(over, op.box.y0, upward=True), pending, size)
    under = _widen(_connected(under, op.box.y1, upward=False), pending, size)
    _take(pending, over + under)
    token = op.latex
    if under:
        token += f"_{{{build(under, stats)}}}"
    if over:
        token += f"^{{{build(over, stats)}}}"
    if over or under:
        return [token]
    return [token, *_scripts(op, pending, base, size, stats)]


def _widen(limit: list[Atom], pending: Sequence[Atom], size: float) -> list[Atom]:
    """Extend a limit to the whole run of small glyphs it belongs to (wider than the operator)."""
    if not limit:
        return limit
    out = list(limit)
    grew = True
    while grew:
        grew = False
        x0, x1 = min(a.box.x0 for a in out), max(a.box.x1 for a in out)
        y0, y1 = min(a.box.y0 for a in out), max(a.box.y1 for a in out)
        for atom in pending:
            if atom in out or atom.size >= size * 0.9 or atom.role is Role.BIGOP:
                continue
            near = x0 - size * 0.5 <= atom.box.x1 and atom.box.x0 <= x1 + size * 0.5
            if near and atom.cy > y0 - 0.5 and atom.cy < y1 + 0.5:
                out.append(atom)
                grew = True
    return out


def _accent(acc: Atom, pending: list[Atom], stats: Stats) -> list[str]:
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
    return [f"{acc.latex}{{{nucleus.latex}}}"]


def _scripts(
    nucleus: Atom, pending: list[Atom], base: float, size: float, stats: Stats
) -> list[str]:
    """Sub- and superscripts right after ``nucleus``: smaller glyphs off the main baseline."""
    run: list[Atom] = []
    edge = nucleus.box.x1
    for atom in list(pending):
        if atom.box.x0 > edge + size * 0.6 or not _is_script(atom, base, size):
            break
        if _operator_of_limit(atom, pending, size) is not None:
            break  # the limit of a big operator further right, not a script
        run.append(atom)
        edge = max(edge, atom.box.x1)
    if not run:
        return []
    _take(pending, run)
    axis = base - size * 0.25
    sup = [a for a in run if a.baseline < axis]
    sub = [a for a in run if a not in sup]
    out = ""
    if sub:
        out += f"_{{{build(sub, stats)}}}"
    if sup:
        out += _superscript(sup, stats)
    return [out]


def _superscript(sup: list[Atom], stats: Stats) -> str:
    text = build(sup, stats)
    return f"^{{{text}}}"


def _is_script(atom: Atom, base: float, size: float) -> bool:
    if atom.role is Role.RULE:
        return atom.box.width < size * 3 and abs(atom.baseline - (base - size * 0.25)) > size * 0.4
    shift = abs(atom.baseline - base)
    if atom.latex == r"\prime":
        return True
    return atom.size < size * 0.9 and shift > size * 0.12
