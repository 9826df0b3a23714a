"""Markdown that is safe to render: what a PDF's author wrote cannot run in a reader's page.

pdf2md's output is read in web pages (chat UIs, docs sites) as often as in editors, and the
text comes from whoever made the PDF. :func:`safe_markdown` is applied to every Markdown text
pdf2md writes:

- raw HTML is escaped (``<script>`` becomes ``&lt;script>``), except the few tags pdf2md writes
  itself (tables, ``<br>``, ``<sup>``/``<sub>``, page markers); ``allow_raw_html`` keeps it all;
- a link keeps its target only for ``http``, ``https``, ``mailto`` and in-document anchors
  (``#...``); any other link (``javascript:``, ``data:``, ``file:``) is escaped into plain text;
- an image keeps its target only where it is a relative path (pdf2md's own crops); a remote
  image becomes a link, so that rendering the page fetches nothing.

Code spans and fenced code blocks are left as they are: nothing in them is rendered as markup.
Applying it twice gives the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdf2md.model import Block, Document, Page
from pdf2md.urls import image_target_is_local, link_target_is_safe

# tags pdf2md writes itself (tables, line breaks in cells, scripts), in the exact form it writes
_OWN_TAG = re.compile(
    r"<(?:/?(?:br|sup|sub|table|thead|tbody|tr)\s*/?"
    r"|(?:td|th)(?:\s+(?:rowspan|colspan)=\"\d{1,4}\")*\s*|/(?:td|th)"
    r"|!-- page \d{1,9} --)>",
    re.IGNORECASE,
)
# what a CommonMark renderer or a browser would take for the start of a tag, comment,
# declaration, processing instruction or autolink
_TAG_OPEN = re.compile(
    r"<(?=/?[A-Za-z][A-Za-z0-9\-]*(?:[\s/>]|$)|[!?]|[A-Za-z][A-Za-z0-9+.\-]{1,31}:)"
)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
_LINK = re.compile(r"(?<!\\)(!?)\[((?:[^\[\]\n\\]|\\.){0,2000})\]\(\s*(<[^<>\n]*>|[^\s()]*)")
_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]{1,999})\]:[ \t]*(<[^<>\n]*>|\S+)", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)


def _links(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        bang, target, whole = m.group(1), m.group(3), m.group(0)
        if bang and image_target_is_local(target):
            return whole
        if bang and link_target_is_safe(target):
            return whole[1:]  # a remote image: a link to it, never fetched
        if link_target_is_safe(target) and not bang:
            return whole
        return f"{bang}\\{whole[len(bang) :]}"

    def definition(m: re.Match[str]) -> str:
        if link_target_is_safe(m.group(3)):
            return m.group(0)
        return f"{m.group(1)}\\{m.group(0)[len(m.group(1)) :]}"

    return _DEFINITION.sub(definition, _LINK.sub(fix, text))


def _html(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _TAG_OPEN.finditer(text):
        start = m.start()
        if start < pos:
            continue
        own = _OWN_TAG.match(text, start)
        auto = _AUTOLINK.match(text, start)
        if own is not None:
            out.append(text[pos : own.end()])
            pos = own.end()
        elif auto is not None and link_target_is_safe(auto.group(1)):
            out.append(text[pos : auto.end()])
            pos = auto.end()
        else:
            out.append(text[pos:start] + "&lt;")
            pos = start + 1
    out.append(text[pos:])
    return "".join(out)


def _prose(text: str, allow_raw_html: bool) -> str:
    """Text outside code: links checked; raw HTML escaped unless allowed."""
    text = _links(text)
    if allow_raw_html:
        return _AUTOLINK.sub(
            lambda m: m.group(0) if link_target_is_safe(m.group(1)) else "&lt;" + m.group(0)[1:],
            text,
        )
    parts: list[str] = []
    pos = 0
    for m in _MATH.finditer(text):
        parts.append(_html(text[pos : m.start()]))
        # inside math a "<" is a relation: TeX's \lt reads the same and opens no tag
        parts.append(_TAG_OPEN.sub(r"\\lt ", m.group(0)))
        pos = m.end()
    parts.append(_html(text[pos:]))
    return "".join(parts)


def _code_spans(text: str) -> Iterator[tuple[bool, str]]:
    """``(is_code, piece)`` for one stretch of text outside fenced blocks.

    A run of backticks that nothing closes is escaped (``\\```), so that it cannot pair with
    a backtick of the next block once blocks are joined, and turn that block's code into prose.
    """
    pos = 0
    search = 0
    while True:
        opener = _BACKTICKS.search(text, search)
        if opener is None:
            break
        start = opener.start()
        if _escaped(text, start):  # "\`" is a literal backtick; the run starts one later
            start += 1
        ticks = text[start : opener.end()]
        closer = next(
            (c for c in _BACKTICKS.finditer(text, opener.end()) if c.group(0) == ticks), None
        )
        if not ticks or closer is None:
            yield False, text[pos:start]
            yield True, "".join("\\`" for _ in ticks)
            pos = search = opener.end()
            continue
        yield False, text[pos:start]
        yield True, text[start : closer.end()]
        pos = search = closer.end()
    yield False, text[pos:]


def _escaped(text: str, index: int) -> bool:
    """True where ``text[index]`` follows an odd number of backslashes."""
    n = 0
    while index - n - 1 >= 0 and text[index - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _fenced(text: str) -> Iterator[tuple[bool, str]]:
    """``(is_code, piece)``: fenced code blocks apart from the rest (an unclosed fence runs to
    the end, as CommonMark reads it)."""
    fence: str | None = None
    prose: list[str] = []
    code: list[str] = []
    for line in text.splitlines(keepends=True):
        m = _FENCE.match(line)
        if fence is None and m is not None:
            if prose:
                yield False, "".join(prose)
                prose = []
            fence = m.group(1)
            code = [line]
        elif fence is not None:
            code.append(line)
            closes = m is not None and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closes and m is not None and not line[m.end() :].strip():
                yield True, "".join(code)
                fence, code = None, []
        else:
            prose.append(line)
    if code:  # closed here, so that it cannot swallow (or be closed by) the next block
        end = "" if code[-1].endswith("\n") else "\n"
        yield True, "".join(code) + f"{end}{fence}\n"
    if prose:
        yield False, "".join(prose)


def safe_markdown(text: str, *, allow_raw_html: bool = False) -> str:
    """``text`` with raw HTML escaped and unsafe link and image targets defused (see above)."""
    if not any(c in text for c in "<[]`~\\"):
        return text
    out: list[str] = []
    for is_fence, block in _fenced(text):
        if is_fence:
            out.append(block)
            continue
        for is_code, piece in _code_spans(block):
            out.append(piece if is_code else _prose(piece, allow_raw_html))
    safe = "".join(out)
    if _escaped(safe + "x", len(safe)):  # a last backslash would escape the next block
        safe += "\\"
    return safe


def _safe_block(block: Block, allow_raw_html: bool) -> Block:
    text = safe_markdown(block.content.text, allow_raw_html=allow_raw_html)
    if text == block.content.text:
        return block
    return block.model_copy(update={"content": block.content.model_copy(update={"text": text})})


def _safe_page(page: Page, allow_raw_html: bool) -> Page:
    blocks = tuple(_safe_block(b, allow_raw_html) for b in page.blocks)
    return page.model_copy(update={"blocks": blocks})


def safe_document(doc: Document, *, allow_raw_html: bool = False) -> Document:
    """Every block's Markdown made safe (``content.orig`` keeps the text as read)."""
    return doc.model_copy(update={"pages": tuple(_safe_page(p, allow_raw_html) for p in doc.pages)})
