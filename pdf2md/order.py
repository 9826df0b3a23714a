"""Reading order of the regions of one page.

The algorithm is a recursive XY-cut that knows about columns:

1. Page headers first, footnotes and page footers last; the body in between.
2. The body is cut into horizontal *bands* at every vertical gap that no region crosses.
3. Consecutive bands are merged into one *group* while they share a column gutter: an x-range
   that none of their regions crosses. A region that spans the gutter (a title, an abstract, a
   wide figure or table) ends the group and stands as its own band.
4. A group with a gutter is read column by column (left to right), each column recursively;
   a group without one is read top to bottom.

This keeps two- and three-column papers in column order even where paragraph gaps happen to line
up across columns (which a plain XY-cut that prefers horizontal cuts gets wrong), and puts
spanning titles, figures and tables between the column runs they separate.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.model import BBox, Region, RegionKind

_FIRST = (RegionKind.PAGE_HEADER,)
_LAST = (RegionKind.FOOTNOTE, RegionKind.PAGE_FOOTER)
_MIN_GUTTER_PT = 4.0
_ALIGN_PT = 6.0


def order_regions(regions: Sequence[Region], page_width_pt: float) -> list[Region]:
    """Regions in reading order, each with ``order`` set (0 first) and ``id`` left as it is.

    Example:
        Two columns, each with two paragraphs: left column first.
    """
    head = sorted((r for r in regions if r.kind in _FIRST), key=_yx)
    tail_notes = sorted((r for r in regions if r.kind == RegionKind.FOOTNOTE), key=_yx)
    tail_foot = sorted((r for r in regions if r.kind == RegionKind.PAGE_FOOTER), key=_yx)
    body = [r for r in regions if r.kind not in _FIRST and r.kind not in _LAST]
    ordered = head + _xy_order(body) + tail_notes + tail_foot
    return [r.model_copy(update={"order": i}) for i, r in enumerate(ordered)]


def _yx(region: Region) -> tuple[float, float]:
    return (region.bbox.y0, region.bbox.x0)


def _bands(regions: list[Region]) -> list[list[Region]]:
    """Split into horizontal bands at y-gaps no region crosses (top to bottom)."""
    items = sorted(regions, key=lambda r: r.bbox.y0)
    bands: list[list[Region]] = []
    bottom = float("-inf")
    for r in items:
        # a small tolerance: boxes that overlap by a hair still count as separate
        if bands and r.bbox.y0 < bottom - 1.0:
            bands[-1].append(r)
            bottom = max(bottom, r.bbox.y1)
        else:
            bands.append([r])
            bottom = r.bbox.y1
    return bands


def _free_intervals(regions: Sequence[Region], x0: float, x1: float) -> list[tuple[float, float]]:
    """X-ranges inside (x0, x1) that no region covers."""
    spans = sorted((r.bbox.x0, r.bbox.x1) for r in regions)
    free: list[tuple[float, float]] = []
    cursor = x0
    for a, b in spans:
        if a > cursor:
            free.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < x1:
        free.append((cursor, x1))
    return free


def _intersect_intervals(
    a: list[tuple[float, float]], b: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo > 0:
                out.append((lo, hi))
    return out


def _inner_gutters(
    free: list[tuple[float, float]], x0: float, x1: float
) -> list[tuple[float, float]]:
    """Free intervals strictly inside the content (not the margins) and wide enough."""
    return [(a, b) for a, b in free if a > x0 + 1 and b < x1 - 1 and b - a >= _MIN_GUTTER_PT]


def _group_bands(bands: list[list[Region]]) -> list[list[Region]]:
    """Merge consecutive bands that share a column gutter."""
    everything = [r for band in bands for r in band]
    x0 = min(r.bbox.x0 for r in everything)
    x1 = max(r.bbox.x1 for r in everything)
    groups: list[list[Region]] = []
    gutters: list[tuple[float, float]] = []
    for band in bands:
        band_free = _inner_gutters(_free_intervals(band, x0, x1), x0, x1)
        if groups and gutters:
            shared = _intersect_intervals(gutters, band_free)
            shared = [(a, b) for a, b in shared if b - a >= _MIN_GUTTER_PT]
            if not shared and _within_columns(band, groups[-1], gutters):
                # a band that lies in one column only (a heading in the other column's
                # paragraph gap) has no inner gutter of its own, yet keeps the group's
                shared = gutters
            if shared:
                groups[-1].extend(band)
                gutters = shared
                continue
        groups.append(list(band))
        gutters = band_free
    return groups


def _within_columns(
    band: list[Region], group: list[Region], gutters: list[tuple[float, float]]
) -> bool:
    """True where no region of ``band`` crosses a gutter of ``group`` and each starts where
    some region of ``group`` on the same side of the gutters starts (the column's left edge)."""
    cuts = [(a + b) / 2 for a, b in gutters]

    def side(box: BBox) -> int:
        return sum(1 for c in cuts if box.center[0] > c)

    for r in band:
        if any(r.bbox.x0 < b and r.bbox.x1 > a for a, b in gutters):
            return False
        if not any(
            side(g.bbox) == side(r.bbox) and abs(g.bbox.x0 - r.bbox.x0) <= _ALIGN_PT for g in group
        ):
            return False
    return True


def _split_columns(group: list[Region]) -> list[list[Region]] | None:
    """Columns of a group, left to right, or ``None`` where no gutter divides it."""
    x0 = min(r.bbox.x0 for r in group)
    x1 = max(r.bbox.x1 for r in group)
    gutters = _inner_gutters(_free_intervals(group, x0, x1), x0, x1)
    if not gutters:
        return None
    cuts = [(a + b) / 2 for a, b in gutters]
    columns: list[list[Region]] = [[] for _ in range(len(cuts) + 1)]
    for r in group:
        cx = r.bbox.center[0]
        index = sum(1 for c in cuts if cx > c)
        columns[index].append(r)
    return [c for c in columns if c]


def _xy_order(regions: list[Region], depth: int = 0) -> list[Region]:
    if len(regions) <= 1 or depth > 12:
        return sorted(regions, key=_yx)
    bands = _bands(regions)
    ordered: list[Region] = []
    for group in _group_bands(bands):
        columns = _split_columns(group) if len(group) > 1 else None
        if columns is None or len(columns) == 1:
            ordered.extend(_order_single_column(group, depth))
            continue
        rows = _grid_rows(group, columns)
        for row in rows:
            row_columns = _split_columns(row) if len(rows) > 1 and len(row) > 1 else None
            for column in row_columns or ([row] if len(rows) > 1 else columns):
                ordered.extend(_xy_order(column, depth + 1))
    return ordered


def _grid_rows(group: list[Region], columns: list[list[Region]]) -> list[list[Region]]:
    """Split a column group into rows where every column starts a new heading at the same
    height: a grid of cards (1 | 2, then 3 | 4) reads row by row, not column by column."""
    heads = [
        [r.bbox.y0 for r in col if r.kind in (RegionKind.SECTION_HEADER, RegionKind.TITLE)]
        for col in columns
    ]
    top = min(r.bbox.y0 for r in group)
    cuts = sorted(
        y
        for y in heads[0]
        if y > top + 1 and all(any(abs(y - h) <= 3 for h in hs) for hs in heads[1:])
    )
    if not cuts:
        return [group]
    rows: list[list[Region]] = [[] for _ in range(len(cuts) + 1)]
    for r in group:
        rows[sum(1 for c in cuts if r.bbox.y0 >= c - 3)].append(r)
    return [row for row in rows if row]


def _order_single_column(group: list[Region], depth: int) -> list[Region]:
    """A group with no gutter: bands top to bottom; inside a band, left to right."""
    sub_bands = _bands(group)
    if len(sub_bands) == 1:
        return (
            sorted(group, key=lambda r: (r.bbox.x0, r.bbox.y0))
            if _side_by_side(group)
            else (sorted(group, key=_yx))
        )
    out: list[Region] = []
    for band in sub_bands:
        out.extend(_xy_order(band, depth + 1) if len(band) > 1 else band)
    return out


def _side_by_side(group: list[Region]) -> bool:
    """True where the regions of one band overlap vertically but not horizontally."""
    boxes: list[BBox] = sorted((r.bbox for r in group), key=lambda b: b.x0)
    return all(a.x1 <= b.x0 + 1 for a, b in zip(boxes, boxes[1:]))
