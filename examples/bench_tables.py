"""Measure the ``pdf-table`` recogniser on the ICDAR-2013 table corpus.

For every ground-truth table region, run the recogniser on that region and report:

- the share of the derived olmOCR-style table tests that pass (a minimal re-implementation
  of olmOCR-bench's ``TableTest``: cell plus neighbour / heading relations, exact match after
  olmOCR's text normalisation), all tables of a page checked together;
- a cell-text F1 per table (multiset of normalised non-empty cell texts), micro-averaged;
- milliseconds per table.

With ``--against pymupdf4llm`` the same tests run on pymupdf4llm's page Markdown.

Usage::

    PYTHONPATH=. python examples/bench_tables.py /work/shared/corpus/icdar2013_tables \
        [--strategies lines,model,text] [--limit N] [--against pymupdf4llm]
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pymupdf

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.profile import Profile
from pdf2md.recognise.pdf_table import PdfTableRecogniser
from pdf2md.source import PageView

_FANCY = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-", "−": "-", "µ": "μ"}


def norm(text: str) -> str:
    """olmOCR-bench's text normalisation (the parts that matter for tables)."""
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\*\*(.*?)\*\*", r"\1", text)
    text = unicodedata.normalize("NFC", text)
    for a, b in _FANCY.items():
        text = text.replace(a, b)
    return text.strip()


class Table:
    """A parsed table: a text matrix plus header rows and columns."""

    def __init__(self, rows: list[list[str]], header_rows: set[int], header_cols: set[int]):
        width = max((len(r) for r in rows), default=0)
        self.rows = [[norm(c) for c in r] + [""] * (width - len(r)) for r in rows]
        self.header_rows, self.header_cols = header_rows, header_cols


def parse_gfm(markdown: str) -> list[Table]:
    """Pipe tables, olmOCR style: runs of lines containing ``|``; row 0 and column 0 head."""
    tables, block = [], []
    for line in [*markdown.split("\n"), ""]:
        if "|" in line and not line.lstrip().startswith("<"):
            block.append(line)
            continue
        if len(block) >= 2:
            rows = []
            for ln in block:
                if set(ln.replace("|", "").strip()) <= set("-: "):
                    continue
                cells = [c.strip() for c in re.split(r"(?<!\\)\|", ln)]
                cells = cells[1:] if cells and cells[0] == "" else cells
                cells = cells[:-1] if cells and cells[-1] == "" else cells
                rows.append([c.replace("\\|", "|") for c in cells])
            tables.append(Table(rows, {0}, {0}))
        block = []
    return tables


