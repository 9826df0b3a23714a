"""Measure the vlm-table answer checks on correct answers: the ICDAR-2013 human table ground
truth written as HTML, checked against each table region's text layer. Not a test; run by hand:

    PYTHONPATH=. python tests/models/bench_table_validation.py /work/shared/corpus/icdar2013_tables

Every rejection is a false rejection of a correct table (or a ground-truth/text-layer mismatch).
"""

from __future__ import annotations

import html
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pymupdf

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.recognise.vlm_tasks import ReferenceWords, TableOptions, TableTask
from pdf2md.source import open_pdf
from pdf2md.validate import AnswerRejected


def table_html(cells: list[dict[str, Any]]) -> str:
    rows: dict[int, list[dict[str, Any]]] = {}
    for cell in cells:
        rows.setdefault(cell["start_row"], []).append(cell)
    out = ["<table>"]
    for r in sorted(rows):
        parts = []
        for c in sorted(rows[r], key=lambda c: c["start_col"]):
            span = ""
            if c["end_col"] > c["start_col"]:
                span += f' colspan="{c["end_col"] - c["start_col"] + 1}"'
            if c["end_row"] > c["start_row"]:
                span += f' rowspan="{c["end_row"] - c["start_row"] + 1}"'
            parts.append(f"<td{span}>{html.escape(c['content'])}</td>")
        out.append("<tr>" + "".join(parts) + "</tr>")
    return "\n".join([*out, "</table>"])


def main(corpus: Path) -> None:
    task = TableTask(TableOptions(), ReferenceWords(BackendContext(), use_ocr=False))
    verdicts: Counter[str] = Counter()
    spent = 0.0
    for gt_file in sorted((corpus / "groundtruth").glob("*.json")):
        gt = json.loads(gt_file.read_text(encoding="utf-8"))
        pdf = corpus / "pdfs" / f"{gt_file.stem}.pdf"
        with open_pdf(pdf) as doc:
            for table in gt["tables"]:
                for part in table["regions"]:
                    page = doc.page(part["page"] - 1)
                    xs = [c["bbox"][0] for c in part["cells"]] + [
                        c["bbox"][2] for c in part["cells"]
                    ]
                    ys = [c["bbox"][1] for c in part["cells"]] + [
                        c["bbox"][3] for c in part["cells"]
                    ]
                    h = page.page.mediabox.height
                    # ICDAR boxes: unrotated page, bottom-left origin; ours: as displayed.
                    raw = pymupdf.Rect(min(xs), h - max(ys), max(xs), h - min(ys))
                    shown = raw * page.page.rotation_matrix
                    box = BBox(shown.x0, shown.y0, shown.x1, shown.y1).pad(3)
                    region = Region(id="t", kind=RegionKind.TABLE, bbox=box, page_index=0)
                    start = time.perf_counter()
                    try:
                        task.interpret(RegionCrop(region, page), table_html(part["cells"]), "gt")
                        verdict = "accepted"
                    except AnswerRejected as exc:
                        verdict = str(exc).split(":")[0]
                        print(f"{gt_file.stem} table {table['id']}: {exc}")
                    spent += time.perf_counter() - start
                    verdicts[verdict] += 1
    total = sum(verdicts.values())
    print(
        dict(verdicts),
        f"{verdicts['accepted']}/{total} accepted;",
        f"{1000 * spent / max(total, 1):.1f} ms per table",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
