"""Measure ``find_table_boxes`` (text-heuristic table detection) on ICDAR-2013 pages.

A ground-truth table region counts as found where a detected box covers it with IoU >= 0.5;
a detected box is correct where it meets a ground-truth region with IoU >= 0.5. Reports recall,
precision and milliseconds per page (CPU time, drawings and text lines included).

Usage::

    PYTHONPATH=. python examples/bench_table_detect.py /work/shared/corpus/icdar2013_tables
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pymupdf

from pdf2md.layout.table_detect import find_table_boxes
from pdf2md.model import BBox
from pdf2md.source import PageView


def _gt_boxes(gt: dict, page: pymupdf.Page, page_number: int) -> list[BBox]:
    height = page.mediabox.height
    out = []
    for reg in gt["regions"]:
        if reg["page"] == page_number:
            x0, y0, x1, y1 = (float(v) for v in reg["bbox"])
            rect = pymupdf.Rect(x0, height - y1, x1, height - y0) * page.rotation_matrix
            out.append(BBox(rect.x0, rect.y0, rect.x1, rect.y1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    found = n_gt = correct = n_det = n_pages = 0
    cpu = 0.0
    for gt_path in sorted((args.corpus / "groundtruth").glob("*.json")):
        gt = json.loads(gt_path.read_text())
        doc = pymupdf.open(args.corpus / "pdfs" / (gt_path.stem + ".pdf"))
        for index in range(doc.page_count):
            page = doc[index]
            start = time.process_time()
            boxes = find_table_boxes(PageView(page, index))
            cpu += time.process_time() - start
            gts = _gt_boxes(gt, page, index + 1)
            n_pages += 1
            n_gt += len(gts)
            n_det += len(boxes)
            found += sum(any(g.iou(b) >= 0.5 for b in boxes) for g in gts)
            correct += sum(any(g.iou(b) >= 0.5 for g in gts) for b in boxes)
            if args.show:
                print(
                    gt_path.stem,
                    index + 1,
                    "gt",
                    [tuple(map(round, g)) for g in gts],
                    "det",
                    [tuple(map(round, b)) for b in boxes],
                )
        doc.close()
    print(
        f"find_table_boxes: {n_pages} pages, GT tables {n_gt}, detected {n_det}; "
        f"recall {found / max(n_gt, 1):.1%}, precision {correct / max(n_det, 1):.1%}; "
        f"{1000 * cpu / max(n_pages, 1):.1f} ms CPU/page"
    )


if __name__ == "__main__":
    main()
