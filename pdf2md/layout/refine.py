"""Corrections to a layout model's regions that the text layer makes cheap and certain.

- A caption the model swallowed into a figure region is cut out as a caption region.
- A "caption" that reads like a numbered section heading (``III. INTERLEAVER DESIGN``) is a
  section header.
- A "figure" that is mostly lines of prose (a note printed over a tinted box) is text.
- A listing the model cut into several regions (a line, a comment, a short ``end``) is one
  code region again, so it comes out as one fenced block with its indentation.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.math.inline import is_display_math
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.patterns import CAPTION_RE, NUMBERED_HEADING_RE
from pdf2md.source import PageView, TextLine
from pdf2md.textlines import monospaced_share

_CODE_KINDS = (RegionKind.CODE, RegionKind.TEXT, RegionKind.LIST_ITEM)


def split_figure_captions(region: Region, page: PageView) -> list[Region]:
    """A figure region holding a caption's lines -> the figure and a caption region."""
    if region.kind != RegionKind.FIGURE:
        return [region]
    lines = page.lines_in(region.bbox)
    starts = [ln for ln in lines if CAPTION_RE.match(ln.text)]
    if not starts:
        return [region]
    first = min(starts, key=lambda ln: ln.bbox.y0)
    caption_lines = [
        ln
        for ln in lines
        if ln.block_index == first.block_index and ln.bbox.y0 >= first.bbox.y0 - 1
    ]
    caption_box = BBox.enclosing([ln.bbox for ln in caption_lines])
    box = region.bbox
    if caption_box.y0 - box.y0 > box.y1 - caption_box.y1:  # caption below the picture
        figure_box = BBox(box.x0, box.y0, box.x1, caption_box.y0 - 1)
    else:
        figure_box = BBox(box.x0, caption_box.y1 + 1, box.x1, box.y1)
    caption = Region(
        id=f"{region.id}c",
        kind=RegionKind.CAPTION,
        bbox=caption_box,
        page_index=region.page_index,
        detector=f"{region.detector}+split",
    )
    if figure_box.height < 4:
        return [caption]
    return [region.model_copy(update={"bbox": figure_box}), caption]


def heading_not_caption(region: Region, page: PageView) -> Region:
    """A caption region whose text is a numbered section heading becomes a section header."""
    if region.kind != RegionKind.CAPTION:
        return region
    text = " ".join(ln.text.strip() for ln in page.lines_in(region.bbox))
    if CAPTION_RE.match(text) or not NUMBERED_HEADING_RE.match(text):
        return region
    return region.model_copy(update={"kind": RegionKind.SECTION_HEADER})


def equation_not_text(region: Region, page: PageView) -> Region:
    """A text region whose every line is math (a display formula the layout took for
    prose) is an equation, so the math recogniser reads it."""
    if region.kind != RegionKind.TEXT:
        return region
    lines = page.lines_in(region.bbox)
    if not lines or len(lines) > 6 or not is_display_math(lines, page.body_size_pt):
        return region
    return region.model_copy(update={"kind": RegionKind.EQUATION})


def text_not_figure(region: Region, page: PageView) -> Region:
    """A figure region filled with lines of prose (a boxed note over a tint or a picture,
    which the model takes for a figure) is text: as a figure its words would be lost."""
    if region.kind != RegionKind.FIGURE:
        return region
    lines = [ln for ln in page.lines_in(region.bbox) if ln.is_horizontal]
    if len(lines) < 3 or sum(len(ln.text.strip()) for ln in lines) < 25 * len(lines):
        return region  # a chart's or a diagram's labels: short and few
    covered = sum(ln.bbox.intersect(region.bbox).area for ln in lines)
    if covered < 0.4 * region.bbox.area:
        return region
    return region.model_copy(update={"kind": RegionKind.TEXT})


def merge_code_runs(regions: Sequence[Region], page: PageView) -> list[Region]:
    """Neighbouring monospaced regions, one under the other with no gap wider than a blank
    line and nothing between them, -> one code region (the first one's id)."""
    mono = {r.id: _mono_chars(page.lines_in(r.bbox)) for r in regions if r.kind in _CODE_KINDS}
    code = sorted((r for r in regions if mono.get(r.id, 0) > 0), key=lambda r: r.bbox.y0)
    merged: dict[str, Region] = {}  # first region's id -> the merged region
    absorbed: set[str] = set()
    run: Region | None = None
    for region in code:
        if run is not None and _continues_listing(run, region, regions, mono):
            merged[run.id] = run = run.model_copy(
                update={"bbox": run.bbox.union(region.bbox), "kind": RegionKind.CODE}
            )
            absorbed.add(region.id)
            mono[run.id] = mono[run.id] + mono[region.id]
        else:
            run = region
    return [merged.get(r.id, r) for r in regions if r.id not in absorbed]


def _mono_chars(lines: Sequence[TextLine]) -> int:
    """Monospaced characters of the lines where nearly all their text is monospaced (a
    listing's line numbers aside), else 0."""
    mono, other = monospaced_share(lines)
    return mono if mono and mono >= 0.9 * (mono + other) else 0


def _continues_listing(
    run: Region, region: Region, regions: Sequence[Region], mono: dict[str, int]
) -> bool:
    a, b = run.bbox, region.bbox
    if max(mono[run.id], mono[region.id]) < 8 and RegionKind.CODE not in (run.kind, region.kind):
        return False  # two inline snippets, not a listing
    line_pt = min(a.height, b.height, 14.0)
    if not (-2 <= b.y0 - a.y1 <= 1.6 * line_pt and b.x0 < a.x1 and a.x0 < b.x1):
        return False
    gap = BBox(min(a.x0, b.x0), a.y1, max(a.x1, b.x1), max(b.y0, a.y1 + 0.1))
    return not any(
        r.id not in (run.id, region.id)
        and r.bbox.intersect(gap).area > 0
        and mono.get(r.id, 0) == 0
        for r in regions
    )
