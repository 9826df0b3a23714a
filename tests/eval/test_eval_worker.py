"""Converters run in a subprocess: a hang, a crash or an exception never stops the run."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pdf2md.errors import ConfigError
from pdf2md.eval.converters import KNOWN_CONVERTERS, make_converter
from pdf2md.eval.worker import ConverterWorker

HERE = Path(__file__).resolve().parent


@pytest.fixture
def three_pages(tmp_path: Path) -> Path:
    doc = pymupdf.open()
    for number in range(1, 4):
        doc.new_page().insert_text((72, 72), f"Page number {number} text")
    path = tmp_path / "three.pdf"
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(autouse=True)
def _plugins_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(HERE))


@pytest.mark.parametrize(
    ("spec", "status", "message"),
    [
        ("fake_converters.Hang", "timeout", "over 3 s"),
        ("fake_converters.Crash", "crash", "exit code 3"),
        ("fake_converters.Raise", "error", "ValueError: bad page"),
    ],
)
def test_bad_page_is_contained(three_pages: Path, spec: str, status: str, message: str) -> None:
    with ConverterWorker(spec) as worker:
        first = worker.convert(three_pages, 0, timeout_s=30)
        bad = worker.convert(three_pages, 1, timeout_s=3)
        last = worker.convert(three_pages, 2, timeout_s=30)
    assert first.ok and "Page number 1" in first.markdown
    assert (bad.status, bad.ok) == (status, False)
    assert message in bad.message
    assert last.ok and "Page number 3" in last.markdown


def test_whole_document(three_pages: Path) -> None:
    with ConverterWorker("fake_converters.TextLayer") as worker:
        outcome = worker.convert(three_pages, None, timeout_s=30)
    assert outcome.ok
    assert outcome.markdown.index("Page number 1") < outcome.markdown.index("Page number 3")


def test_converter_specs() -> None:
    assert {"pdf2md", "pymupdf4llm", "markitdown", "docling", "marker", "mineru"} <= set(
        KNOWN_CONVERTERS
    )
    assert make_converter("pdf2md:fast").name == "pdf2md:fast"
    with pytest.raises(ConfigError, match="known: "):
        make_converter("nope")


def test_unavailable_converters_say_why() -> None:
    for spec in ("docling", "marker", "mineru"):
        message = make_converter(spec).check()
        if message is not None:
            assert "not installed" in message and "pip install" in message
