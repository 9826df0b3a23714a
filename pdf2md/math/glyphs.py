"""Read the glyphs and rules of a formula from a page, as LaTeX atoms with exact ink boxes.

PyMuPDF's ordinary character boxes span the font's whole ascent and descent, which hides where
a superscript or a summation limit sits; ``TEXT_ACCURATE_BBOXES`` gives the inked box instead,
and the baseline comes from each glyph's origin. All coordinates are PDF points, top-left origin.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pymupdf

from pdf2md.math import symbols
from pdf2md.model import BBox
from pdf2md.source import PageView

_FLAGS = (
    pymupdf.TEXT_PRESERVE_WHITESPACE
    | pymupdf.TEXT_MEDIABOX_CLIP
    | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
    | pymupdf.TEXT_ACCURATE_BBOXES
)


_INKLESS = frozenset({"Cf", "Cc", "Zs"})


class Role(enum.Enum):
    """What a glyph does in the layout."""

    ORD = "ord"
    BIGOP = "bigop"
    OPEN = "open"
    CLOSE = "close"
    FENCE = "fence"
    RADICAL = "radical"
    ACCENT = "accent"
    RULE = "rule"


@dataclass(frozen=True)
class Atom:
    """One glyph (or rule) of a formula.

    Attributes:
        latex: the LaTeX for the glyph alone (``\\alpha``, ``x``, ``\\mathbb{R}``).
        box: inked box in points.
        baseline: the glyph's baseline y (for rules: their y).
        size: font size in points (for rules: 0).
        role: its layout role.
        upright: a letter set upright in a text font (function names, ``\\mathrm``).
        known: False where the glyph could not be read (lowers confidence).
        is_big: a CMEX glyph or a delimiter much taller than the text.
    """

    latex: str
    box: BBox
    baseline: float
    size: float
    role: Role = Role.ORD
    upright: bool = False
    known: bool = True
    is_big: bool = False
    char: str = ""

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.box.x0 + self.box.x1) / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.box.y0 + self.box.y1) / 2


class PageGlyphs:
    """A page's glyphs with exact boxes, extracted once and looked up by area.

    Reading a formula used to extract a clipped text page per formula, which costs a full
    pass over the page's content stream each time; one extraction serves them all.
    """

    def __init__(self, page: pymupdf.Page) -> None:
        self.page = page
        self._lines: list[tuple[BBox, list[dict[str, Any]]]] | None = None

    def spans_near(self, bbox: BBox) -> list[dict[str, Any]]:
        """PyMuPDF ``rawdict`` spans of the lines that touch ``bbox``, in page order."""
        if self._lines is None:
            raw: dict[str, Any] = self.page.get_text(  # type: ignore[no-untyped-call]
                "rawdict", flags=_FLAGS
            )
            self._lines = [
                (BBox(*line["bbox"]), list(line.get("spans", ())))
                for block in raw.get("blocks", ())
                for line in block.get("lines", ())
            ]
        return [span for box, spans in self._lines if box.touches(bbox) for span in spans]


def page_glyphs(view: PageView) -> PageGlyphs:
    """The page's :class:`PageGlyphs`, made once per page view."""
    return view.memo("pdf2md.math.glyphs", lambda: PageGlyphs(view.page))


def read_atoms(glyphs: PageGlyphs, bbox: BBox, rules: Iterable[BBox]) -> list[Atom]:
    """Every glyph whose centre lies in ``bbox``, plus the thin horizontal rules in it."""
    atoms: list[Atom] = []
    for span in glyphs.spans_near(bbox.pad(1.0)):
        atoms.extend(_span_atoms(span, bbox))
    atoms = merge_negations(merge_pieces(atoms))
    for rule in rules:
        if bbox.contains_point(*rule.center) and rule.width > 1.0:
            y = (rule.y0 + rule.y1) / 2
            atoms.append(Atom("", rule, y, 0.0, Role.RULE))
    return atoms


def _span_atoms(span: dict[str, Any], bbox: BBox) -> list[Atom]:
    font = str(span.get("font", ""))
    size = float(span.get("size", 0.0)) or 10.0
    style = symbols.font_style(font)
    flags = int(span.get("flags", 0))
    if style == "rm" and flags & 2:  # PyMuPDF's italic flag: a text italic used for math
        style = "it"
    elif style == "rm" and flags & 16:
        style = "mathbf"
    out: list[Atom] = []
    for ch in span.get("chars", ()):
        char = ch["c"]
        box = BBox(*ch["bbox"])
        if style == "cmex" and ord(char) < 0x20:
            pass  # a CMEX code that reads as a control character: \} is TAB, \rangle LF...
        elif not char.strip() or unicodedata.category(char) in _INKLESS:
            continue  # spaces, zero-width and control characters
        if not bbox.contains_point(*box.center):
            continue
        if box.width <= 0 or box.height <= 0:
            box = BBox(box.x0, box.y0 - size * 0.5, box.x0 + size * 0.5, box.y0)
        atom = make_atom(char, style, box, float(ch["origin"][1]), size)
        variant = symbols.greek_variant(atom.latex, font, box.width / size)
        out.append(replace(atom, char=char, latex=variant))
    return out


