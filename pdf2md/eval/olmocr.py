"""Judge olmOCR-style tests against one page of Markdown.

Semantics follow olmOCR-bench's public description (see ``docs/eval.md``): text is normalised
(:func:`pdf2md.eval.normalize.normalize_text`) on both sides; ``present``/``absent`` use rapidfuzz
``partial_ratio`` against ``1 - max_diffs/len(text)``; ``order`` uses Levenshtein-bounded search;
``table`` looks at every pipe and HTML table with spans expanded; ``math`` compares KaTeX renders;
``baseline`` checks for text, runaway repetition and unexpected CJK/emoji.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from pdf2md.errors import BackendUnavailable
from pdf2md.eval.benchtests import BenchTest, Verdict
from pdf2md.eval.fuzzy import match_starts
from pdf2md.eval.katex import KatexRenderer, formula_contained, normalize_latex
from pdf2md.eval.markdown import ParsedMarkdown
from pdf2md.eval.normalize import normalize_text
from pdf2md.eval.olmocr_tables import judge_table


def _verdict(
    test: BenchTest, passed: bool, why: str = "", *, expected: str = "", closest: str = ""
) -> Verdict:
    if passed:
        return Verdict(test.id, test.type, True)
    return Verdict(test.id, test.type, False, why, expected, closest)


def closest_window(needle: str, haystack: str) -> str:
    """The part of ``haystack`` most like ``needle`` (fuzzy: rapidfuzz's best partial alignment).

    Example:
        >>> closest_window("quick brown", "the quack brown fox")
        'quack brown'
    """
    if not needle or not haystack:
        return ""
    if len(haystack) <= len(needle):
        return haystack
    best = fuzz.partial_ratio_alignment(needle, haystack)
    if best is None:
        return ""
    return haystack[best.dest_start : best.dest_end]


def _window(test: BenchTest, text: str) -> str:
    if test.first_n:
        text = text[: test.first_n]
    if test.last_n:
        text = text[-test.last_n :]
    return text


def similarity(needle: str, haystack: str) -> float:
    """Best fuzzy-substring similarity in [0, 1] of ``needle`` inside ``haystack``.

    When the haystack is shorter than the needle, plain ``ratio`` is used, so that a short
    output cannot "contain" a long test string.
    """
    if not needle:
        return 1.0
    if needle in haystack:
        return 1.0
    if len(haystack) < len(needle):
        return float(fuzz.ratio(needle, haystack)) / 100.0
    return float(fuzz.partial_ratio(needle, haystack)) / 100.0


def judge_text(test: BenchTest, page_text: str) -> Verdict:
    """A ``present`` or ``absent`` test."""
    needle = normalize_text(test.text or "")
    hay = _window(test, page_text)
    if not test.case_sensitive:
        needle, hay = needle.lower(), hay.lower()
    threshold = 1.0 - test.max_diffs / max(len(needle), 1)
    score = similarity(needle, hay)
    failed = (score >= threshold) != (test.type == "present")
    closest = closest_window(needle, hay) if failed else ""
    if test.type == "present":
        why = f"best match {score:.2f} < {threshold:.2f}"
        return _verdict(test, score >= threshold, why, expected=needle, closest=closest)
    why = f"found (match {score:.2f} >= {threshold:.2f})"
    return _verdict(test, score < threshold, why, expected=needle, closest=closest)


def judge_order(test: BenchTest, page_text: str) -> Verdict:
    """An ``order`` test: some match of ``before`` starts before some match of ``after``."""
    before = normalize_text(test.before or "")
    after = normalize_text(test.after or "")
    starts_before = match_starts(before, page_text, test.max_diffs)
    starts_after = match_starts(after, page_text, test.max_diffs)
    if not starts_before:
        closest = closest_window(before, page_text)
        return _verdict(test, False, "'before' text not found", expected=before, closest=closest)
    if not starts_after:
        closest = closest_window(after, page_text)
        return _verdict(test, False, "'after' text not found", expected=after, closest=closest)
    passed = min(starts_before) < max(starts_after)
    found = page_text[max(starts_after) : max(starts_after) + len(after)]
    return _verdict(
        test, passed, "'after' text comes first", expected=f"{before} ... {after}", closest=found
    )


def judge_math(test: BenchTest, parsed: ParsedMarkdown, renderer: KatexRenderer) -> Verdict:
    """A ``math`` test: some math span of the page renders to (or contains) the formula."""
    reference = test.math or ""
    spans = [span.latex for span in parsed.math]
    if not spans:
        return _verdict(test, False, "no math spans in the output")
    if any(normalize_latex(span) == normalize_latex(reference) for span in spans):
        return _verdict(test, True)
    try:
        # display mode, as olmOCR-bench renders (see formula_contained)
        renderer.render_many([(reference, True)] + [(span, True) for span in spans])
        if renderer.render_many([(reference, True)])[0] is None:
            return _verdict(test, False, "KaTeX cannot render the reference formula")
        passed = any(formula_contained(reference, span, renderer) for span in spans)
    except BackendUnavailable as err:
        return _verdict(test, False, f"no exact match, and {err}")
    return _verdict(test, passed, f"no matching formula among {len(spans)} math spans")


_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x1F300, 0x1FAFF),
)


def _disallowed(text: str) -> str | None:
    for ch in text:
        code = ord(ch)
        if any(lo <= code <= hi for lo, hi in _CJK_RANGES):
            return ch
    return None


def trailing_repeats(words: Sequence[str], max_n: int = 5) -> int:
    """How often the most repeated final n-gram (n <= max_n) repeats back to back at the end."""
    best = 0
    for n in range(1, max_n + 1):
        if len(words) < n:
            break
        gram = list(words[-n:])
        count, end = 0, len(words)
        while end - n >= 0 and list(words[end - n : end]) == gram:
            count += 1
            end -= n
        best = max(best, count)
    return best


def judge_baseline(test: BenchTest, page_text: str) -> Verdict:
    """A ``baseline`` test (or, with ``max_length``, a blank-page test)."""
    alnum = sum(ch.isalnum() for ch in page_text)
    if test.max_length is not None:
        passed = alnum <= test.max_length
        return _verdict(test, passed, f"{alnum} alphanumeric characters > {test.max_length}")
    if alnum == 0:
        return _verdict(test, False, "no alphanumeric text")
    repeats = trailing_repeats(page_text.split())
    if repeats > test.max_repeats:
        return _verdict(test, False, f"runaway repetition ({repeats} repeats at the end)")
    if test.check_disallowed_characters:
        bad = _disallowed(page_text)
        if bad is not None:
            return _verdict(test, False, f"unexpected character {bad!r} (U+{ord(bad):04X})")
    return _verdict(test, True)


def judge(test: BenchTest, parsed: ParsedMarkdown | None, renderer: KatexRenderer) -> Verdict:
    """Judge one test against a parsed page (None means the page could not be converted)."""
    if parsed is None:
        return _verdict(test, False, "no output (conversion failed)")
    page_text = normalize_text(parsed.text)
    if test.type in ("present", "absent"):
        return judge_text(test, page_text)
    if test.type == "order":
        return judge_order(test, page_text)
    if test.type == "table":
        return judge_table(test, parsed.tables)
    if test.type == "math":
        return judge_math(test, parsed, renderer)
    return judge_baseline(test, parsed.text)
