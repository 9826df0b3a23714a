"""Make sure no text is lost between a layout model's regions.

Layout models miss things: a line of text outside every region would vanish from the output.
:func:`cover_orphan_lines` adds a TEXT region for each cluster of such lines, and
:func:`cover_orphan_images` a FIGURE region for each picture the model did not see;
:func:`snap_to_lines` grows a region over the lines centred in it (a box that hugs the ink of
one short line holds too little of the line for the recogniser to read it).
"""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.model import BBox, Region, RegionKind
from pdf2md.source import PageView, TextLine

_CONTAINERS = (RegionKind.TABLE, RegionKind.FIGURE, RegionKind.EQUATION)


def _covered(line: TextLine, regions: Sequence[Region]) -> bool:
    return any(line.bbox.overlap_ratio(r.bbox) >= 0.5 for r in regions) or any(
        r.bbox.contains_point(*line.bbox.center) for r in regions
    )


def snap_to_lines(regions: list[Region], lines: Sequence[TextLine]) -> list[Region]:
    """Grow each text-like region over the lines centred in it that it holds less than half of.

    A model's box hugs the ink, while a text line's box spans the font's full height: around a
    short line (a heading of one word) the region can hold under half of the line, and the
    recogniser, which reads the lines mostly inside a region, would find nothing there.
    """
    boxes = [r.bbox for r in regions]
    out: list[Region] = []
    for region in regions:
        if region.kind in _CONTAINERS:
            out.append(region)
            continue
        grown = region.bbox
        for line in lines:
            box = line.bbox
            if (
                line.text.strip()
                and region.bbox.contains_point(*box.center)
                and box.overlap_ratio(region.bbox) < 0.5
                and not any(box.overlap_ratio(other) >= 0.5 for other in boxes)
            ):
                grown = grown.union(box)
        out.append(region if grown == region.bbox else region.model_copy(update={"bbox": grown}))
    return out


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


def is_backdrop(box: BBox, page: PageView) -> bool:
    """True for a picture or drawing behind the page rather than on it: one covering most of
    the page (a slide's or a form's background), or one with text printed over it."""
    if box.area > 0.8 * page.bbox.area:
        return True
    over = sum(line.bbox.intersect(box).area for line in page.lines if line.text.strip())
    return over > 0.2 * box.area


def cover_orphan_images(
    regions: list[Region], page: PageView, *, detector: str, min_ratio: float = 0.01
) -> list[Region]:
    """``regions`` plus a FIGURE region for each picture no region holds.

    Pictures smaller than ``min_ratio`` of the page (bullets, logos, rules) are left out, and
    so are backgrounds: pictures covering most of the page, or with text printed over them.
    """
    page_area = page.bbox.area
    extra: list[Region] = []
    for n, box in enumerate(page.image_boxes):
        box = box.clip(page.bbox)
        if box.area < min_ratio * page_area or is_backdrop(box, page):
            continue
        if any(box.overlap_ratio(r.bbox) >= 0.5 for r in [*regions, *extra]):
            continue
        extra.append(
            Region(
                id=f"p{page.page_index}-i{n}",
                kind=RegionKind.FIGURE,
                bbox=box,
                page_index=page.page_index,
                confidence=None,
                detector=f"{detector}+images",
            )
        )
    return regions + extra


def drop_nested(regions: list[Region]) -> list[Region]:
    """Remove regions that lie almost wholly inside a larger region of the same kind, and
    text-like regions inside tables, figures or equations (their text belongs to those)."""
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
                    and r.kind not in _CONTAINERS
                )
            ):
                absorbed = True
                break
        if not absorbed:
            keep.append(r)
    return keep
