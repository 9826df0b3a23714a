"""Time the text-layer math readers on real pages: display equations and inline formulas.

Each PDF is converted once with the default profile to get its regions; then, with the page
text already extracted (a first warm-up pass), the recognisers run again on the same regions:

- ``pdf-math`` on every EQUATION region: milliseconds per equation;
- ``pdf-text`` on every text-like region, with inline math on and off: the difference,
  divided by the number of ``$...$`` formulas written, is the cost of one inline formula.

Usage::

    PYTHONPATH=. python examples/bench_math.py ../shared/corpus/olmocr_bench/orbit/pdfs/arxiv_math
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Sequence
from pathlib import Path

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import RegionKind
from pdf2md.pipeline import convert
from pdf2md.profile import Profile
from pdf2md.recognise.pdf_math import PdfMathRecogniser
from pdf2md.recognise.pdf_text import PdfTextRecogniser
from pdf2md.source import open_pdf

_TEXTUAL = (RegionKind.TEXT, RegionKind.LIST_ITEM, RegionKind.CAPTION, RegionKind.FOOTNOTE)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)[^$]+\$")


def _crops(path: Path) -> tuple[list[RegionCrop], list[RegionCrop]]:
    result = convert(path)
    assert result.document is not None
    src = open_pdf(path)
    equations: list[RegionCrop] = []
    texts: list[RegionCrop] = []
    for page in result.document.pages:
        view = src.page(page.page_index)
        for block in page.blocks:
            crop = RegionCrop(block.region, view)
            if block.region.kind == RegionKind.EQUATION:
                equations.append(crop)
            elif block.region.kind in _TEXTUAL:
                texts.append(crop)
    return equations, texts


def _timed(recogniser: PdfMathRecogniser | PdfTextRecogniser, crops: Sequence[RegionCrop]) -> float:
    start = time.perf_counter()
    recogniser.recognise(crops)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()
    math = PdfMathRecogniser(BackendContext())
    text_on = PdfTextRecogniser(BackendContext())
    no_inline = Profile(options={"pdf-text": {"inline_math": False}})
    text_off = PdfTextRecogniser(BackendContext(profile=no_inline))
    n_eq = n_inline = 0
    t_eq = t_on = t_off = 0.0
    for path in sorted(args.folder.glob("*.pdf")):
        equations, texts = _crops(path)
        math.recognise(equations)  # warm the page caches (text, drawings)
        written = text_on.recognise(texts)
        text_off.recognise(texts)
        t_eq += _timed(math, equations)
        t_on += _timed(text_on, texts)
        t_off += _timed(text_off, texts)
        n_eq += len(equations)
        n_inline += sum(len(_INLINE.findall(c.text)) for c in written if c is not None)
    print(f"display equations: {n_eq}, pdf-math {1000 * t_eq / max(1, n_eq):.1f} ms each")
    extra = 1000 * (t_on - t_off) / max(1, n_inline)
    print(f"inline formulas: {n_inline}, inline math {extra:.2f} ms each (pdf-text on - off)")


if __name__ == "__main__":
    main()
