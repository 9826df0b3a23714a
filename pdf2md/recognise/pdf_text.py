"""The text-layer recogniser (``pdf-text``): the fastest and most exact reader there is.

It answers every text-like region (text, title, section header, list item, caption, footnote,
code, and equations where a profile routes them here) from the PDF's own text, and returns
``None`` where the page's text layer is untrustworthy or the region holds no text, so the route
falls back to OCR.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from pdf2md.backend import BackendContext, RegionCrop, parse_options
from pdf2md.math.glyphs import page_glyphs
from pdf2md.math.inline import inline_markdown
from pdf2md.math.joins import join_split_formulas
from pdf2md.math.lines import merge_script_lines
from pdf2md.math.structured import PageMath, page_rules
from pdf2md.model import BBox, Content, RegionKind, RemovedText
from pdf2md.patterns import BULLET_RE
from pdf2md.recognise.textfmt import (
    RowWriter,
    join_rows,
    normalise_text,
    paragraph_breaks,
    styled_paragraph,
)
from pdf2md.source import Link, TextLine
from pdf2md.textlines import attach_bullets, merge_drop_caps, monospaced_share, visual_rows

VERSION = "1"
_ENUM_RE = re.compile(r"^\s*\(?(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})([.)])\s+")
_LINE_START_ESCAPE = re.compile(r"^(\s*)([#>+]|[-*](?=\s))")
_BULLET_START = re.compile(r"^\s*[•●○◦▪▫■□‣⁃∙·\u2022\uf0b7\uf0a7]\s+")
_MATH_BULLET_START = re.compile(r"^\s*\$\\bullet\$\s*")


def escape_paragraph_start(text: str) -> str:
    """Escape what would make a paragraph read as a heading, quote or bullet list in Markdown;
    a paragraph that opens with a bullet glyph is a list item (``- ``).

    An opening item number (``153. A rocket is fired``) is left as it is: Markdown reads it
    as an ordered list starting at that number, which shows the same text, where an escape
    would print a backslash in the plain text.
    """
    bullet = _BULLET_START.match(text) or _MATH_BULLET_START.match(text)
    if bullet and bullet.end() < len(text):
        return "- " + text[bullet.end() :]
    return _LINE_START_ESCAPE.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text, count=1)


class PdfTextOptions(BaseModel):
    """Options of ``pdf-text``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inline_math: bool = True


class PdfTextRecogniser:
    """Recogniser ``pdf-text``."""

    name = "pdf-text"

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        # formulas of the current batch written as text because KaTeX would not render them
        self.last_errors: list[tuple[str, str]] = []
        self._rejected: list[str] = []
        self.options = parse_options(context, self.name, PdfTextOptions)

    def load(self) -> None:
        """Nothing to load."""

    def recognise(self, crops: Sequence[RegionCrop]) -> list[Content | None]:
        """One Content per crop, or ``None`` where the text layer cannot answer. An inline
        formula KaTeX would not render is written as plain text, and noted in ``last_errors``."""
        self.last_errors = []
        out = []
        for crop in crops:
            self._rejected = []
            out.append(self._one(crop))
            if self._rejected and out[-1] is not None:
                message = f"{self.name}: inline math kept as text: {'; '.join(self._rejected)}"
                self.last_errors.append((crop.region.id, message[:500]))
        return out

    def _one(self, crop: RegionCrop) -> Content | None:
        if not crop.text_layer_ok:
            return None
        lines = crop.page.lines_in(crop.bbox)
        if not lines:
            return None
        kind = crop.region.kind
        removed: tuple[RemovedText, ...] = ()
        if kind.is_heading:
            text = _heading_text(lines)
        elif kind == RegionKind.CODE or (kind in _CODE_CANDIDATES and _looks_like_code(lines)):
            text, numbers = _code_text(lines)
            removed = (
                (RemovedText(region_id=crop.region.id, reason="line-number", text=numbers),)
                if numbers
                else ()
            )
        elif kind == RegionKind.LIST_ITEM:
            text = self._list_text(crop, lines)
        else:
            text = self._paragraphs(crop, lines)
        if not text.strip():
            return None
        return Content(
            region_id=crop.region.id,
            text=text,
            orig="\n".join(ln.text for ln in lines),
            recogniser=f"{self.name}@{VERSION}",
            method="text-layer",
            confidence=1.0,
            font_size_pt=max(ln.size for ln in lines),
            removed=removed,
        )

    def _paragraphs(self, crop: RegionCrop, lines: list[TextLine]) -> str:
        rows = visual_rows(merge_drop_caps(merge_script_lines(lines)))
        styles = crop.region.kind not in (RegionKind.EQUATION,)
        breaks = [0, *paragraph_breaks(rows, crop.bbox), len(rows)]
        paragraphs = [
            styled_paragraph(
                rows[a:b],
                crop.page.links,
                styles=styles,
                chars=crop.page.chars_in,
                row_writer=self._math_writer(crop),
            )
            for a, b in zip(breaks, breaks[1:])
        ]
        # rows of dots or rules drawn with characters are decoration, not text
        kept = [p for p in paragraphs if any(ch.isalnum() for ch in p)]
        return "\n\n".join(escape_paragraph_start(join_split_formulas(p)) for p in kept)

    def _math_writer(self, crop: RegionCrop) -> RowWriter | None:
        """Inline math as ``$...$`` (unless ``options.pdf-text.inline_math`` is false)."""
        if not self.options.inline_math:
            return None
        body = crop.page.body_size_pt
        drawn = [d.bbox for d in crop.page.drawings if d.is_rule]
        page = PageMath(
            crop.page.page, page_rules(drawn, crop.page.image_boxes), page_glyphs(crop.page)
        )

        def write(row: Sequence[TextLine]) -> str | None:
            rejected = self._rejected
            if len(row) == 1:
                return inline_markdown(row[0], body, page, normalise_text, rejected=rejected)
            # one visual row split into several lines (scripts): judge it as one line
            spans = tuple(sorted((s for ln in row for s in ln.spans), key=lambda s: s.bbox.x0))
            merged = TextLine(BBox.enclosing([ln.bbox for ln in row]), spans, row[0].block_index)
            return inline_markdown(merged, body, page, normalise_text, rejected=rejected)

        return write

    def _list_text(self, crop: RegionCrop, lines: list[TextLine]) -> str:
        rows = visual_rows(attach_bullets(merge_script_lines(lines)))
        links = crop.page.links
        writer = self._math_writer(crop)
        plain = [normalise_text(" ".join(ln.text for ln in r)) for r in rows]
        items: list[list[list[TextLine]]] = []
        starts: list[str] = []
        for row, raw in zip(rows, plain):
            if BULLET_RE.match(raw) or not items:
                items.append([])
                starts.append(raw)
            items[-1].append(row)
        out: list[str] = []
        for item, raw in zip(items, starts):
            text = _item_text(item, links, crop, writer)
            out.append(f"{_list_marker(raw)} {text if _lettered(raw) else _strip_marker(text)}")
        return "\n".join(out)


