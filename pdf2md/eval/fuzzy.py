"""Approximate substring search: where can a pattern occur in a text with at most k edits?

Myers' bit-vector algorithm (J. ACM 1999) with Python integers as bit vectors: one pass over the
text, O(len(text)) big-integer operations per pattern. Used by the ``order`` test, whose semantics
are "some approximate match of ``before`` starts before some approximate match of ``after``".
"""

from __future__ import annotations


def match_ends(pattern: str, text: str, max_edits: int) -> list[int]:
    """End offsets (exclusive) of every substring of ``text`` within ``max_edits`` of ``pattern``.

    Args:
        pattern: the string searched for; an empty pattern matches everywhere.
        text: the string searched in.
        max_edits: the largest Levenshtein distance accepted (insertions, deletions, substitutions).

    Returns:
        Sorted offsets ``e`` such that some ``text[s:e]`` is within ``max_edits`` of ``pattern``.

    Example:
        >>> match_ends("abc", "xxabdxx", 1)
        [4, 5]
    """
    m = len(pattern)
    if m == 0:
        return list(range(len(text) + 1))
    if max_edits <= 0:
        return [start + m for start in _exact_starts(pattern, text)]
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    ends: list[int] = []
    for j, ch in enumerate(text):
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        # Search mode: a match may start anywhere, so no carry-in bit after the shift.
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        if score <= max_edits:
            ends.append(j + 1)
    return ends


def match_starts(pattern: str, text: str, max_edits: int) -> list[int]:
    """Start offsets of every approximate match (the end offsets of the reversed search)."""
    if max_edits <= 0:
        return _exact_starts(pattern, text)
    n = len(text)
    return sorted(n - end for end in match_ends(pattern[::-1], text[::-1], max_edits))


def _exact_starts(pattern: str, text: str) -> list[int]:
    starts: list[int] = []
    pos = text.find(pattern)
    while pos >= 0:
        starts.append(pos)
        pos = text.find(pattern, pos + 1)
    return starts
