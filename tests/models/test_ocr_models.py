"""TrOCR and GOT-OCR2 recognisers on tiny random checkpoints of the real architectures, loaded
from the model store offline and run through the real recogniser code."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_fixtures import SamplePage
from tiny_models import build_got_ocr2, build_trocr

from pdf2md.backend import BackendContext
from pdf2md.errors import BackendUnavailable
from pdf2md.profile import ModelSettings, Profile

pytest.importorskip("transformers")


def _context(store: Path, **options: dict[str, object]) -> BackendContext:
    return BackendContext(profile=Profile(models=ModelSettings(dir=str(store)), options=options))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ocr-store")
    build_trocr(folder / "trocr-printed", chain=["Solar", "panels"])
    build_trocr(folder / "trocr-loop", chain=["the", "cells"], ends=False)
    build_got_ocr2(folder / "got-ocr2", chain=["Solar", "panels", "convert", "sunlight"])
    build_got_ocr2(folder / "got-empty", chain=[])
    return folder


def test_trocr_reads_each_line_of_a_region(store: Path, sample: SamplePage) -> None:
    from pdf2md.recognise.trocr import TrOcrRecogniser

    rec = TrOcrRecogniser(_context(store))
    rec.load()
    [content] = rec.recognise([sample.crop(sample.paragraph)])
    assert content is not None and content.method == "ocr"
    # The scripted decoder says "Solar panels" for any image; the paragraph has two lines.
    assert content.text == "Solar panels Solar panels"
    assert content.recogniser == "trocr@trocr-printed"


def test_trocr_loop_is_rejected(store: Path, sample: SamplePage) -> None:
    from pdf2md.recognise.trocr import TrOcrRecogniser

    ctx = _context(store, trocr={"model": str(store / "trocr-loop"), "max_tokens": 40})
    rec = TrOcrRecogniser(ctx)
    assert rec.recognise([sample.crop(sample.paragraph)]) == [None]
    assert "repetition loop" in rec.last_errors[0][1]


def test_split_and_join_lines() -> None:
    from PIL import Image, ImageDraw

    from pdf2md.recognise.trocr import join_lines, split_lines

    image = Image.new("RGB", (200, 80), "white")
    draw = ImageDraw.Draw(image)
    for y in (5, 30, 55):
        draw.rectangle((10, y, 150, y + 10), fill="black")
    assert len(split_lines(image)) == 3
    assert len(split_lines(Image.new("RGB", (50, 20), "white"))) == 1
    assert join_lines(["photo-", "voltaic cells", "", "Made"]) == "photovoltaic cells Made"


def test_got_ocr2_reads_a_region(store: Path, sample: SamplePage) -> None:
    from pdf2md.recognise.got_ocr2 import GotOcr2Recogniser

    rec = GotOcr2Recogniser(_context(store))
    rec.load()
    [content] = rec.recognise([sample.crop(sample.paragraph)])
    assert content is not None
    assert content.text == "Solar panels convert sunlight"
    assert content.recogniser == "got-ocr2@got-ocr2"


def test_got_ocr2_empty_answer_falls_back(store: Path, sample: SamplePage) -> None:
    from pdf2md.recognise.got_ocr2 import GotOcr2Recogniser

    rec = GotOcr2Recogniser(_context(store, **{"got-ocr2": {"model": str(store / "got-empty")}}))
    assert rec.recognise([sample.crop(sample.paragraph)]) == [None]
    assert "empty" in rec.last_errors[0][1]


@pytest.mark.parametrize(
    ("module", "cls", "model"),
    [
        ("trocr", "TrOcrRecogniser", "trocr-printed"),
        ("got_ocr2", "GotOcr2Recogniser", "got-ocr2"),
    ],
)
def test_missing_weights_fail_with_the_pull_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, cls: str, model: str
) -> None:
    import importlib
    import socket

    def no_network(*args: object, **kw: object) -> None:
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    rec = getattr(importlib.import_module(f"pdf2md.recognise.{module}"), cls)(_context(tmp_path))
    with pytest.raises(BackendUnavailable, match=rf"pdf2md models pull {model}"):
        rec.load()
