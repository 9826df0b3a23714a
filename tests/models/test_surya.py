"""surya backends in the main environment, where surya is not installed (it pulls torchvision;
``test_surya_installed.py`` runs them on real surya in ``.venv-surya``). These tests check
(1) the clear error when it is missing and (2) the adapter code against fake modules
shaped like surya 0.22's documented API (``SuryaInferenceManager.generate`` with
``BatchInputItem``, ``LayoutPredictor``, ``DetectionPredictor.local``)."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from model_fixtures import TABLE, SamplePage

from pdf2md.backend import BackendContext
from pdf2md.errors import BackendUnavailable
from pdf2md.model import RegionKind
from pdf2md.profile import ModelSettings, Profile

HTML_TABLE = (
    "<table>"
    + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
    + "</table>"
)


@dataclass
class _Box:
    label: str
    bbox: list[float]
    position: int
    confidence: float = 0.9


@dataclass
class _Result:
    raw: str
    token_count: int = 1
    error: bool = False


@dataclass
class FakeSurya:
    """State shared by the fake surya modules."""

    answers: list[_Result] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    boxes: list[_Box] = field(default_factory=list)
    settings: Any = field(default_factory=lambda: types.SimpleNamespace(SURYA_INFERENCE_URL=""))
    checkpoints: list[str] = field(default_factory=list)


def _install(monkeypatch: pytest.MonkeyPatch, fake: FakeSurya) -> None:
    @dataclass
    class BatchInputItem:
        image: Any
        prompt_type: str
        prompt: str | None = None
        max_tokens: int | None = None

    class Manager:
        def generate(self, items: list[BatchInputItem]) -> list[_Result]:
            fake.prompts += [i.prompt_type for i in items]
            return [fake.answers.pop(0) for _ in items]

    class LayoutPredictor:
        def __init__(self, manager: Manager) -> None:
            self.manager = manager

        def __call__(self, images: list[Any]) -> list[Any]:
            return [types.SimpleNamespace(bboxes=list(fake.boxes)) for _ in images]

    class DetectionPredictor:
        @classmethod
        def local(cls, checkpoint: str) -> Any:
            fake.checkpoints.append(checkpoint)
            return lambda images: [types.SimpleNamespace(bboxes=[]) for _ in images]

    modules = {
        "surya": types.ModuleType("surya"),
        "surya.inference": types.ModuleType("surya.inference"),
        "surya.inference.schema": types.ModuleType("surya.inference.schema"),
        "surya.settings": types.ModuleType("surya.settings"),
        "surya.layout": types.ModuleType("surya.layout"),
        "surya.detection": types.ModuleType("surya.detection"),
    }
    modules["surya.inference"].SuryaInferenceManager = Manager  # type: ignore[attr-defined]
    modules["surya.inference.schema"].BatchInputItem = BatchInputItem  # type: ignore[attr-defined]
    modules["surya.settings"].settings = fake.settings  # type: ignore[attr-defined]
    modules["surya.layout"].LayoutPredictor = LayoutPredictor  # type: ignore[attr-defined]
    modules["surya.detection"].DetectionPredictor = DetectionPredictor  # type: ignore[attr-defined]
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)


@pytest.fixture
def fake_surya(monkeypatch: pytest.MonkeyPatch) -> FakeSurya:
    fake = FakeSurya()
    _install(monkeypatch, fake)
    return fake


@pytest.mark.parametrize(
    "target",
    [
        "pdf2md.layout.surya_layout:SuryaLayout",
        "pdf2md.recognise.surya_ocr:SuryaOcrRecogniser",
        "pdf2md.recognise.surya_table:SuryaTableRecogniser",
        "pdf2md.surya_api:SuryaLineDetector",
    ],
)
def test_missing_surya_says_how_to_install(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    import importlib

    for name in [m for m in sys.modules if m == "surya" or m.startswith("surya.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "surya", None)  # makes `import surya...` fail
    module, _, cls = target.partition(":")
    backend = getattr(importlib.import_module(module), cls)(BackendContext())
    with pytest.raises(BackendUnavailable, match=r"pip install 'pdf2md\[surya\]'"):
        backend.load()


def test_layout_regions_in_points_and_reading_order(
    fake_surya: FakeSurya, sample: SamplePage
) -> None:
    from pdf2md.layout.surya_layout import SuryaLayout

    fake_surya.boxes = [
        _Box("Text", [48, 96, 480, 144], position=1),
        _Box("Section-Header", [48, 40, 400, 70], position=0),
        _Box("Table", [60, 200, 440, 300], position=2),
        _Box("Blank-Page", [0, 0, 10, 10], position=3),
    ]
    ctx = BackendContext(Profile(options={"surya-layout": {"inference_url": "http://x:1/v1"}}))
    layout = SuryaLayout(ctx)
    [regions] = layout.detect([sample.doc.page(0)])
    assert [r.kind for r in regions] == [
        RegionKind.SECTION_HEADER,
        RegionKind.TEXT,
        RegionKind.TABLE,
    ]
    assert [r.order for r in regions] == [0, 1, 2] and regions[0].id == "p0-r0"
    assert regions[1].bbox == (36.0, 72.0, 360.0, 108.0)  # 96 dpi pixels -> points
    assert fake_surya.settings.SURYA_INFERENCE_URL == "http://x:1/v1"


def test_table_html_is_checked_and_rendered(fake_surya: FakeSurya, sample: SamplePage) -> None:
    from pdf2md.recognise.surya_table import SuryaTableRecogniser

    fake_surya.answers = [
        _Result(HTML_TABLE),
        _Result(HTML_TABLE.replace("Copper", "Nickel").replace("8.96", "1.23")),
        _Result("", error=True),
    ]
    rec = SuryaTableRecogniser(BackendContext())
    crop = sample.crop(sample.table)
    out = rec.recognise([crop, crop, crop])
    assert out[0] is not None and "| Iron | 7.87 | 1538 |" in out[0].text
    assert out[1] is None and out[2] is None
    assert [m.split(":")[1].strip() for _, m in rec.last_errors] == [
        "invented text",
        "surya failed",
    ]
    assert fake_surya.prompts == ["block"] * 3


def test_ocr_html_to_markdown(fake_surya: FakeSurya, sample: SamplePage) -> None:
    from pdf2md.recognise.surya_ocr import SuryaOcrRecogniser

    fake_surya.answers = [_Result("<p>Solar <b>panels</b> &amp; <math>x^2</math><br>cells</p>")]
    rec = SuryaOcrRecogniser(BackendContext())
    [content] = rec.recognise([sample.crop(sample.paragraph)])
    assert content is not None and content.text == "Solar **panels** & $x^2$\ncells"


def test_line_detector_loads_from_the_store(fake_surya: FakeSurya, tmp_path: Path) -> None:
    from pdf2md.surya_api import SuryaLineDetector

    ctx = BackendContext(Profile(models=ModelSettings(dir=str(tmp_path))))
    with pytest.raises(BackendUnavailable, match="pdf2md models pull surya-detection"):
        SuryaLineDetector(ctx).load()
    (tmp_path / "surya-detection").mkdir()
    (tmp_path / "surya-detection" / "config.json").write_text("{}")
    SuryaLineDetector(ctx).load()
    assert fake_surya.checkpoints == [str(tmp_path / "surya-detection")]
