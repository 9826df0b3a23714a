"""Turning text-layer lines into Markdown text: styling, links, joining, de-hyphenation.

Pure functions over :class:`~pdf2md.source.TextLine`; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from pdf2md.model import BBox
from pdf2md.source import Link, TextChar, TextLine, TextSpan
from pdf2md.textlines import text_x0

# Characters that PDFs produce and readers do not want: soft hyphens, odd spaces, private-use
# bullets. Ligatures are expanded by the extraction flags; NFKC below catches the rest.
_TRANSLATE = str.maketrans(
    {
        "\u00ad": "",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u200b": "",
        "\u2028": " ",
        "\ufeff": "",
        "\uf0b7": "•",
        "\uf0a7": "▪",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
_Piece = tuple[str, str, "str | None"]  # (text, style marker, link target)
# NFKC would rewrite these into something worse (spacing accents: into a space and a
# combining accent that lands on the space)
_COMPAT_KEEP = set("²³¹¼½¾™…\u00a8\u00b4\u00af\u00b8\u02d8\u02d9\u02da\u02db\u02dc\u02dd")
_HYPHENS = ("-", "\u2010", "\u2011")


# TeX sets an accented letter as a spacing accent glyph and the bare letter, the accent
# first: "J¨ager", "´ı", "¸c". They combine into one letter.
_SPACING_ACCENTS = {
    "\u00b8": "\u0327",
    "\u00a8": "\u0308",
    "\u00b4": "\u0301",
    "\u02c6": "\u0302",
    "\u02dc": "\u0303",
    "\u02c7": "\u030c",
    "\u02d8": "\u0306",
    "\u02d9": "\u0307",
    "\u02da": "\u030a",
    "\u00af": "\u0304",
    "\u02dd": "\u030b",
}
_ACCENT_FIRST = re.compile(f"([{''.join(_SPACING_ACCENTS)}])([^\\W\\d_])")


def combine_accents(text: str) -> str:
    """Spacing accents set apart from their letter, joined to it (``J¨ager`` -> ``Jäger``)."""

    def above(match: re.Match[str]) -> str:
        letter = {"\u0131": "i", "\u0237": "j"}.get(match.group(2), match.group(2))
        return letter + _SPACING_ACCENTS[match.group(1)]

    return _ACCENT_FIRST.sub(above, text)


def normalise_text(text: str) -> str:
    """Map PDF oddities to plain Unicode: ligatures, odd spaces, compatibility forms, and
    accents set apart from their letters."""
    text = text.translate(_TRANSLATE)
    if text.isascii():
        return text
    text = combine_accents(text)
    # TeX writes double quotes as two single ones
    text = text.replace("\u2018\u2018", "\u201c").replace("\u2019\u2019", "\u201d")
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch in _COMPAT_KEEP or ord(ch) < 0x80:
            out.append(ch)
        else:
            norm = unicodedata.normalize("NFKC", ch)
            out.append(norm if len(norm) <= 3 else ch)
    return unicodedata.normalize("NFC", "".join(out))


def _wrap(text: str, marker: str) -> str:
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _link_for(span: TextSpan, links: Sequence[Link]) -> str | None:
    for link in links:
        if span.bbox.overlap_ratio(link.bbox) >= 0.5:
            return link.uri
    return None


CharSource = Callable[[BBox], Sequence[TextChar]]
RowWriter = Callable[[Sequence[TextLine]], "str | None"]


def _marker(span: TextSpan) -> str:
    if span.is_mono:
        return "`"
    if span.is_bold and span.is_italic:
        return "***"
    if span.is_bold:
        return "**"
    return "*" if span.is_italic else ""


def _link_pieces(
    span: TextSpan, marker: str, links: Sequence[Link], chars: CharSource
) -> list[_Piece]:
    """A span that a link covers only in part, cut at the link's edges (by glyph). Word
    spaces the source put back into a tightly set span (not glyphs of the page) are kept."""
    out: list[_Piece] = []
    glyphs = list(chars(span.bbox))
    j = 0
    for char in span.text:
        if j < len(glyphs) and glyphs[j].char == char:
            cx, cy = glyphs[j].bbox.center
            target = next((ln.uri for ln in links if ln.bbox.contains_point(cx, cy)), None)
            j += 1
        elif char.isspace() and out:
            target = out[-1][2]  # a space put back between two glyphs
        else:
            return _glyph_pieces(glyphs, marker, links)  # text and glyphs disagree
        if out and out[-1][2] == target:
            out[-1] = (out[-1][0] + char, marker, target)
        else:
            out.append((char, marker, target))
    if j != len(glyphs):
        return _glyph_pieces(glyphs, marker, links)
    return [(normalise_text(t), m, u) for t, m, u in out]


def _glyph_pieces(glyphs: Sequence[TextChar], marker: str, links: Sequence[Link]) -> list[_Piece]:
    out: list[_Piece] = []
    for ch in glyphs:
        cx, cy = ch.bbox.center
        target = next((ln.uri for ln in links if ln.bbox.contains_point(cx, cy)), None)
        if out and out[-1][2] == target:
            out[-1] = (out[-1][0] + ch.char, marker, target)
        else:
            out.append((ch.char, marker, target))
    return [(normalise_text(t), m, u) for t, m, u in out]


def _pieces(
    row: Sequence[TextLine],
    links: Sequence[Link],
    styles: bool,
    chars: CharSource | None = None,
    row_writer: RowWriter | None = None,
) -> list[_Piece]:
    written = row_writer(row) if row_writer is not None else None
    if written is not None:  # e.g. a row with inline math, already Markdown
        return [(written, "", None)]
    pieces: list[_Piece] = []
    for line in row:
        if pieces and not pieces[-1][0].endswith(" "):
            pieces.append((" ", "", None))
        for span in line.spans:
            text = normalise_text(span.text)
            marker = _marker(span) if styles and text.strip() else ""
            hits = [ln for ln in links if ln.bbox.intersect(span.bbox).area > 0]
            if (
                hits
                and chars is not None
                and not all(span.bbox.overlap_ratio(ln.bbox) > 0.9 for ln in hits)
            ):
                pieces.extend(_link_pieces(span, marker, hits, chars))
            else:
                pieces.append((text, marker, _link_for(span, hits) if hits else None))
    return pieces


def styled_row(row: Sequence[TextLine], links: Sequence[Link], *, styles: bool = True) -> str:
    """One visual row as Markdown: bold, italic, code spans and links kept."""
    return _merge_pieces(_pieces(row, links, styles))


def styled_paragraph(
    rows: Sequence[Sequence[TextLine]],
    links: Sequence[Link],
    *,
    styles: bool = True,
    chars: CharSource | None = None,
    row_writer: RowWriter | None = None,
) -> str:
    """Rows of one paragraph as one line of Markdown.

    Styles run across line ends (one ``**bold sentence**``, not one per line), and a word split
    by a hyphen at a line end is joined again.
    """
    pieces: list[_Piece] = []
    for row in rows:
        row_pieces = _pieces(row, links, styles, chars, row_writer)
        if not row_pieces or not "".join(p[0] for p in row_pieces).strip():
            continue
        first = row_pieces[0][0].lstrip()
        row_pieces[0] = (first, row_pieces[0][1], row_pieces[0][2])
        if pieces:
            last_text = pieces[-1][0].rstrip()
            kept, sep = join_point(last_text, first)
            pieces[-1] = (kept, pieces[-1][1], pieces[-1][2])
            if sep:
                pieces.append((sep, "", None))
        pieces.extend(row_pieces)
    return re.sub(r"[ \t]{2,}", " ", _merge_pieces(pieces)).strip()


def _touching_emphasis(run: list[str | None], text: str, marker: str, link: str | None) -> bool:
    prev_text, prev_marker, prev_link = str(run[0]), str(run[1]), run[2]
    if prev_link != link or not marker or not prev_marker or "`" in (marker, prev_marker):
        return False
    return not prev_text[-1:].isspace() and not text[:1].isspace()


def _merge_pieces(pieces: list[_Piece]) -> str:
    """Join runs with the same style and link, then apply markers once per run."""
    runs: list[list[str | None]] = []
    for text, marker, link in pieces:
        if (runs and runs[-1][1] == marker and runs[-1][2] == link) or (runs and not text.strip()):
            runs[-1][0] = str(runs[-1][0]) + text
        elif runs and _touching_emphasis(runs[-1], text, marker, link):
            # "***Abstract***" right before "**—**" would not parse: keep the shared style
            common = "**" if "**" in str(runs[-1][1]) and "**" in marker else ""
            common = common or (
                "*" if str(runs[-1][1]) in ("*", "***") and marker in ("*", "***") else ""
            )
            runs[-1] = [str(runs[-1][0]) + text, common, link]
        else:
            runs.append([text, marker, link])
    out: list[str] = []
    for run_text, run_marker, run_link in runs:
        body = str(run_text)
        if run_marker == "`":
            body = _wrap(body.replace("`", "'"), "`")
        elif run_marker:
            body = _wrap(body, str(run_marker))
        if run_link and body.strip():
            core = body.strip()
            body = body.replace(core, f"[{core}]({run_link})", 1)
        out.append(body)
    return "".join(out)


def join_rows(rows: Sequence[str]) -> str:
    """Join the rows of one paragraph into one line, undoing end-of-line hyphenation."""
    text = ""
    for row in rows:
        row = row.strip()
        if not row:
            continue
        if not text:
            text = row
            continue
        kept, sep = join_point(text, row)
        text = f"{kept}{sep}{row}"
    return re.sub(r"[ \t]{2,}", " ", text)


def _is_cjk(char: str) -> bool:
    """Han, kana, CJK punctuation and full-width forms: scripts written without spaces."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF
        or 0x3400 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
    )


