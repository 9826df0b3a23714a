"""Where atoms sit relative to each other: baselines, limits, scripts, fraction bars.

Pure geometry for :mod:`pdf2md.math.layout`, which builds the LaTeX.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pdf2md.math.glyphs import Atom, Role


def owner(first: Atom, pending: Sequence[Atom], size: float) -> Atom:
    """The structure (fraction bar, big operator, radical) that ``first`` belongs to, if any.

    A numerator or a limit can start left of its bar or operator; the structure is built
    first so that it collects them.
    """
    if first.role in (Role.RULE, Role.BIGOP, Role.RADICAL):
        return first
    operator = operator_of_limit(first, pending, size)
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


def operator_of_limit(first: Atom, pending: Sequence[Atom], size: float) -> Atom | None:
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
            row = limit_row(first, pending, size)
            if any(min(a.box.x1, op.box.x1) > max(a.box.x0, op.box.x0) for a in row):
                return op
    return None


def limit_row(first: Atom, pending: Sequence[Atom], size: float) -> list[Atom]:
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
    if size < 6.9:  # scriptscript type: its own scripts keep the size, so trust the nucleus
        return min(full, key=lambda a: a.box.x0).baseline, size
    votes = Counter(round(a.baseline * 2) / 2 for a in full)
    best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best, size


def connected(group: list[Atom], y: float, *, upward: bool) -> list[Atom]:
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


def widen(limit: list[Atom], pending: Sequence[Atom], size: float) -> list[Atom]:
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


def script_level(atom: Atom, run: Sequence[Atom]) -> float:
    """The height that decides whether ``atom`` is a superscript or a subscript: its baseline;
    for the numerator and denominator of a fraction set in a script, the bar's; for a script
    of a script (smaller still), the level of the script it hangs on."""
    for rule in run:
        under = rule.role is Role.RULE and rule.box.x0 - 0.5 <= atom.cx <= rule.box.x1 + 0.5
        if under and (atom is rule or abs(atom.cy - rule.baseline) < max(atom.size, 5.0)):
            return rule.baseline
    glyphs = [a for a in run if a.role is not Role.RULE]
    top = max((a.size for a in glyphs), default=0.0)
    if atom.role is Role.RULE or atom.size >= top * 0.9:
        return atom.baseline
    host = min(
        (a for a in glyphs if a.size >= top * 0.9 and a.box.x0 <= atom.box.x0 + 0.5),
        key=lambda a: max(0.0, atom.box.x0 - a.box.x1) + 2 * abs(a.baseline - atom.baseline),
        default=None,
    )
    return host.baseline if host is not None else atom.baseline


def small_fraction(rule: Atom, pending: Sequence[Atom], size: float) -> bool:
    """Small glyphs right above and right below the rule: a fraction, not an overline."""
    over = under = False
    for atom in pending:
        if atom.role is Role.RULE or atom.size >= size * 0.9:
            continue
        if not rule.box.x0 - 0.5 <= atom.cx <= rule.box.x1 + 0.5:
            continue
        over |= 0 <= rule.baseline - atom.box.y1 < size * 0.5
        under |= 0 <= atom.box.y0 - rule.baseline < size * 0.5
    return over and under


def is_script(atom: Atom, base: float, size: float, pending: Sequence[Atom] = ()) -> bool:
    if atom.role is Role.RULE:  # the bar of a fraction set in a script, off the math axis
        off_axis = abs(atom.baseline - (base - size * 0.25)) > size * 0.15
        return atom.box.width < size * 3 and off_axis and small_fraction(atom, pending, size)
    if atom.role is Role.BIGOP or atom.is_big:
        return False  # big glyphs hang from their origin: their "baseline" is their top
    shift = abs(atom.baseline - base)
    if atom.latex == r"\prime":
        return True
    if size < 6.9 and atom.size <= size * 1.05:
        return shift > size * 0.1  # scriptscript size cannot shrink: a script of it only moves
    if atom.size < size * 0.8:  # clearly smaller: a script even when barely moved
        return shift > size * 0.07
    return atom.size < size * 0.9 and shift > size * 0.12
