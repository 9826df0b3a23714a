"""surya's real code under pdf2md's surya backends, in surya's own environment.

surya needs torchvision, which breaks transformers' image processors in the main environment
(see docs/backends.md), so ``.ci/setup.sh`` installs it in a second one, ``.venv-surya``
(override with ``PDF2MD_SURYA_PYTHON``). This test runs ``surya_check.py`` there against a
loopback OpenAI-compatible server standing in for surya's inference server: the tiny random
text-line detector is built with surya's classes, saved into a model store and loaded through
pdf2md's store; OCR, table and layout answers go through surya's own client and parsers, then
pdf2md's checks.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from model_fixtures import ScriptedServer

ROOT = Path(__file__).resolve().parents[2]


def _surya_python() -> Path | None:
    configured = os.environ.get("PDF2MD_SURYA_PYTHON")
    candidate = Path(configured) if configured else ROOT / ".venv-surya" / "bin" / "python"
    return candidate if candidate.is_file() else None


def test_surya_backends_on_real_surya(vlm_server: ScriptedServer, tmp_path: Path) -> None:
    python = _surya_python()
    if python is None:
        pytest.skip("surya is not installed: bash .ci/setup.sh builds .venv-surya")
    vlm_server.script = [
        ("ok", "<p>Hello <b>surya</b></p>"),
        ("ok", "<table><tr><td>Hello</td><td>surya</td></tr></table>"),
        (
            "ok",
            '[{"label": "Text", "bbox": [500, 600, 900, 900]},'
            ' {"label": "SectionHeader", "bbox": [50, 100, 400, 250]}]',
        ),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TORCH_DEVICE": "cpu", "HF_HUB_OFFLINE": "1"}
    env.pop("SURYA_INFERENCE_URL", None)
    script = Path(__file__).with_name("surya_check.py")
    done = subprocess.run(
        [str(python), str(script), str(tmp_path), vlm_server.url],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pdf2md models pull surya-detection" in report["missing"]
    assert isinstance(report["detector_boxes"], int)
    assert report["ocr"] == ["Hello **surya**"], report
    assert report["table"][0] is not None and "surya" in report["table"][0], report
    # surya's 0-1000 boxes in PDF points of the 300 x 200 pt page; surya itself drops the
    # "Text" block that covers only white paper
    assert report["layout"] == [["section_header", [15, 20, 120, 50], 0]], report
    prompts = [json.dumps(r)[:4000] for r in vlm_server.requests]
    assert len(prompts) >= 2 and all("image_url" in p for p in prompts)
