"""Checks a model's answer before the pipeline uses it.

A VLM or OCR model can return nothing, loop on one phrase, write a table that does not parse,
or invent text that is not on the page. Each check here either passes or raises
:class:`AnswerRejected` with a one-line reason that the pipeline records. The word checks
compare the answer with a *reference*: the text layer's words inside the region, or OCR words
where the page has no trusted text layer.

Example:
    >>> find_repetition("a b c " * 3) is None
    True
    >>> find_repetition("all work and no play " * 20) is not None
    True
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]{0,200}>")
_LATEX_CMD = re.compile(r"\\[A-Za-z]+")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\[.*?\\\]|\\\(.*?\\\)", re.DOTALL)
_CHAR_LOOP = re.compile(r"(\w{1,10}?)\1{29,}")
# Arabic-script letters that PDFs and models write in interchangeable forms (Arabic vs Persian
# yeh and kaf), and the tatweel that stretches words without changing them.
_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0640": None})
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


class AnswerRejected(ValueError):
    """A model answer failed validation; ``str(exc)`` says why, in one line."""


def strip_fences(text: str) -> str:
    """The answer without a surrounding Markdown code fence (```html ... ```), stripped."""
    match = _FENCE.match(text)
    return (match.group(1) if match else text).strip()


def words(text: str) -> list[str]:
    """Comparable words: NFKC, case-folded, tags/LaTeX commands/math removed, 2+ characters."""
    text = _MATH.sub(" ", text)
    text = html.unescape(_TAG.sub(" ", text))
    text = _LATEX_CMD.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return [w for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


def reference_words(lines: Iterable[str]) -> list[str]:
    """Words of reference lines, plus end-of-line hyphenated pairs joined (``recog-nise``)."""
    out: list[str] = []
    previous = ""
    for line in lines:
        line_words = words(line)
        stripped = line.rstrip()
        if previous and line_words:
            out.append(previous + line_words[0])
        out.extend(line_words)
        previous = line_words[-1] if stripped.endswith(("-", "\u00ad")) and line_words else ""
    return out


def check_not_empty(text: str | None, *, what: str = "answer") -> str:
    """The stripped text, or a rejection where there is none."""
    if text is None or not text.strip():
        raise AnswerRejected(f"empty {what}")
    return text.strip()


def find_repetition(text: str) -> str | None:
    """Describe a repetition loop in ``text`` (a phrase or token repeated over and over), or None.

    A phrase of 2-40 words repeated 5+ times in a row (20+ words in all), a single non-numeric
    word 24+ times in a row, or a short run of characters 30+ times.
    """
    found = _CHAR_LOOP.search(text)
    if found:
        times = len(found.group(0)) // len(found.group(1))
        return f"characters {found.group(1)!r} repeated {times} times"
    seq = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    for period in range(1, min(40, len(seq) // 3) + 1):
        run = 0
        for i in range(len(seq) - period):
            if seq[i] != seq[i + period]:
                run = 0
                continue
            run += 1
            reps = (run + period) // period
            if _is_loop(period, reps, seq[i - period + 1 : i + 1]):
                phrase = " ".join(seq[i + 1 : i + 1 + period])
                return f"{phrase!r} repeated {reps}+ times"
    return None


def _is_loop(period: int, reps: int, unit: Sequence[str]) -> bool:
    # Runs of numbers or of short marks ("N/A", "x") are legitimate in tables; loops of words
    # are not.
    if (period == 1 and reps < 24) or (period > 1 and (reps < 5 or reps * period < 20)):
        return False
    return any(len(w) >= 3 and not w.isdigit() for w in unit)


def check_no_repetition(text: str) -> None:
    """Raise where ``text`` loops."""
    loop = find_repetition(text)
    if loop:
        raise AnswerRejected(f"repetition loop: {loop}")


@dataclass(frozen=True)
class Agreement:
    """How an answer's words agree with the reference words.

    ``precision``: share of answer words found in the reference (low: invented text).
    ``recall``: share of reference words found in the answer (low: text left out).
    ``longest_unmatched``: the longest run of consecutive answer words not in the reference.
    """

    precision: float
    recall: float
    longest_unmatched: tuple[str, ...] = field(default_factory=tuple)


def _matcher(reference: Sequence[str]) -> tuple[set[str], list[str]]:
    vocab = set(reference)
    choices = sorted(vocab)
    # Words run together ("unitedkingdom", a lost space or line break) still count as found.
    for n in (2, 3, 4):
        vocab.update("".join(reference[i : i + n]) for i in range(len(reference) - n + 1))
    return vocab, choices


def _found(word: str, vocab: set[str], choices: list[str]) -> bool:
    if word in vocab:
        return True
    if len(word) < 4:
        return False
    from rapidfuzz import fuzz, process

    return process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=80) is not None


def agreement(answer: Sequence[str], reference: Sequence[str]) -> Agreement:
    """Compare answer words with reference words (both from :func:`words`)."""
    if not answer:
        return Agreement(1.0 if not reference else 0.0, 0.0 if reference else 1.0)
    vocab, choices = _matcher(reference)
    hits = [_found(w, vocab, choices) for w in answer]
    longest: tuple[str, ...] = ()
    start = 0
    for i, hit in enumerate([*hits, True]):
        if hit:
            if i - start > len(longest):
                longest = tuple(answer[start:i])
            start = i + 1
    answer_vocab = set(answer)
    run_together = "".join(answer)  # reference words the answer wrote without spaces
    covered = sum(1 for w in reference if w in answer_vocab or (len(w) > 2 and w in run_together))
    recall = covered / len(reference) if reference else 1.0
    return Agreement(sum(hits) / len(hits), recall, longest)


@dataclass(frozen=True)
class WordPolicy:
    """Thresholds for :func:`check_words`."""

    min_precision: float = 0.85
    min_recall: float = 0.6
    max_unmatched_run: int = 8


def check_words(answer_text: str, reference: Sequence[str] | None, policy: WordPolicy) -> Agreement:
    """Reject an answer whose words disagree with the reference; skip where there is none.

    Raises:
        AnswerRejected: invented text (a long run of words not in the reference, or low
            precision) or too much of the reference missing (low recall).
    """
    if reference is None:
        return Agreement(1.0, 1.0)
    found = agreement(words(answer_text), reference)
    if len(found.longest_unmatched) > policy.max_unmatched_run:
        sample = " ".join(found.longest_unmatched[:12])
        raise AnswerRejected(
            f"invented text: {len(found.longest_unmatched)} words in a row not on the page "
            f"({sample!r})"
        )
    if found.precision < policy.min_precision:
        raise AnswerRejected(
            f"invented text: only {found.precision:.0%} of the answer's words are on the page"
        )
    if found.recall < policy.min_recall:
        raise AnswerRejected(
            f"incomplete: only {found.recall:.0%} of the page's words in the answer"
        )
    return found


@dataclass
class TableCell:
    """One cell of a parsed HTML table: its text and spans."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    is_header: bool = False


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[TableCell]]] = []
        self.depth = 0
        self.row: list[TableCell] | None = None
        self.cell: TableCell | None = None
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth > 1:
                self.problems.append("nested <table>")
            else:
                self.tables.append([])
        elif self.depth == 0:
            return
        elif tag == "tr":
            self._close_row()
            self.row = []
        elif tag in ("td", "th"):
            self._open_cell(tag, dict(attrs))
        elif tag == "br" and self.cell is not None:
            self.cell.text += " "

    def _open_cell(self, tag: str, attrs: dict[str, str | None]) -> None:
        self._close_cell()
        if self.row is None:
            self.problems.append(f"<{tag}> outside a row")
            self.row = []
        self.cell = TableCell(
            "", _span(attrs.get("colspan")), _span(attrs.get("rowspan")), tag == "th"
        )

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            if self.depth == 1:
                self._close_row()
            self.depth -= 1
        elif self.depth and tag == "tr":
            self._close_row()
        elif self.depth and tag in ("td", "th"):
            self._close_cell()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text += data

    def _close_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.cell.text = " ".join(self.cell.text.split())
            self.row.append(self.cell)
        self.cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self.row is not None and self.tables:
            self.tables[-1].append(self.row)
        self.row = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(100, int(value or 1)))
    except ValueError:
        return 1


