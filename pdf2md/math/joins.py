"""Formulas that a line break cut in two: ``$\\xi\\mapsto$ $y(T)$`` -> ``$\\xi\\mapsto y(T)$``.

Each text row is written on its own, so a formula that runs over a line end comes out as two
``$...$`` spans with only a space between them. Where the first ends with a relation or an
operator (or the second starts with one) they are one formula.
"""

from __future__ import annotations

import re

from pdf2md.math import symbols

_DOLLAR = re.compile(r"(?<!\\)\$")
_OPEN_END = re.compile(r"(?:[=<>+\-*/]|\\[A-Za-z]+)$")
_OPEN_START = re.compile(r"^(?:[=<>+*/]|\\[A-Za-z]+)")
_OPERATORS = symbols.RELATIONS | frozenset(
    [
        r"+",
        r"-",
        r"\times",
        r"\cdot",
        r"\otimes",
        r"\oplus",
        r"\cup",
        r"\cap",
        r"\circ",
        r"\setminus",
        r"\mapsto",
        r"\longrightarrow",
        r"\pm",
    ]
)


def join_split_formulas(paragraph: str) -> str:
    """Merge neighbouring inline formulas separated only by white space across a cut."""
    parts = _DOLLAR.split(paragraph)
    if len(parts) < 5 or len(parts) % 2 == 0:
        return paragraph  # fewer than two formulas, or an unpaired dollar: leave alone
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        formula, after = parts[i], parts[i + 1]
        if len(out) > 1 and not out[-1].strip() and _continues(out[-2], formula):
            out.pop()
            out[-1] = f"{out[-1]} {formula}"
        else:
            out.append(formula)
        out.append(after)
    return "".join(f"${p}$" if i % 2 else p for i, p in enumerate(out))


def _continues(left: str, right: str) -> bool:
    end = _OPEN_END.search(left.rstrip())
    start = _OPEN_START.search(right.lstrip())
    return bool((end and end.group(0) in _OPERATORS) or (start and start.group(0) in _OPERATORS))
