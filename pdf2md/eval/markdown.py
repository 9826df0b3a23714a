"""Read Markdown the same way for every converter: markdown-it-py, never regular expressions.

:func:`parse_markdown` turns a Markdown string into a :class:`ParsedMarkdown`: a plain-text view
(Markdown syntax removed, emphasis dropped, ``<br>`` as a space), the headings with their levels,
the tables (pipe tables and HTML tables, spans kept) and the math spans (``$..$``, ``$$..$$``,
``\\(..\\)``, ``\\[..\\]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pdf2md.eval.tables import Table, html_text, parse_html_tables, place_rows


@dataclass(frozen=True)
class MathSpan:
    """One formula found in Markdown: its LaTeX (without delimiters) and whether it is display."""

    latex: str
    display: bool


@dataclass(frozen=True)
class Heading:
    """One heading: level 1-6 and its plain text."""

    level: int
    text: str


@dataclass(frozen=True)
class ParsedMarkdown:
    """What the scorers read from one Markdown text."""

    text: str
    headings: tuple[Heading, ...] = ()
    tables: tuple[Table, ...] = ()
    math: tuple[MathSpan, ...] = ()


@cache
def _parser() -> MarkdownIt:
    # Imported here: the plugins are only needed when eval runs.
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.texmath import texmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    md.use(texmath_plugin, delimiters="brackets")
    return md


_INLINE_MATH = frozenset({"math_inline", "math_inline_double"})
_BLOCK_MATH = frozenset({"math_block", "math_block_eqno", "math_block_label"})


def inline_text(children: Sequence[Token], math: list[MathSpan] | None = None) -> str:
    """Plain text of an inline token's children; math spans are appended to ``math`` if given."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(inline_text(child.children or []))
        elif child.type == "html_inline":
            # <br> reads as a space; other inline tags (<b>, <sup>, ...) are markup only.
            if child.content.lower().replace(" ", "").startswith("<br"):
                parts.append(" ")
        elif child.type in _INLINE_MATH:
            parts.append(child.content)
            if math is not None:
                math.append(MathSpan(child.content.strip(), child.type == "math_inline_double"))
    return "".join(parts)


@dataclass
class _Collector:
    blocks: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    math: list[MathSpan] = field(default_factory=list)


def _read_table(tokens: Sequence[Token], start: int, out: _Collector) -> int:
    """Read a pipe table starting at ``tokens[start]`` (table_open); return the index after it."""
    rows: list[list[tuple[str, int, int, bool]]] = []
    i = start
    header = False
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type in ("th_open", "td_open"):
            header = tok.type == "th_open"
        elif tok.type == "inline" and rows:
            rows[-1].append((inline_text(tok.children or [], out.math).strip(), 1, 1, header))
        i += 1
    table = place_rows(rows, "markdown")
    out.tables.append(table)
    out.blocks.append("\n".join(" | ".join(text for text, *_ in row) for row in rows))
    return i + 1


def _read_html(content: str, out: _Collector) -> None:
    if "<table" in content.lower():
        tables = parse_html_tables(content)
        out.tables.extend(tables)
        for table in tables:
            out.blocks.append(_table_text(table))
        return
    out.blocks.append(html_text(content))


def _table_text(table: Table) -> str:
    rows: dict[int, list[str]] = {}
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows.setdefault(cell.row, []).append(cell.text)
    return "\n".join(" | ".join(texts) for _, texts in sorted(rows.items()))


def _walk(tokens: Sequence[Token], out: _Collector) -> None:
    i = 0
    pending_level = 0
    prefix = ""
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "table_open":
            i = _read_table(tokens, i, out)
            continue
        if tok.type == "heading_open":
            pending_level = int(tok.tag[1:])
        elif tok.type == "list_item_open" and tok.info:
            # Ordered-list numbers are content ("1. Introduction"); bullets are markup.
            prefix = f"{tok.info}{tok.markup} "
        elif tok.type == "inline":
            text = prefix + inline_text(tok.children or [], out.math)
            prefix = ""
            if pending_level:
                out.headings.append(Heading(pending_level, " ".join(text.split())))
                pending_level = 0
            out.blocks.append(text)
        elif tok.type in ("fence", "code_block"):
            out.blocks.append(tok.content)
        elif tok.type in _BLOCK_MATH:
            out.blocks.append(tok.content)
            out.math.append(MathSpan(tok.content.strip(), True))
        elif tok.type == "html_block":
            _read_html(tok.content, out)
        i += 1


def parse_markdown(markdown: str) -> ParsedMarkdown:
    """Parse Markdown with markdown-it-py (CommonMark + tables + math + raw HTML).

    Example:
        >>> parse_markdown("# A\\n\\nb **c**").text
        'A\\nb c'
    """
    out = _Collector()
    _walk(_parser().parse(markdown), out)
    return ParsedMarkdown(
        text="\n".join(block.strip("\n") for block in out.blocks),
        headings=tuple(out.headings),
        tables=tuple(out.tables),
        math=tuple(out.math),
    )
