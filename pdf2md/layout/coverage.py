"""Make sure no text is lost between a layout model's regions.

Layout models miss things: a line of text outside every region would vanish from the output.
:func:`cover_orphan_lines` adds a TEXT region for each cluster of such lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.model import BBox, Region, RegionKind
from pdf2md.source import TextLine


def _covered(line: TextLine, regions: Sequence[Region]) -> bool:
    return any(line.bbox.overlap_ratio(r.bbox) >= 0.5 for r in regions) or any(
        r.bbox.contains_point(*line.bbox.center) for r in regions
    )


def cover_orphan_lines(
    regions: list[Region], lines: Sequence[TextLine], *, page_index: int, detector: str
) -> list[Region]:
    """``regions`` plus TEXT regions for lines that no region holds (grouped by text block)."""
    orphans: dict[int, list[BBox]] = {}
    for line in lines:
        if not line.text.strip() or _covered(line, regions):
            continue
        orphans.setdefault(line.block_index, []).append(line.bbox)
    extra = [
        Region(
            id=f"p{page_index}-o{block}",
            kind=RegionKind.TEXT,
            bbox=BBox.enclosing(boxes),
            page_index=page_index,
            confidence=None,
            detector=f"{detector}+orphans",
        )
        for block, boxes in orphans.items()
    ]
    return regions + extra


def drop_nested(regions: list[Region]) -> list[Region]:
    """Remove regions that lie almost wholly inside a larger region of the same kind, and
    text-like regions inside tables, figures or equations (their text belongs to those)."""
    containers = (RegionKind.TABLE, RegionKind.FIGURE, RegionKind.EQUATION)
    keep: list[Region] = []
    for r in regions:
        absorbed = False
        for other in regions:
            if other is r or other.bbox.area <= r.bbox.area:
                continue
            inside = r.bbox.overlap_ratio(other.bbox) >= 0.9
            if inside and (
                other.kind == r.kind
                or (
                    other.kind in (RegionKind.TABLE, RegionKind.EQUATION)
                    and r.kind not in containers
                )
            ):
                absorbed = True
                break
        if not absorbed:
            keep.append(r)
    return keep