def join_point(before: str, after: str) -> tuple[str, str]:
    """How a line ending joins the next line: the kept end of ``before`` and the separator.

    A word split at the line end loses its hyphen; a compound (``well-``/``known``,
    ``2020-``/``2021``) keeps it; neither gets a space. Everything else joins with a space.
    """
    if _is_split_word(before, after):
        return before[:-1], ""
    if before and after and _is_cjk(before[-1]) and _is_cjk(after[0]):
        return before, ""  # Chinese and Japanese put no space between lines
    if (
        before.endswith(_HYPHENS)
        and len(before) >= 2
        and before[-2].isalnum()
        and after[:1].isalnum()
    ):
        return before, ""
    return before, " "


def _is_split_word(before: str, after: str) -> bool:
    """A word split by a hyphen at the line end: ``exam-`` + ``ple``, not ``well-`` + ``Known``."""
    if not before.endswith(_HYPHENS) or len(before) < 3:
        return False
    if not before[-2].isalpha() or not after[:1].islower():
        return False
    # "self-", "non-", "co-" style prefixes keep their hyphen when it is a compound
    word = re.split(r"\W", before[:-1])[-1].lower()
    return word not in {"self", "non", "co", "well", "state", "high", "low", "multi", "cross"}


def paragraph_breaks(rows: Sequence[Sequence[TextLine]], region: BBox) -> list[int]:
    """Indices of rows that start a new paragraph inside one region.

    A row starts a paragraph where the vertical gap above it is clearly larger than the
    usual line gap, or where it is indented while the row above ended short.
    """
    if len(rows) < 2:
        return []
    tops = [min(ln.bbox.y0 for ln in r) for r in rows]
    bottoms = [max(ln.bbox.y1 for ln in r) for r in rows]
    gaps = [tops[i] - bottoms[i - 1] for i in range(1, len(rows))]
    usual = sorted(gaps)[len(gaps) // 2]
    heights = sorted(bottoms[i] - tops[i] for i in range(len(rows)))
    line_h = heights[len(heights) // 2]
    breaks: list[int] = []
    for i in range(1, len(rows)):
        big_gap = gaps[i - 1] > max(usual + 0.6 * line_h, 0.8 * line_h)
        x_start = min(text_x0(ln) for ln in rows[i])
        prev_end = max(ln.bbox.x1 for ln in rows[i - 1])
        indented = x_start > region.x0 + 0.8 * line_h and prev_end < region.x1 - 2 * line_h
        if big_gap or indented:
            breaks.append(i)
    return breaks
