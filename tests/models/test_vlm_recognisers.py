"""VLM recognisers against scripted answers: each is used or rejected, never trusted blindly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import pytest
from model_fixtures import (
    GOOD_PAGE,
    GOOD_TABLE,
    INVENTED,
    PARAGRAPH,
    TABLE,
    SamplePage,
    ScriptedServer,
    vlm_context,
)
from PIL import Image

from pdf2md.backend import BackendContext, OcrWord
from pdf2md.errors import BackendUnavailable
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.recognise.vlm import (
    VlmFigureRecogniser,
    VlmMathRecogniser,
    VlmPageRecogniser,
    VlmTableRecogniser,
)


def _loaded(cls: type, server: ScriptedServer, **kw: object) -> object:
    rec = cls(vlm_context(server.url, **kw))  # type: ignore[arg-type]
    rec.load()
    rec.client.backoff_s = 0.0
    return rec


def test_good_table_is_used(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    vlm_server.script = [("ok", f"```html\n{GOOD_TABLE}\n```")]
    rec = _loaded(VlmTableRecogniser, vlm_server)
    [content] = rec.recognise([sample.crop(sample.table)])
    assert content is not None and rec.last_errors == []
    assert content.text.splitlines()[0] == "| Metal | Density | Melting |"
    assert "| Copper | 8.96 | 1085 |" in content.text
    assert content.method == "vlm" and content.recogniser == "vlm-table@test-vlm"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("<table><tr><td>Metal</td><td>Density", "unclosed"),
        ("Metal | Density | Melting", "no <table>"),
        ("", "empty"),
        (GOOD_TABLE.replace("8.96", "9.99").replace("Copper", "Nickel"), "invented text"),
        ("<table><tr><td>Metal</td></tr></table>", "incomplete"),
    ],
)
def test_bad_tables_are_rejected(
    vlm_server: ScriptedServer, sample: SamplePage, answer: str, reason: str
) -> None:
    vlm_server.script = [("ok", answer)]
    rec = _loaded(VlmTableRecogniser, vlm_server)
    assert rec.recognise([sample.crop(sample.table)]) == [None]
    [(region_id, message)] = rec.last_errors
    assert region_id == sample.table.id
    assert reason in message, message


def test_failures_fall_back_per_crop_and_reset(
    vlm_server: ScriptedServer, sample: SamplePage
) -> None:
    # Answers arrive in order with concurrency 1: 500 (no retries), a good table, a timeout.
    vlm_server.script = [("status", 500), ("ok", GOOD_TABLE), ("sleep", 1.0, GOOD_TABLE)]
    rec = _loaded(VlmTableRecogniser, vlm_server, timeout_s=0.3)
    crop = sample.crop(sample.table)
    out = rec.recognise([crop, crop, crop])
    assert out[0] is None and out[1] is not None and out[2] is None
    messages = [m for _, m in rec.last_errors]
    assert "HTTP 500" in messages[0] and "timed out" in messages[1]
    vlm_server.script = [("ok", GOOD_TABLE)]
    assert rec.recognise([crop])[0] is not None
    assert rec.last_errors == []


def test_truncated_answer_is_rejected(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    vlm_server.script = [("length", GOOD_TABLE)]
    rec = _loaded(VlmTableRecogniser, vlm_server)
    assert rec.recognise([sample.crop(sample.table)]) == [None]
    assert "cut off" in rec.last_errors[0][1]


def test_page_good_answer_with_front_matter(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    vlm_server.script = [("ok", "---\nprimary_language: en\nis_table: false\n---\n" + GOOD_PAGE)]
    rec = _loaded(VlmPageRecogniser, vlm_server)
    [content] = rec.recognise([sample.crop(sample.page_region)])
    assert content is not None, rec.last_errors
    assert content.text.startswith("# Materials Report")
    assert "| Iron | 7.87 | 1538 |" in content.text  # HTML tables become pipe tables


def test_page_json_natural_text(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    vlm_server.script = [("ok", json.dumps({"primary_language": "en", "natural_text": GOOD_PAGE}))]
    rec = _loaded(VlmPageRecogniser, vlm_server)
    [content] = rec.recognise([sample.crop(sample.page_region)])
    assert content is not None and "Solar panels" in content.text


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (INVENTED, "invented text"),
        (GOOD_PAGE + "\n" + "and the cells and the cells " * 12, "repetition loop"),
        ("   \n", "empty"),
        ('{"natural_text": null}', "empty"),
    ],
)
def test_page_bad_answers_are_rejected(
    vlm_server: ScriptedServer, sample: SamplePage, answer: str, reason: str
) -> None:
    vlm_server.script = [("ok", answer)]
    rec = _loaded(VlmPageRecogniser, vlm_server)
    assert rec.recognise([sample.crop(sample.page_region)]) == [None]
    assert reason in rec.last_errors[0][1], rec.last_errors


class _FakeOcr:
    name = "fake-ocr"

    def __init__(self, words: Sequence[str], confidence: float = 0.9) -> None:
        self.words = list(words)
        self.confidence = confidence
        self.calls = 0

    def load(self) -> None:
        return

    def read(self, images: Sequence[Image.Image]) -> list[list[OcrWord]]:
        self.calls += 1
        return [[OcrWord(w, BBox(0, 0, 1, 1), self.confidence) for w in self.words] for _ in images]


def test_page_without_text_layer_is_checked_against_ocr(
    vlm_server: ScriptedServer, sample: SamplePage
) -> None:
    from pdf2md.backend import RegionCrop
    from pdf2md.model import PageTriage

    triage = PageTriage(has_text_layer=False, needs_ocr=True, reason="scanned")
    crop = RegionCrop(sample.page_region, sample.doc.page(0), triage)
    ocr_words = " ".join([*PARAGRAPH, "Materials Report", *(c for r in TABLE for c in r)]).split()
    vlm_server.script = [("ok", GOOD_PAGE), ("ok", INVENTED)]
    rec = _loaded(VlmPageRecogniser, vlm_server)
    fake = _FakeOcr(ocr_words)
    rec.reference.ocr_engine = fake
    assert rec.recognise([crop])[0] is not None
    assert rec.recognise([crop]) == [None]
    assert fake.calls == 2 and "invented" in rec.last_errors[0][1]


def test_load_without_endpoint_says_how() -> None:
    with pytest.raises(BackendUnavailable, match="--vlm-url"):
        VlmTableRecogniser(BackendContext()).load()


def test_api_key_comes_from_the_environment(
    vlm_server: ScriptedServer, sample: SamplePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDF2MD_TEST_VLM_KEY", "k-123")
    vlm_server.script = [("ok", GOOD_TABLE)]
    _loaded(VlmTableRecogniser, vlm_server).recognise([sample.crop(sample.table)])
    assert vlm_server.headers[0]["Authorization"] == "Bearer k-123"


def test_figure_description(vlm_server: ScriptedServer, sample: SamplePage, tmp_path) -> None:
    from pdf2md.backend import DirectoryAssetSink
    from pdf2md.profile import Profile

    figure = Region(id="p0-r9", kind=RegionKind.FIGURE, bbox=BBox(40, 160, 340, 240), page_index=0)
    vlm_server.script = [("ok", "A table of [three] metals."), ("ok", "chart " * 60)]
    base = vlm_context(vlm_server.url)
    rec = VlmFigureRecogniser(BackendContext(profile=base.profile))
    rec.load()
    crop = replace(sample.crop(figure), assets=DirectoryAssetSink(tmp_path, "img"))
    [content] = rec.recognise([crop])
    assert content is not None
    assert content.text == "![A table of (three) metals.](img/p1-r9.png)"
    assert (tmp_path / "p1-r9.png").read_bytes()[:4] == b"\x89PNG"
    assert rec.recognise([sample.crop(figure)]) == [None]
    assert "repetition" in rec.last_errors[0][1]
    assert isinstance(Profile(), Profile)


def test_math_latex(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    eq = Region(id="p0-r5", kind=RegionKind.EQUATION, bbox=BBox(35, 300, 200, 330), page_index=0)
    vlm_server.script = [
        ("ok", "$$ E = mc^{2} $$"),
        ("ok", "\\frac{a}{b"),
        ("ok", "x = 1 \\text{because the reviewers insisted on a longer proof here}"),
    ]
    rec = _loaded(VlmMathRecogniser, vlm_server)
    crop = sample.crop(eq)
    assert rec.recognise([crop])[0].text == "$$\nE = mc^{2}\n$$"
    assert rec.recognise([crop]) == [None] and "unbalanced" in rec.last_errors[0][1]
    assert rec.recognise([crop]) == [None]


def test_blank_page_accepts_an_empty_answer(vlm_server: ScriptedServer, tmp_path) -> None:
    import pymupdf

    from pdf2md.backend import RegionCrop
    from pdf2md.source import open_pdf

    doc = pymupdf.open()
    doc.new_page(width=200, height=200)
    doc.save(tmp_path / "blank.pdf")
    doc.close()
    region = Region(id="p0-r0", kind=RegionKind.TEXT, bbox=BBox(0, 0, 200, 200), page_index=0)
    vlm_server.script = [("ok", ""), ("ok", "A lovely poem about the sea and the sky and the sun.")]
    rec = _loaded(VlmPageRecogniser, vlm_server)
    with open_pdf(tmp_path / "blank.pdf") as src:
        crop = RegionCrop(region, src.page(0))
        [content] = rec.recognise([crop])
        assert content is not None and content.text == ""
        assert rec.recognise([crop]) == [None]  # words on a page that has none
    assert "invented text" in rec.last_errors[0][1]


def test_words_inside_pictures_are_checked_against_ocr(
    vlm_server: ScriptedServer, sample: SamplePage, tmp_path
) -> None:
    import io

    import pymupdf
    from PIL import ImageDraw

    from pdf2md.backend import RegionCrop
    from pdf2md.source import open_pdf

    chart = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(chart).text((10, 40), "quarterly revenue chart", fill="black")
    png = io.BytesIO()
    chart.save(png, format="PNG")
    doc = pymupdf.open(sample.doc.path)
    doc[0].insert_image(pymupdf.Rect(40, 260, 340, 360), stream=png.getvalue())
    doc.save(tmp_path / "with_chart.pdf")
    doc.close()
    label = (
        "Chart: quarterly revenue by region for the northern eastern southern and "
        "western offices over two years"
    )
    vlm_server.script = [("ok", GOOD_PAGE + "\n\n" + label)]
    with open_pdf(tmp_path / "with_chart.pdf") as src:
        crop = RegionCrop(sample.page_region, src.page(0))
        rec = _loaded(VlmPageRecogniser, vlm_server)
        rec.reference.use_ocr = False  # no OCR: the chart's words look invented
        assert rec.recognise([crop]) == [None]
        assert "invented text" in rec.last_errors[0][1]
        fake = _FakeOcr(label.replace(":", "").split())
        rec = _loaded(VlmPageRecogniser, vlm_server)
        rec.reference.ocr_engine = fake
        [content] = rec.recognise([crop])
        assert content is not None, rec.last_errors
        assert fake.calls == 1  # only the picture was OCR'd, not the whole page


def test_unsure_ocr_does_not_judge(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    from pdf2md.backend import RegionCrop
    from pdf2md.model import PageTriage

    triage = PageTriage(has_text_layer=False, needs_ocr=True, reason="handwriting")
    crop = RegionCrop(sample.page_region, sample.doc.page(0), triage)
    vlm_server.script = [("ok", INVENTED), ("ok", "cells " * 40)]
    rec = _loaded(VlmPageRecogniser, vlm_server)
    rec.reference.ocr_engine = _FakeOcr(["scribble", "zz", "qq"], confidence=0.3)
    assert rec.recognise([crop])[0] is not None  # OCR too unsure to call anything invented
    assert rec.recognise([crop]) == [None]  # structural checks still apply
    assert "repetition loop" in rec.last_errors[0][1]
