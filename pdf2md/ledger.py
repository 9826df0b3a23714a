"""The word ledger: every source word of a page is in the output once, or removed for a reason.

Two steps, because the page's source is gone by the time the document is assembled:

1. :func:`page_source` (while the page is open, right after recognition) collects the page's
   source words: the trusted text layer's, or the OCR words of a page that was OCR'd, and
   sets aside those inside a region kept as a picture (``figure``) and lines drawn twice on
   the same spot (``overlay``).
2. :func:`with_ledgers` (after the document stage) compares them with the words of the
   page's Markdown and the text the document stage removed (``Page.removed``, e.g. furniture),
   and stores a :class:`~pdf2md.model.WordLedger` on every page.

The comparison is a multiset compare of normalised words (NFKC, case-folded, letters and digits
only, CJK one character per word). What the exact compare leaves over on both sides is then
matched by characters, so a word rejoined across a line end (``exam-``/``ple``), respaced, or
rewritten as LaTeX (``α`` -> ``$\\alpha$``) still counts as kept, while a word that is simply
missing, or printed twice, does not.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pdf2md.math.symbols import FUNCTIONS, font_style, unicode_table
from pdf2md.model import (
    Block,
    Document,
    LedgerSource,
    LedgerTotals,
    Page,
    Region,
    RegionKind,
    WordLedger,
)
from pdf2md.ocr.pages import cached_ocr_page
from pdf2md.render.markdown import render_block
from pdf2md.source import PageView, TextLine

_SAMPLE = 20
_MARGIN_SHARE = 0.12
_SEPARATORS = {"break": "\n\n", "line": "\n", "space": " ", "direct": ""}
_SPLIT_RE = re.compile(r"[\s|]+")
_LINE_HYPHEN_RE = re.compile(r"(\w)[-\u00ad\u2010\u2011]\s*\n\s*(?=\w)")
_FENCE_RE = re.compile(r"^\s*(?:```|~~~)[^\n]*$", re.MULTILINE)
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_TAG_RE = re.compile(r"</?[A-Za-z][^>\n]*>|<!--.*?-->", re.DOTALL)
_MATH_RE = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_COMMAND_RE = re.compile(r"\\([A-Za-z]+|.)")
_TEXT_COMMANDS = frozenset({"text", "textrm", "textit", "textbf", "mathrm", "operatorname"})


@dataclass(frozen=True)
class PageSource:
    """The source words of one page, collected while it was open.

    Attributes:
        source: where the words came from (``none``: nothing to account for).
        words: every source word, normalised (a multiset).
        removed: words set aside on purpose before the document stage, by reason.
    """

    source: LedgerSource
    words: Counter[str] = field(default_factory=Counter)
    removed: dict[str, Counter[str]] = field(default_factory=dict)


def normal_words(text: str) -> list[str]:
    """The words of plain text as the ledger counts them.

    Example:
        >>> normal_words("Well-known ﬁnal WORDS, 日本")
        ['wellknown', 'final', 'words', '日', '本']
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u0131", "i")
    # accents folded: TeX sets "Neuchˆatel" with a spacing accent the output recombines
    text = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text)
        if unicodedata.category(ch) not in ("Mn", "Lm", "Sk")
    )
    out: list[str] = []
    for raw in _SPLIT_RE.split(text):
        token = "".join(ch for ch in raw if ch.isalnum())
        if not token:
            continue
        if not any(_is_cjk(ch) for ch in token):
            out.append(token)
            continue
        run = ""
        for ch in token:
            if _is_cjk(ch):
                if run:
                    out.append(run)
                out.append(ch)
                run = ""
            else:
                run += ch
        if run:
            out.append(run)
    return out


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
    )


def _source_lines_words(lines: Iterable[str]) -> list[str]:
    """Words of source lines in stream order, a word hyphenated at a line end rejoined."""
    return normal_words(_LINE_HYPHEN_RE.sub(r"\1", "\n".join(lines)))


