"""Checks on the shape of the code base: layering, module size, public API, lazy imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pdf2md

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600


def test_public_api() -> None:
    assert pdf2md.__all__ == ["Converter", "__version__", "convert"]
    assert callable(pdf2md.convert)
    assert pdf2md.Converter.__name__ == "Converter"
    with pytest.raises(AttributeError):
        pdf2md.no_such_name  # noqa: B018


def test_modules_stay_small() -> None:
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "pdf2md").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_import_has_no_heavy_side_effects() -> None:
    code = (
        "import sys, pdf2md.pipeline, pdf2md.cli;"
        "heavy = [m for m in ('torch', 'transformers', 'tesserocr', 'rapidocr', 'ray', 'cv2')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.skipif(
    shutil.which("lint-imports") is None
    and not Path(sys.executable).with_name("lint-imports").exists(),
    reason="import-linter not installed (pip install 'pdf2md[dev]')",
)
def test_import_layers() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_golden_regeneration_is_off_in_ci() -> None:
    import os

    if os.environ.get("CI"):
        assert not os.environ.get("PDF2MD_REGEN_GOLDEN")
