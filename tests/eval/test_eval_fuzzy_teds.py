"""Approximate search and tree edit distance, against brute force and hand-made cases."""

from __future__ import annotations

import itertools

from rapidfuzz.distance import Levenshtein

from pdf2md.eval.fuzzy import match_ends, match_starts
from pdf2md.eval.tables import Cell, Table
from pdf2md.eval.teds import TreeNode, teds, tree_edit_distance


def _brute(pattern: str, text: str, k: int) -> tuple[set[int], set[int]]:
    pairs = [
        (s, e)
        for s in range(len(text) + 1)
        for e in range(s, len(text) + 1)
        if Levenshtein.distance(pattern, text[s:e]) <= k
    ]
    return {e for _, e in pairs}, {s for s, _ in pairs}


def test_match_positions_equal_brute_force() -> None:
    texts = ["", "ab", "xxabcxx", "abacab cab", "cab cba abc"]
    for pattern, text, k in itertools.product(["abc", "ca b", "a"], texts, [0, 1, 2]):
        ends, starts = _brute(pattern, text, k)
        assert set(match_ends(pattern, text, k)) == ends - {0}, (pattern, text, k)
        assert set(match_starts(pattern, text, k)) == starts - {len(text)}, (pattern, text, k)


def test_match_none_when_too_far() -> None:
    assert match_starts("hello", "help me", 1) == []
    assert match_starts("hello", "hallo there", 1) == [0]


def _grid(rows: list[list[str]]) -> Table:
    return Table(tuple(Cell(r, c, t) for r, row in enumerate(rows) for c, t in enumerate(row)))


def test_ted_known_values() -> None:
    a = TreeNode(
        ("f",),
        [
            TreeNode(("d",), [TreeNode(("a",)), TreeNode(("c",), [TreeNode(("b",))])]),
            TreeNode(("e",)),
        ],
    )
    b = TreeNode(
        ("f",),
        [
            TreeNode(("c",), [TreeNode(("d",), [TreeNode(("a",)), TreeNode(("b",))])]),
            TreeNode(("e",)),
        ],
    )

    def rename(x: tuple[str, ...], y: tuple[str, ...]) -> float:
        return 0.0 if x == y else 1.0

    # The classic Zhang-Shasha example: distance 2.
    assert tree_edit_distance(a, b, rename) == 2
    assert tree_edit_distance(a, a, rename) == 0


def test_teds_identical_and_text_change() -> None:
    table = _grid([["a", "b"], ["c", "d"]])
    assert teds(table, table) == 1.0
    changed = _grid([["a", "b"], ["c", "x"]])
    assert teds(table, changed) == 1 - 1 / 7


def test_teds_reordered_columns_score_lower() -> None:
    table = _grid([["name", "age"], ["ann", "31"], ["bob", "42"]])
    swapped = _grid([["age", "name"], ["31", "ann"], ["42", "bob"]])
    assert teds(table, swapped) < 0.6
    assert teds(table, swapped, structure_only=True) == 1.0


def test_teds_merged_cells_differ_in_structure() -> None:
    merged = Table((Cell(0, 0, "Top", colspan=2), Cell(1, 0, "a"), Cell(1, 1, "b")))
    split = _grid([["Top", ""], ["a", "b"]])
    assert teds(merged, merged) == 1.0
    assert teds(merged, split, structure_only=True) < 1.0
