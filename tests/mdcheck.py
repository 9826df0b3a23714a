"""Parse Markdown back with markdown-it-py and describe its structure, for assertions."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt


@dataclass
class Structure:
    """Headings as (level, text), list items as (depth, text), tables as row counts."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    list_items: list[tuple[int, str]] = field(default_factory=list)
    tables: list[int] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def parse(markdown: str) -> Structure:
    """Walk markdown-it's tokens (GFM tables on) and collect the structure."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    out = Structure()
    depth = 0
    rows = 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            out.headings.append((int(tok.tag[1]), tokens[i + 1].content))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "paragraph_open" and depth:
            out.list_items.append((depth, tokens[i + 1].content))
        elif tok.type == "paragraph_open":
            out.paragraphs.append(tokens[i + 1].content)
        elif tok.type == "table_open":
            rows = 0
        elif tok.type == "tr_open":
            rows += 1
        elif tok.type == "table_close":
            out.tables.append(rows)
    return out
