"""Run pdf2md's surya backends on real surya code; executed by ``test_surya_installed.py`` in
the separate surya environment (``.venv-surya``: surya needs torchvision, see docs/backends.md).

Usage: ``python surya_check.py MODELS_DIR SERVER_URL`` prints one JSON object: what the tiny
random text-line detector found, and what ``surya-ocr``, ``surya-table`` and ``surya-layout``
made of the scripted server's answers. It builds the tiny detector itself, with surya's own
EfficientViT classes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _tiny_detector(folder: Path) -> None:
    import torch
    from surya.detection.model.config import EfficientViTConfig
    from surya.detection.model.encoderdecoder import EfficientViTForSemanticSegmentation
    from surya.detection.processor import SegformerImageProcessor

    torch.manual_seed(0)
    config = EfficientViTConfig(
        widths=(8, 8, 16, 16, 32),
        head_dim=8,
        depths=(1, 1, 1, 1, 1),
        hidden_sizes=(8, 16, 16, 32),
        decoder_layer_hidden_size=16,
        decoder_hidden_size=32,
    )
    EfficientViTForSemanticSegmentation(config).save_pretrained(folder)
    SegformerImageProcessor().save_pretrained(folder)


def main(models_dir: str, url: str) -> None:
    import pymupdf

    from pdf2md.backend import BackendContext, RegionCrop
    from pdf2md.errors import BackendUnavailable
    from pdf2md.layout.surya_layout import SuryaLayout
    from pdf2md.model import BBox, Region, RegionKind
    from pdf2md.profile import Profile
    from pdf2md.recognise.surya_ocr import SuryaOcrRecogniser
    from pdf2md.recognise.surya_table import SuryaTableRecogniser
    from pdf2md.source import open_pdf
    from pdf2md.surya_api import SuryaLineDetector

    store = Path(models_dir)
    report: dict[str, object] = {}
    options = {"inference_url": url, "dpi": 72}
    profile = Profile.model_validate(
        {
            "models": {"dir": str(store)},
            "options": {
                "surya-ocr": {**options, "lines": True},
                "surya-table": options,
                "surya-layout": options,
            },
        }
    )
    context = BackendContext(profile=profile)
    try:
        SuryaLineDetector(context).load()
    except BackendUnavailable as exc:
        report["missing"] = str(exc)
    _tiny_detector(store / "surya-detection")

    doc = pymupdf.open()
    page = doc.new_page(width=300, height=200)
    page.insert_text((20, 40), "Hello surya", fontsize=14)
    pdf = store / "page.pdf"
    doc.save(pdf)
    with open_pdf(pdf) as src:
        view = src.page(0)
        detector = SuryaLineDetector(context)
        detector.load()
        boxes = detector.detect([view.render(dpi=72)])[0]
        report["detector_boxes"] = len(boxes)
        region = Region(id="p0-r0", kind=RegionKind.TEXT, bbox=BBox(10, 20, 290, 60), page_index=0)
        ocr = SuryaOcrRecogniser(context)
        ocr.load()
        report["ocr"] = [c.text if c else None for c in ocr.recognise([RegionCrop(region, view)])]
        report["ocr_errors"] = ocr.last_errors
        table = Region(id="p0-r1", kind=RegionKind.TABLE, bbox=BBox(10, 20, 290, 60), page_index=0)
        rec = SuryaTableRecogniser(context)
        rec.load()
        report["table"] = [c.text if c else None for c in rec.recognise([RegionCrop(table, view)])]
        layout = SuryaLayout(context)
        layout.load()
        report["layout"] = [
            (r.kind.value, [round(v) for v in r.bbox], r.order) for r in layout.detect([view])[0]
        ]
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
