"""examples/bench_ocr.py: its scoring helpers and its fixture builder run."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pymupdf

_SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "bench_ocr.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ocr", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plain_and_ned() -> None:
    bench = _bench()
    assert bench.plain("# Title\n\n- item **bold** ![x](a.png)") == "Title item bold"
    assert bench.ned("# Same words", "Same words") == 0.0
    assert 0.0 < bench.ned("one two three", "one two tree") < 0.2


def test_make_scans_builds_image_only_pages(tmp_path: Path) -> None:
    scan = _bench().make_scans(tmp_path, 2)
    with pymupdf.open(scan) as doc:
        assert doc.page_count == 2
        assert all(not page.get_text().strip() and page.get_images() for page in doc)
