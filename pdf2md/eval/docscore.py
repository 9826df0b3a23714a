"""Whole-document scores against a Markdown ground truth, and table TEDS against ICDAR tables.

* text similarity: ``1 - normalised Levenshtein distance`` of the plain texts (Markdown syntax
  stripped by the shared parser, then :func:`~pdf2md.eval.normalize.normalize_text`);
* heading tree: tree-edit-distance similarity of the trees of headings (a heading's children
  are the following headings of a deeper level); see :func:`heading_score`;
* table TEDS: each ground-truth table against its best-matching output table, averaged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pdf2md.eval.markdown import Heading, ParsedMarkdown, parse_markdown
from pdf2md.eval.normalize import normalize_text
from pdf2md.eval.tables import Cell, Table
from pdf2md.eval.teds import TreeNode, teds, text_distance, tree_edit_distance


@dataclass(frozen=True)
class DocScores:
    """Scores of one document; None where the ground truth has nothing to compare."""

    text_similarity: float
    heading_tree: float | None
    table_teds: float | None
    n_gt_headings: int = 0
    n_gt_tables: int = 0


def text_similarity(reference: str, candidate: str) -> float:
    """``1 - normalised edit distance`` of two normalised texts (1.0 = identical)."""
    return 1.0 - text_distance(normalize_text(reference), normalize_text(candidate))


def heading_tree(headings: Sequence[Heading]) -> TreeNode:
    """Nest headings by level under a root: ``# A, ## B, # C`` gives root(A(B), C)."""
    root = TreeNode(("root", "0", ""))
    stack: list[tuple[int, TreeNode]] = [(0, root)]
    for heading in headings:
        node = TreeNode(("h", str(heading.level), normalize_text(heading.text).lower()))
        while stack[-1][0] >= heading.level:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((heading.level, node))
    return root


def _heading_rename(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    # Renaming may cost up to 2 (a delete plus an insert), so that two unrelated headings score
    # as badly as a missing one plus an invented one.
    if a[0] != b[0]:
        return 2.0
    if a[0] == "root":
        return 0.0
    level_cost = 0.0 if a[1] == b[1] else 0.5
    return min(2.0, 2.0 * text_distance(a[2], b[2]) + level_cost)


def heading_score(reference: Sequence[Heading], candidate: Sequence[Heading]) -> float | None:
    """Similarity in [0, 1] of two heading trees; None when the reference has no headings.

    ``1 - distance / (headings in reference + headings in candidate)``, where the distance is the
    tree edit distance: deleting or inserting a heading costs 1, renaming costs twice the text
    distance plus 0.5 when the level differs (at most 2).
    """
    if not reference:
        return None
    ta, tb = heading_tree(reference), heading_tree(candidate)
    total = len(reference) + len(candidate)
    return max(0.0, 1.0 - tree_edit_distance(ta, tb, _heading_rename) / total)


def _cell_words(table: Table) -> set[str]:
    return {normalize_text(cell.text).lower() for cell in table.cells if cell.text.strip()}


def best_teds(
    reference: Table,
    candidates: Sequence[Table],
    *,
    shortlist: int = 3,
    structure_only: bool = False,
) -> float:
    """TEDS (or TEDS-S) of ``reference`` against its best candidate (0.0 when there is none).

    Full TEDS is computed only for the ``shortlist`` candidates sharing the most cell texts.
    """
    if not candidates:
        return 0.0
    ref_words = _cell_words(reference)

    def overlap(table: Table) -> float:
        words = _cell_words(table)
        return len(ref_words & words) / max(len(ref_words | words), 1)

    ranked = sorted(range(len(candidates)), key=lambda i: (-overlap(candidates[i]), i))
    return max(
        teds(reference, candidates[i], structure_only=structure_only) for i in ranked[:shortlist]
    )


def table_score(reference: Sequence[Table], candidate: Sequence[Table]) -> float | None:
    """Mean best TEDS over the reference tables; None when the reference has no tables."""
    if not reference:
        return None
    return sum(best_teds(table, candidate) for table in reference) / len(reference)


def read_truth(path: Path) -> ParsedMarkdown:
    """Parse a ground-truth file: Markdown through the shared parser, ``.txt`` as plain text."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".txt":
        return ParsedMarkdown(text=text)
    return parse_markdown(text)


def score_document(truth: ParsedMarkdown, output: ParsedMarkdown) -> DocScores:
    """All whole-document scores of one converter output against its ground truth."""
    return DocScores(
        text_similarity=text_similarity(truth.text, output.text),
        heading_tree=heading_score(truth.headings, output.headings),
        table_teds=table_score(truth.tables, output.tables),
        n_gt_headings=len(truth.headings),
        n_gt_tables=len(truth.tables),
    )


@dataclass(frozen=True)
class IcdarTable:
    """One ICDAR ground-truth table region on one page (0-based ``page_index``)."""

    table_id: str
    page_index: int
    table: Table


def load_icdar(path: Path) -> list[IcdarTable]:
    """The table regions of an ICDAR-2013 ground-truth JSON, one :class:`IcdarTable` each."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found: list[IcdarTable] = []
    for table in data.get("tables", []):
        for number, region in enumerate(table.get("regions", []), start=1):
            raw = region.get("cells", [])
            if not raw:
                continue
            top = min(int(c["start_row"]) for c in raw)
            left = min(int(c["start_col"]) for c in raw)
            cells = tuple(
                Cell(
                    row=int(c["start_row"]) - top,
                    col=int(c["start_col"]) - left,
                    text=str(c.get("content", "")),
                    rowspan=int(c["end_row"]) - int(c["start_row"]) + 1,
                    colspan=int(c["end_col"]) - int(c["start_col"]) + 1,
                )
                for c in raw
            )
            table_id = f"t{table.get('id')}r{number}"
            found.append(IcdarTable(table_id, int(region["page"]) - 1, Table(cells, source="gt")))
    return found