def _latex_reverse() -> dict[str, str]:
    return {latex: char for char, latex in unicode_table().items() if latex.startswith("\\")}


def _delatex(formula: str) -> str:
    """A formula's glyphs as plain text: ``\\alpha_{i}`` -> ``α_{i}``; layout commands dropped."""
    reverse = _latex_reverse()

    def glyph(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _TEXT_COMMANDS or not name.isalpha():
            return " " if name in (",", ";", "!", " ", "quad") else ""
        if name in FUNCTIONS:
            return " " + name + " "
        return reverse.get("\\" + name, " ")

    return _COMMAND_RE.sub(glyph, formula)


def markdown_words(markdown: str) -> list[str]:
    """The words a reader sees in Markdown: syntax, link targets, images and tags left out,
    formulas read as their glyphs."""
    text = _FENCE_RE.sub(" ", markdown)
    text = _IMAGE_RE.sub(" ", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub(" ", text)
    text = _MATH_RE.sub(lambda m: " " + _delatex(m.group(1) or m.group(2)) + " ", text)
    return normal_words(html.unescape(text))


def page_source(
    view: PageView, text_layer_ok: bool, regions: Sequence[Region], blocks: Sequence[Block]
) -> PageSource:
    """Collect one page's source words (call while the page is open, after recognition).

    Words inside a figure region (labels of a chart, text in a photo), or inside any region
    kept as an image, are the picture's, not the body's: set aside as ``figure``, whether or
    not an image file was written for it.

    Args:
        view: the open page.
        text_layer_ok: whether the page's text layer was trusted (else its OCR words count).
        regions: the page's layout regions.
        blocks: the page's recognised blocks (before the document stage).
    """
    pictures = [r.bbox for r in regions if r.kind == RegionKind.FIGURE]
    pictures += [b.region.bbox for b in blocks if b.content.method == "image"]
    if not text_layer_ok:
        return _ocr_source(view)
    kept: list[str] = []
    figure: list[str] = []
    overlay: list[str] = []
    stamps: list[str] = []
    seen: set[tuple[str, int, int, int, int]] = set()
    for line in view.lines:
        box = line.bbox
        text = _line_text(line)
        key = (text.strip(), round(box.x0), round(box.y0), round(box.x1), round(box.y1))
        if key in seen:
            overlay.append(text)
            continue
        seen.add(key)
        if any(p.contains_point(*box.center) for p in pictures):
            figure.append(text)
        elif _is_margin_stamp(line, view, regions):
            stamps.append(text)
        else:
            kept.append(text)
    removed = {"figure": Counter(normal_words(" ".join(figure)))}
    removed["overlay"] = Counter(normal_words(" ".join(overlay)))
    removed["furniture"] = Counter(normal_words(" ".join(stamps)))
    words = Counter(_source_lines_words(kept))
    for extra in removed.values():
        words += extra
    return PageSource("text-layer", words, {k: v for k, v in removed.items() if v})


def _line_text(line: TextLine) -> str:
    """The line's text without glyphs of TeX's extension font (CMEX): pdfTeX writes them as
    raw byte codes (``P`` for a big sum, ``b`` for a wide hat), pieces of a formula, not
    letters."""
    if len(line.spans) == 1 and font_style(line.spans[0].font) != "cmex":
        return line.text
    return "".join(s.text for s in line.spans if font_style(s.font) != "cmex")


def _is_margin_stamp(line: TextLine, view: PageView, regions: Sequence[Region]) -> bool:
    """A line set sideways in the left or right margin, outside every layout region: a
    margin stamp (arXiv's identifier, a "downloaded by" line), which the layout leaves out."""
    if line.is_horizontal:
        return False
    x, y = line.bbox.center
    if any(r.bbox.contains_point(x, y) for r in regions):
        return False
    margin = _MARGIN_SHARE * view.width_pt
    return line.bbox.x1 <= margin or line.bbox.x0 >= view.width_pt - margin


def _ocr_source(view: PageView) -> PageSource:
    """The words of the page's OCR pass, where one ran (else nothing to account for)."""
    ocr = cached_ocr_page(view)
    if ocr is None:
        return PageSource("none")
    words = Counter(normal_words(" ".join(w.text for w in ocr.words)))
    return PageSource("ocr", words)


def page_markdown(page: Page) -> str:
    """The page's blocks as the Markdown writer joins them."""
    parts: list[str] = []
    for block in page.blocks:
        text = render_block(block)
        if not text.strip():
            continue
        if parts:
            parts.append(_SEPARATORS.get(block.joins, "\n\n"))
        parts.append(text)
    return "".join(parts)


def word_ledger(source: PageSource, page: Page) -> WordLedger:
    """Compare a page's source words with its output and its recorded removals."""
    emitted = Counter(markdown_words(page_markdown(page)))
    removed = {reason: Counter(c) for reason, c in source.removed.items()}
    for item in (*page.removed, *(r for b in page.blocks for r in b.content.removed)):
        removed.setdefault(item.reason, Counter()).update(markdown_words(item.text))
    if source.source == "none":
        return WordLedger(source="none", emitted=sum(emitted.values()))
    left = Counter(source.words) - emitted
    for reason, words in removed.items():  # what the output holds needs no excuse
        taken = words & left
        left -= taken
        removed[reason] = taken
    extra = emitted - Counter(source.words)
    lost = _unmatched(left, extra)
    over = _unmatched(extra, left)
    duplicated = Counter({w: n for w, n in over.items() if w in source.words})
    return WordLedger(
        source=source.source,
        words_in=sum(source.words.values()),
        emitted=sum(emitted.values()),
        removed={r: n for r, c in removed.items() if (n := sum(c.values()))},
        lost=sum(lost.values()),
        duplicated=sum(duplicated.values()),
        added=sum(over.values()) - sum(duplicated.values()),
        lost_words=_sample(lost),
        duplicated_words=_sample(duplicated),
    )


def _unmatched(words: Counter[str], other: Counter[str]) -> Counter[str]:
    """The words whose characters the other side's left-over words do not hold (each
    character used once): a respaced, rejoined or re-encoded word is matched, a missing one
    is not."""
    pool: Counter[str] = Counter()
    for word, n in other.items():
        for ch, k in Counter(word).items():
            pool[ch] += k * n
    out: Counter[str] = Counter()
    for word in sorted(words, key=lambda w: (-len(w), w)):
        need = Counter(word)
        for _ in range(words[word]):
            if all(pool[ch] >= k for ch, k in need.items()):
                pool.subtract(need)
            else:
                out[word] += 1
    return out


def _sample(words: Counter[str]) -> tuple[str, ...]:
    return tuple(w for w, _n in words.most_common(_SAMPLE))


def with_ledgers(doc: Document, sources: Mapping[int, PageSource]) -> Document:
    """The document with a word ledger on every page that has a source."""
    pages = tuple(
        p.model_copy(update={"ledger": word_ledger(sources[p.page_index], p)})
        if p.page_index in sources
        else p
        for p in doc.pages
    )
    return doc.model_copy(update={"pages": pages})


def ledger_totals(doc: Document) -> LedgerTotals:
    """The pages' ledgers added up."""
    ledgers = [p.ledger for p in doc.pages if p.ledger is not None and p.ledger.source != "none"]
    return LedgerTotals(
        pages=len(ledgers),
        words_in=sum(x.words_in for x in ledgers),
        emitted=sum(x.emitted for x in ledgers),
        removed=sum(sum(x.removed.values()) for x in ledgers),
        lost=sum(x.lost for x in ledgers),
        duplicated=sum(x.duplicated for x in ledgers),
    )
