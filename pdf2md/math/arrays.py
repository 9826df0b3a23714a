"""Rows and columns: splitting a formula into lines, and matrices/cases inside tall delimiters."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pdf2md.math.glyphs import Atom, Role

_ENVIRONMENTS = {
    ("(", ")"): "pmatrix",
    ("[", "]"): "bmatrix",
    ("\\{", "\\}"): "Bmatrix",
    ("|", "|"): "vmatrix",
    ("\\|", "\\|"): "Vmatrix",
}


def split_rows(atoms: Sequence[Atom], size: float) -> list[list[Atom]]:
    """Cut atoms into horizontal bands separated by empty vertical space, top to bottom.

    A rule (a fraction bar) is padded so that its numerator and denominator stay in its band.
    """
    if not atoms:
        return []
    pad = max(size, 5.0) * 0.7

    def extent(a: Atom) -> tuple[float, float]:
        if a.role is Role.RULE:
            return a.baseline - pad, a.baseline + pad
        if a.role is Role.BIGOP:  # its limits hang above and below it
            return a.box.y0 - pad, a.box.y1 + pad
        return a.box.y0, a.box.y1

    ordered = sorted(atoms, key=lambda a: extent(a)[0])
    rows: list[list[Atom]] = []
    bottom = float("-inf")
    for atom in ordered:
        top, low = extent(atom)
        if rows and top <= bottom + 0.3:
            rows[-1].append(atom)
            bottom = max(bottom, low)
        else:
            rows.append([atom])
            bottom = low
    return _fold_small_rows(rows, size)


def _fold_small_rows(rows: list[list[Atom]], size: float) -> list[list[Atom]]:
    """A band of only small glyphs (limits, scripts cut off by a gap) joins its nearest row."""
    out: list[list[Atom]] = []
    for index, row in enumerate(rows):
        if len(rows) > 1 and _is_lone_limit(row, size):
            top = min(a.box.y0 for a in row)
            below = rows[index + 1] if index + 1 < len(rows) else None
            gap_up = top - max(a.box.y1 for a in out[-1]) if out else float("inf")
            gap_down = (
                min(a.box.y0 for a in below) - max(a.box.y1 for a in row) if below else float("inf")
            )
            if out and gap_up <= gap_down:
                out[-1].extend(row)
                continue
            if below is not None:
                below.extend(row)
                continue
        out.append(row)
    return out


def split_columns(atoms: Sequence[Atom], min_gap: float) -> list[tuple[float, float]]:
    """Horizontal spans of the columns of a block of atoms (gaps of at least ``min_gap``)."""
    spans = sorted((a.box.x0, a.box.x1) for a in atoms)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1] + min_gap:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return [(c[0], c[1]) for c in columns]


def try_array(
    opener: Atom,
    pending: list[Atom],
    size: float,
    build: Callable[[list[Atom]], str],
) -> str | None:
    """A matrix or ``cases`` opened by the tall delimiter ``opener``, or ``None``.

    On success the delimiters and cells are removed from ``pending``.
    """
    top, bottom = opener.box.y0, opener.box.y1
    closer = next(
        (
            a
            for a in pending
            if a.is_big
            and a.role in (Role.CLOSE, Role.FENCE)
            and a.box.height > opener.box.height * 0.7
            and a.box.y0 < bottom
            and a.box.y1 > top
        ),
        None,
    )
    right = closer.box.x0 if closer else float("inf")
    inside = [
        a
        for a in pending
        if a is not closer and opener.box.x1 - 1 <= a.cx <= right and top - 1 <= a.cy <= bottom + 1
    ]
    rows = split_rows(inside, size)
    if len(rows) < 2 or any(_is_lone_limit(r, size) for r in rows):
        return None
    if closer is None:
        # Cases: the block ends where a row's content ends, not at the page edge.
        inside = [a for r in rows for a in r]
    columns = split_columns(inside, size * 0.7)
    lines = []
    for row in rows:
        cells = [[a for a in row if x0 - 0.5 <= a.cx <= x1 + 0.5] for x0, x1 in columns]
        lines.append(" & ".join(build(c) for c in cells))
    used = {id(a) for a in inside} | {id(closer)}
    pending[:] = [a for a in pending if id(a) not in used]
    body = " \\\\ ".join(lines)
    return _wrap(opener.latex, closer.latex if closer else None, body, len(columns))


def _is_lone_limit(row: Sequence[Atom], size: float) -> bool:
    """A band of only small glyphs is a script or limit, not a row of an array."""
    return all(a.role is Role.RULE or a.size < size * 0.8 for a in row)


def _wrap(open_latex: str, close_latex: str | None, body: str, n_columns: int) -> str:
    if close_latex is None:
        if open_latex == "\\{":
            return f"\\begin{{cases}} {body} \\end{{cases}}"
        spec = "l" * n_columns
        return f"\\left{open_latex} \\begin{{array}}{{{spec}}} {body} \\end{{array}} \\right."
    env = _ENVIRONMENTS.get((open_latex, close_latex))
    if env:
        return f"\\begin{{{env}}} {body} \\end{{{env}}}"
    return (
        f"\\left{open_latex} \\begin{{array}}{{{'c' * n_columns}}} {body} "
        f"\\end{{array}} \\right{close_latex}"
    )