def make_atom(char: str, style: str, box: BBox, baseline: float, size: float) -> Atom:
    """The atom for one character in a font of ``style`` (see :func:`symbols.font_style`)."""
    if style == "cmex" and ord(char) < 0x80:
        latex = symbols.cmex_token(char)
        if latex is None:
            return Atom("?", box, baseline, size, known=False)
        return _with_role(
            latex, box, baseline, size, big=True, piece=ord(char) in symbols.CMEX_PIECES
        )
    if char.isascii() and char.isalpha():
        return _letter(char, style, box, baseline, size)
    if style == "mathcal" and char == "7":  # CMSY has no digits: code 0x37 is \mapstochar
        return Atom(r"\mapstochar", box, baseline, size)
    if char.isdigit() and char.isascii():
        return Atom(char, box, baseline, size)
    latex = symbols.unicode_table().get(char) or symbols.math_alphanumeric(char)
    if latex is None:
        known = char.isprintable() and not (0xE000 <= ord(char) <= 0xF8FF) and char != "\ufffd"
        latex = char if known else "?"
        return Atom(latex, box, baseline, size, known=known)
    big = style == "cmex" or box.height > size * 1.6
    return _with_role(latex, box, baseline, size, big=big, piece=False)


def _letter(char: str, style: str, box: BBox, baseline: float, size: float) -> Atom:
    if style == "mathcal" and not char.isupper():
        style = "it"
    if style == "it":
        return Atom(char, box, baseline, size)
    if style in ("rm", "cmex"):
        return Atom(char, box, baseline, size, upright=True)
    return Atom(f"\\{style}{{{char}}}", box, baseline, size)


def _with_role(
    latex: str, box: BBox, baseline: float, size: float, *, big: bool, piece: bool
) -> Atom:
    if latex in symbols.ACCENTS:
        role = Role.ACCENT
    elif latex in symbols.BIG_OPERATORS:
        role = Role.BIGOP
    elif latex == r"\surd":
        role = Role.RADICAL
    elif latex in symbols.OPENING:
        role = Role.OPEN
    elif latex in symbols.CLOSING:
        role = Role.CLOSE
    elif latex in symbols.FENCES and big:
        role = Role.FENCE
    else:
        role = Role.ORD
    # A piece of a growing delimiter is flagged by a negative size until merged.
    return Atom(latex, box, baseline, -size if piece else size, role, is_big=big)


def merge_pieces(atoms: Sequence[Atom]) -> list[Atom]:
    """Stack the pieces of tall delimiters (top, extension, middle, bottom) into one atom."""
    pieces = [a for a in atoms if a.size < 0]
    if not pieces:
        return list(atoms)
    out = [a for a in atoms if a.size >= 0]
    groups: list[list[Atom]] = []
    for piece in sorted(pieces, key=lambda a: (a.box.x0, a.box.y0)):
        for group in groups:
            if abs(group[0].box.x0 - piece.box.x0) < 1.5 and piece.box.y0 <= group[-1].box.y1 + 2:
                group.append(piece)
                break
        else:
            groups.append([piece])
    for group in groups:
        box = BBox.enclosing([a.box for a in group])
        first = group[0]
        latex = next((a.latex for a in group if a.latex not in ("|", r"\|")), first.latex)
        size = -first.size
        role = Role.RADICAL if any(a.role is Role.RADICAL for a in group) else first.role
        out.append(Atom(latex, box, first.baseline, size, role, is_big=True))
    return out


_NEGATED = {"=": r"\neq", r"\in": r"\notin", r"\exists": r"\nexists", r"\equiv": r"\not\equiv"}


def merge_negations(atoms: Sequence[Atom]) -> list[Atom]:
    """Fold TeX's negation slash into the relation under it: ``\\not=`` -> ``\\neq``."""
    slashes = [a for a in atoms if a.latex == r"\not"]
    if not slashes:
        return list(atoms)
    out = [a for a in atoms if a.latex != r"\not"]
    for slash in slashes:

        def overlap(a: Atom, s: Atom = slash) -> float:
            return min(a.box.x1, s.box.x1) - max(a.box.x0, s.box.x0)

        target = max((a for a in out if a.role is not Role.RULE), key=overlap, default=None)
        if target is None or overlap(target) <= 0:
            continue
        latex = _NEGATED.get(target.latex, r"\not" + target.latex)
        out[out.index(target)] = Atom(
            latex,
            target.box.union(slash.box),
            target.baseline,
            target.size,
            target.role,
            target.upright,
            target.known,
        )
    return out


def plain_text(atoms: Sequence[Atom]) -> str:
    """The formula's characters in reading order (line by line), for provenance."""
    glyphs = sorted((a for a in atoms if a.char), key=lambda a: (round(a.baseline / 4), a.box.x0))
    return "".join(a.char for a in glyphs)