class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._rows: list[list[tuple[str, str, int, int]]] = []
        self._cell: list[str] | None = None
        self._attrs: tuple[str, int, int] = ("td", 1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._rows = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._attrs = (tag, int(a.get("rowspan") or 1), int(a.get("colspan") or 1))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append((*self._attrs[:1], "".join(self._cell), *self._attrs[1:]))  # type: ignore[arg-type]
            self._cell = None
        elif tag == "table":
            self.tables.append(_expand(self._rows))


def _expand(rows: list[list[Any]]) -> Table:
    grid: dict[tuple[int, int], str] = {}
    head_rows, head_cols = set(), set()
    for r, row in enumerate(rows):
        c = 0
        for tag, text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for i in range(rs):
                for j in range(cs):
                    grid[(r + i, c + j)] = text if j == 0 else ""
            if tag == "th":
                head_rows.update(range(r, r + rs))
                head_cols.update(range(c, c + cs))
            c += cs
    n_r = max((k[0] for k in grid), default=-1) + 1
    n_c = max((k[1] for k in grid), default=-1) + 1
    matrix = [[grid.get((r, c), "") for c in range(n_c)] for r in range(n_r)]
    return Table(matrix, head_rows, head_cols)


def parse_tables(markdown: str) -> list[Table]:
    """Every GFM and HTML table in ``markdown``."""
    parser = _HtmlTables()
    parser.feed(markdown)
    return parse_gfm(markdown) + parser.tables


def _heads(t: Table, r: int, c: int, *, top: bool) -> list[str]:
    if top:
        heads = [t.rows[i][c] for i in sorted(t.header_rows) if i < r]
        if not any(heads):  # olmOCR's last resort: any cell above
            heads = [t.rows[i][c] for i in range(r)]
    else:
        heads = [t.rows[r][j] for j in sorted(t.header_cols) if j < c]
        if not any(heads):
            heads = [t.rows[r][j] for j in range(c)]
    return [h for h in heads if h]


def run_test(test: dict[str, Any], tables: list[Table]) -> bool:
    """One olmOCR-style table test (``max_diffs`` 0: exact match after normalisation)."""
    want = {
        k: norm(test[k])
        for k in ("cell", "up", "down", "left", "right", "top_heading", "left_heading")
        if test.get(k)
    }
    moves = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
    for t in tables:
        for r, row in enumerate(t.rows):
            for c, text in enumerate(row):
                if text != want["cell"]:
                    continue
                ok = True
                for key, (dr, dc) in moves.items():
                    rr, cc = r + dr, c + dc
                    if key in want and 0 <= rr < len(t.rows) and 0 <= cc < len(row):
                        ok &= t.rows[rr][cc] == want[key]
                if "top_heading" in want:
                    ok &= want["top_heading"] in _heads(t, r, c, top=True)
                if "left_heading" in want:
                    ok &= want["left_heading"] in _heads(t, r, c, top=False)
                if ok:
                    return True
    return False


def cell_f1_counts(markdown: str, gt_cells: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(matched, predicted, expected) non-empty cell texts (a row-spanning cell counts per row)."""
    pred: Counter[str] = Counter()
    for t in parse_tables(markdown):
        pred.update(text for row in t.rows for text in row if text)
    gold = Counter(norm(c["content"]) for c in gt_cells if norm(c["content"]))
    return sum((pred & gold).values()), sum(pred.values()), sum(gold.values())


def _region_box(page: pymupdf.Page, bbox: list[float]) -> BBox:
    """ICDAR's bottom-left-origin box to top-left points of the (unrotated) page."""
    height = page.mediabox.height
    rect = pymupdf.Rect(bbox[0], height - bbox[3], bbox[2], height - bbox[1])
    rect = rect * page.rotation_matrix
    return BBox(rect.x0, rect.y0, rect.x1, rect.y1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--strategies", default="", help="comma-separated; default: the recogniser's")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--against", default="")
    ap.add_argument("--show", action="store_true", help="print each table's Markdown")
    ap.add_argument(
        "--detect",
        action="store_true",
        help="end to end: regions from find_table_boxes (the fast profile), not from the GT",
    )
    args = ap.parse_args()
    options = {"strategies": args.strategies.split(",")} if args.strategies else {}
    profile = Profile.model_validate({"options": {"pdf-table": options}})
    rec = PdfTableRecogniser(BackendContext(profile=profile))
    rec.load()
    tests: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for line in (args.corpus / "olmocr_style_table_tests.jsonl").read_text().splitlines():
        t = json.loads(line)
        tests[(t["pdf"], t["page"])].append(t)
    page_md: dict[tuple[str, int], list[str]] = defaultdict(list)
    counts, n_tables, n_none, seconds = [0, 0, 0], 0, 0, 0.0
    files = sorted((args.corpus / "groundtruth").glob("*.json"))
    for gt_path in files[: args.limit or None]:
        gt = json.loads(gt_path.read_text())
        pdf_name = gt_path.stem + ".pdf"
        doc = pymupdf.open(args.corpus / "pdfs" / pdf_name)
        for table in gt["tables"]:
            for part in table["regions"]:
                page = doc[part["page"] - 1]
                cells = part["cells"]
                box = _region_box(page, _gt_region(gt, table["id"], part["page"], cells))
                region = Region(
                    id=f"t{table['id']}",
                    kind=RegionKind.TABLE,
                    bbox=box,
                    page_index=part["page"] - 1,
                )
                crop = RegionCrop(region, PageView(page, part["page"] - 1))
                start = time.process_time()
                content = rec.recognise([crop])[0]
                seconds += time.process_time() - start
                n_tables += 1
                md = content.text if content else ""
                n_none += content is None
                if args.show:
                    print(f"== {pdf_name} p{part['page']} t{table['id']}\n{md}\n")
                page_md[(pdf_name, part["page"])].append(md)
                counts = [a + b for a, b in zip(counts, cell_f1_counts(md, cells), strict=True)]
        doc.close()
    _report("pdf-table", tests, page_md, counts, n_tables, n_none, seconds)
    if args.detect:
        _end_to_end(args.corpus, rec, tests)
    if args.against == "pymupdf4llm":
        _against_pymupdf4llm(args.corpus, tests, {k[0] for k in page_md})


def _end_to_end(corpus: Path, rec: PdfTableRecogniser, tests: Any) -> None:
    """Table tests on pages whose regions come from ``find_table_boxes``."""
    from pdf2md.layout.table_detect import find_table_boxes

    page_md: dict[tuple[str, int], list[str]] = defaultdict(list)
    start = time.process_time()
    n_boxes = 0
    for pdf_name, page_number in sorted(tests):
        doc = pymupdf.open(corpus / "pdfs" / pdf_name)
        view = PageView(doc[page_number - 1], page_number - 1)
        crops = [
            RegionCrop(Region(id=f"d{i}", kind=RegionKind.TABLE, bbox=b, page_index=0), view)
            for i, b in enumerate(find_table_boxes(view))
        ]
        n_boxes += len(crops)
        page_md[(pdf_name, page_number)] = [c.text for c in rec.recognise(crops) if c]
        doc.close()
    passed, total = _score(tests, page_md)
    print(
        f"find_table_boxes + pdf-table (fast profile path): {n_boxes} boxes on "
        f"{len(page_md)} pages; table tests {passed}/{total} = {passed / max(total, 1):.1%}; "
        f"{1000 * (time.process_time() - start) / max(len(page_md), 1):.0f} ms CPU/page"
    )


def _gt_region(
    gt: dict[str, Any], table_id: str, page: int, cells: list[dict[str, Any]]
) -> list[float]:
    """The GT table region (bottom-left origin); the union of its cells where none is given."""
    for reg in gt["regions"]:
        if reg["table"] == table_id and reg["page"] == page:
            return [float(v) for v in reg["bbox"]]
    return [
        min(c["bbox"][0] for c in cells),
        min(c["bbox"][1] for c in cells),
        max(c["bbox"][2] for c in cells),
        max(c["bbox"][3] for c in cells),
    ]


def _score(
    tests: dict[tuple[str, int], list[dict[str, Any]]], page_md: dict[tuple[str, int], list[str]]
) -> tuple[int, int]:
    passed = total = 0
    for key, md_list in page_md.items():
        tables = parse_tables("\n\n".join(md_list))
        for t in tests.get(key, []):
            total += 1
            passed += run_test(t, tables)
    return passed, total


def _report(
    name: str,
    tests: Any,
    page_md: Any,
    counts: list[int],
    n_tables: int,
    n_none: int,
    seconds: float,
) -> None:
    passed, total = _score(tests, page_md)
    matched, n_pred, n_gold = counts
    p = matched / n_pred if n_pred else 0.0
    r = matched / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(
        f"{name}: tables {n_tables} (no answer {n_none}); olmOCR-style table tests "
        f"{passed}/{total} = {passed / max(total, 1):.1%}; cell-text P {p:.3f} R {r:.3f} "
        f"F1 {f1:.3f}; {1000 * seconds / max(n_tables, 1):.1f} ms CPU/table"
    )


def _against_pymupdf4llm(corpus: Path, tests: Any, pdfs: set[str]) -> None:
    import pymupdf4llm

    page_md: dict[tuple[str, int], list[str]] = {}
    start = time.perf_counter()
    for pdf_name in sorted(pdfs):
        pages = sorted({p for (f, p) in tests if f == pdf_name})
        for p in pages:
            md = pymupdf4llm.to_markdown(
                str(corpus / "pdfs" / pdf_name), pages=[p - 1], show_progress=False, use_ocr=False
            )
            page_md[(pdf_name, p)] = [md]
    passed, total = _score(tests, page_md)
    print(
        f"pymupdf4llm (whole pages): table tests {passed}/{total} = "
        f"{passed / max(total, 1):.1%}; {time.perf_counter() - start:.1f} s for "
        f"{len(page_md)} pages"
    )


if __name__ == "__main__":
    main()