def parse_html_table(answer: str) -> list[list[TableCell]]:
    """The rows of the one HTML table in ``answer``.

    Raises:
        AnswerRejected: no table, several tables, a nested or unclosed table, a cell outside
            a row, or a table with no text.
    """
    parser = _TableParser()
    parser.feed(strip_fences(answer))
    parser.close()
    if not parser.tables:
        raise AnswerRejected("malformed table: no <table> in the answer")
    if parser.depth:
        raise AnswerRejected("malformed table: unclosed <table>")
    if parser.problems:
        raise AnswerRejected(f"malformed table: {parser.problems[0]}")
    if len(parser.tables) > 1:
        raise AnswerRejected(f"malformed table: {len(parser.tables)} tables in one region")
    rows = [r for r in parser.tables[0] if r]
    if not rows or not any(c.text for r in rows for c in r):
        raise AnswerRejected("malformed table: no cells with text")
    return rows


def _expand(rows: Sequence[Sequence[TableCell]]) -> list[list[str]]:
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = cell.text if (dr, dc) == (0, 0) else ""
            c += cell.colspan
    n_rows = max(r for r, _ in grid) + 1
    n_cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]


def table_to_markdown(rows: Sequence[Sequence[TableCell]]) -> str:
    """A pipe table where no cell spans, else a clean HTML table (Markdown allows HTML).

    The first row is the header row of a pipe table.
    """
    if any(c.colspan > 1 or c.rowspan > 1 for r in rows for c in r):
        return _clean_html(rows)
    grid = _expand(rows)
    cells = [[t.replace("|", "\\|") for t in row] for row in grid]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(lines)


def _clean_html(rows: Sequence[Sequence[TableCell]]) -> str:
    out = ["<table>"]
    for row in rows:
        parts = []
        for cell in row:
            tag = "th" if cell.is_header else "td"
            span = "".join(
                f' {k}="{v}"'
                for k, v in (("colspan", cell.colspan), ("rowspan", cell.rowspan))
                if v > 1
            )
            parts.append(f"<{tag}{span}>{html.escape(cell.text, quote=False)}</{tag}>")
        out.append("<tr>" + "".join(parts) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def table_words(rows: Sequence[Sequence[TableCell]]) -> str:
    """All cell text, row by row, for word checks."""
    return "\n".join(" ".join(c.text for c in row) for row in rows)


def check_table_rows(rows: Sequence[Sequence[TableCell]], *, max_repeats: int = 5) -> None:
    """Reject a table whose model looped: the same non-empty row many times in a row.

    Word-level loop checks misfire on tables (a column of "Yes", a row of zeros), so tables
    are checked row by row instead.
    """
    run = 1
    for previous, row in itertools.pairwise(rows):
        texts = [c.text for c in row]
        run = run + 1 if texts == [c.text for c in previous] and any(texts) else 1
        if run >= max_repeats:
            raise AnswerRejected(
                f"repetition loop: row {' | '.join(texts)!r} repeated {run}+ times"
            )