def _item_text(
    item: list[list[TextLine]], links: Sequence[Link], crop: RegionCrop, writer: RowWriter | None
) -> str:
    text = styled_paragraph(item, links, chars=crop.page.chars_in, row_writer=writer)
    return join_split_formulas(text)


def _list_marker(raw: str) -> str:
    match = _ENUM_RE.match(raw)
    if match and match.group(1).isdigit():
        return f"{int(match.group(1))}."
    return "-"


def _lettered(raw: str) -> bool:
    """An item labelled ``a.``, ``(b)`` or ``iv)``: Markdown numbers lists only with digits,
    so the label stays in the text (``- d. Breakup of ...``) rather than being lost."""
    match = _ENUM_RE.match(raw)
    return match is not None and not match.group(1).isdigit()


_MATH_BULLET_RE = re.compile(r"^\$\\(?:bullet|cdot|circ|ast|star|diamond)\$\s*")


def _strip_marker(styled: str) -> str:
    """Drop the bullet or enumerator (possibly inside emphasis markers, or a bullet the math
    reader wrote as a formula) from a row."""
    styled = _MATH_BULLET_RE.sub("", styled, count=1)
    bare = styled.lstrip("*` ")
    match = BULLET_RE.match(bare)
    if not match:
        return styled
    prefix = styled[: len(styled) - len(bare)]
    rest = bare[match.end() :]
    return f"{prefix}{rest}" if prefix.strip() else rest


def _heading_text(lines: list[TextLine]) -> str:
    rows = visual_rows(lines)
    text = join_rows([normalise_text(" ".join(ln.text for ln in r)) for r in rows])
    return re.sub(r"\s+", " ", text).strip().strip("#").strip()


# a monospaced "page header" is often a listing line the layout misread at the top of a page
_CODE_CANDIDATES = (
    RegionKind.TEXT,
    RegionKind.LIST_ITEM,
    RegionKind.PAGE_HEADER,
    RegionKind.PAGE_FOOTER,
)


def _is_line_number(span_text: str) -> bool:
    return span_text.strip().isdigit()


def _looks_like_code(lines: list[TextLine]) -> bool:
    """Mostly monospaced text (line numbers aside) that is not a single inline snippet."""
    mono, other = monospaced_share(lines)
    return mono >= 8 and mono >= 0.9 * (mono + other)


def _drop_line_numbers(lines: list[TextLine]) -> tuple[list[TextLine], list[str]]:
    """Remove listing line numbers: a leading non-monospaced number span, or a line of its own.
    Returns the lines left and the numbers removed."""
    code_x0 = min((ln.bbox.x0 for ln in lines if ln.spans[0].is_mono), default=0.0)
    out = []
    numbers: list[str] = []
    for line in lines:
        if len(line.spans) == 1 and _is_line_number(line.text) and line.bbox.x1 <= code_x0 + 1:
            numbers.append(line.text.strip())
            continue
        first = line.spans[0]
        if len(line.spans) > 1 and not first.is_mono and _is_line_number(first.text):
            numbers.append(first.text.strip())
            line = replace(
                line, spans=line.spans[1:], bbox=BBox.enclosing([s.bbox for s in line.spans[1:]])
            )
        out.append(line)
    return out, numbers


def _code_text(lines: list[TextLine]) -> tuple[str, str]:
    """The listing as a fenced block, and the line numbers left out (space-separated)."""
    lines, numbers = _drop_line_numbers(lines)
    rows = visual_rows(lines)
    left = min(ln.bbox.x0 for ln in lines)
    widths = [s.bbox.width / max(1, len(s.text)) for ln in lines for s in ln.spans if s.text]
    char_w = sorted(widths)[len(widths) // 2] if widths else 5.0
    out = []
    for row in rows:
        indent = round((row[0].bbox.x0 - left) / max(char_w, 1.0))
        out.append(" " * indent + normalise_text(" ".join(ln.text.rstrip() for ln in row)))
    body = "\n".join(out).replace("```", "'''")
    return f"```\n{body}\n```", " ".join(numbers)
