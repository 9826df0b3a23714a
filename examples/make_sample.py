"""Build ``examples/two_column_paper.pdf``: a small, licence-clean paper to try pdf2md on.

It has a title spanning two columns, an abstract, numbered sections, a bulleted list, a ruled
table with a caption, a footnote and a running head with page numbers on two pages.

Run: ``python examples/make_sample.py`` (the PDF is committed; this script rebuilds it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf

LOREM = (
    "Reading order matters for every downstream use of a document. A converter that reads "
    "straight across two columns interleaves unrelated sentences and destroys the meaning of "
    "both. We measure how often this happens and show a simple remedy that works on real pages."
)


def _column(page: pymupdf.Page, rect: pymupdf.Rect, paragraphs: list[tuple[str, str]]) -> float:
    y = rect.y0
    for kind, text in paragraphs:
        size, font = (11.5, "hebo") if kind == "h" else (9.5, "helv")
        box = pymupdf.Rect(rect.x0, y, rect.x1, rect.y1)
        height = page.insert_textbox(box, text, fontsize=size, fontname=font)
        used = box.height - height if height >= 0 else box.height
        y += used + (8 if kind == "h" else 10)
    return y


def build(path: Path) -> None:
    doc = pymupdf.open()
    for number in (1, 2):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 40), "Journal of Examples · Vol. 1", fontsize=8, fontname="helv")
        page.insert_text((300, 770), str(number), fontsize=8, fontname="helv")
        top = 70
        if number == 1:
            page.insert_textbox(
                pymupdf.Rect(72, 56, 540, 90),
                "Reading Two Columns Right",
                fontsize=20,
                fontname="hebo",
                align=1,
            )
            page.insert_textbox(
                pymupdf.Rect(72, 94, 540, 112),
                "A. Author and B. Writer",
                fontsize=10,
                fontname="helv",
                align=1,
            )
            page.insert_textbox(
                pymupdf.Rect(100, 120, 512, 170), "Abstract. " + LOREM, fontsize=9, fontname="helv"
            )
            top = 185
        left = [
            ("h", f"{number * 2 - 1} Introduction" if number == 1 else "3 Method"),
            ("p", LOREM),
            ("p", LOREM.replace("Reading", "Order")),
        ]
        right = [
            ("h", "2 Related Work" if number == 1 else "4 Results"),
            (
                "p",
                "· Columns are found from gaps.\n· Titles span both columns.\n· Footnotes go last.",
            ),
            ("p", LOREM.replace("matters", "counts")),
        ]
        _column(page, pymupdf.Rect(72, top, 296, 700), left)
        y = _column(page, pymupdf.Rect(316, top, 540, 700), right)
        if number == 2:
            _table(page, 316, y + 10)
        page.insert_text(
            (72, 740), "1 A footnote about the data used here.", fontsize=7, fontname="helv"
        )
    doc.set_metadata({"title": "Reading Two Columns Right"})
    doc.save(path)


def _table(page: pymupdf.Page, x: float, y: float) -> None:
    rows = [["Tool", "Pages/s", "Order"], ["ours", "41.0", "yes"], ["baseline", "12.5", "no"]]
    widths = [90, 70, 64]
    for r, row in enumerate(rows):
        cx = x
        for c, cell in enumerate(row):
            rect = pymupdf.Rect(cx, y + r * 16, cx + widths[c], y + (r + 1) * 16)
            page.draw_rect(rect, color=(0, 0, 0), width=0.6)
            page.insert_text(
                (rect.x0 + 3, rect.y1 - 4), cell, fontsize=9, fontname="hebo" if r == 0 else "helv"
            )
            cx += widths[c]
    page.insert_text((x, y + 3 * 16 + 14), "Table 1. Speed and order.", fontsize=8, fontname="helv")


if __name__ == "__main__":
    build(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("two_column_paper.pdf")
    )
