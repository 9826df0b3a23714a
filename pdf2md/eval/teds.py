"""Tree edit distance (Zhang-Shasha) and TEDS, the tree-edit-distance similarity of tables.

TEDS (Zhong et al., "Image-based table recognition", 2020) compares two tables as trees
``table -> tr -> td``: inserting or deleting a node costs 1, renaming a node costs 1 unless both
are cells with the same row and column spans, in which case it costs the normalised Levenshtein
distance of their texts. ``TEDS = 1 - distance / max(nodes_a, nodes_b)``. We leave out
``thead``/``tbody`` so that a Markdown table and the same HTML table score 1.0.
The heading-tree score reuses the same distance over trees of headings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pdf2md.eval.normalize import normalize_text
from pdf2md.eval.tables import Table, table_rows


@dataclass
class TreeNode:
    """A node of an ordered labelled tree. ``label`` is compared by the rename cost function."""

    label: tuple[str, ...]
    children: list[TreeNode] = field(default_factory=list)

    def size(self) -> int:
        """Number of nodes in the subtree rooted here."""
        return 1 + sum(child.size() for child in self.children)


RenameCost = Callable[[tuple[str, ...], tuple[str, ...]], float]


def _postorder(root: TreeNode) -> tuple[list[tuple[str, ...]], list[int]]:
    """Labels in post-order and, for each node, the post-order index of its leftmost leaf."""
    labels: list[tuple[str, ...]] = []
    leftmost: list[int] = []

    def visit(node: TreeNode) -> int:
        first = -1
        for child in node.children:
            leaf = visit(child)
            if first < 0:
                first = leaf
        labels.append(node.label)
        leftmost.append(first if first >= 0 else len(labels) - 1)
        return leftmost[-1]

    visit(root)
    return labels, leftmost


def _keyroots(leftmost: list[int]) -> list[int]:
    last: dict[int, int] = {}
    for i, leaf in enumerate(leftmost):
        last[leaf] = i
    return sorted(last.values())


def tree_edit_distance(a: TreeNode, b: TreeNode, rename: RenameCost) -> float:
    """Ordered tree edit distance with unit insert/delete cost and the given rename cost."""
    la, ll_a = _postorder(a)
    lb, ll_b = _postorder(b)
    dist = [[0.0] * len(lb) for _ in range(len(la))]
    cost_cache: dict[tuple[int, int], float] = {}
    for i in _keyroots(ll_a):
        for j in _keyroots(ll_b):
            _forest_distance(i, j, (la, ll_a), (lb, ll_b), dist, rename, cost_cache)
    return dist[len(la) - 1][len(lb) - 1]


def _forest_distance(
    i: int,
    j: int,
    tree_a: tuple[list[tuple[str, ...]], list[int]],
    tree_b: tuple[list[tuple[str, ...]], list[int]],
    dist: list[list[float]],
    rename: RenameCost,
    cost_cache: dict[tuple[int, int], float],
) -> None:
    (la, ll_a), (lb, ll_b) = tree_a, tree_b
    ai, bj = ll_a[i], ll_b[j]
    rows, cols = i - ai + 2, j - bj + 2
    fd = [[0.0] * cols for _ in range(rows)]
    for x in range(1, rows):
        fd[x][0] = fd[x - 1][0] + 1
    for y in range(1, cols):
        fd[0][y] = fd[0][y - 1] + 1
    for x in range(1, rows):
        na = ai + x - 1
        for y in range(1, cols):
            nb = bj + y - 1
            if ll_a[na] == ai and ll_b[nb] == bj:
                key = (na, nb)
                if key not in cost_cache:
                    cost_cache[key] = rename(la[na], lb[nb])
                best = min(fd[x - 1][y] + 1, fd[x][y - 1] + 1, fd[x - 1][y - 1] + cost_cache[key])
                fd[x][y] = best
                dist[na][nb] = best
            else:
                px, py = ll_a[na] - ai, ll_b[nb] - bj
                fd[x][y] = min(fd[x - 1][y] + 1, fd[x][y - 1] + 1, fd[px][py] + dist[na][nb])


def text_distance(a: str, b: str) -> float:
    """Normalised Levenshtein distance in [0, 1] (0 = equal)."""
    if a == b:
        return 0.0
    return float(Levenshtein.normalized_distance(a, b))


def _cell_rename(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if a[0] != b[0] or a[1:3] != b[1:3]:
        return 1.0
    if a[0] != "td":
        return 0.0
    return text_distance(a[3], b[3])


def table_tree(table: Table, *, structure_only: bool = False) -> TreeNode:
    """The TEDS tree of a table: ``table -> tr -> td(rowspan, colspan, text)``."""
    root = TreeNode(("table", "", ""))
    for row in table_rows(table):
        tr = TreeNode(("tr", "", ""))
        for cell in row:
            text = "" if structure_only else normalize_text(cell.text)
            tr.children.append(TreeNode(("td", str(cell.rowspan), str(cell.colspan), text)))
        root.children.append(tr)
    return root


def teds(reference: Table, candidate: Table, *, structure_only: bool = False) -> float:
    """TEDS similarity in [0, 1] of two tables (1 = identical structure and text).

    ``structure_only=True`` gives TEDS-S (cell texts ignored).
    """
    ta = table_tree(reference, structure_only=structure_only)
    tb = table_tree(candidate, structure_only=structure_only)
    size = max(ta.size(), tb.size())
    return max(0.0, 1.0 - tree_edit_distance(ta, tb, _cell_rename) / size)
