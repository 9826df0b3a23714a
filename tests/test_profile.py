"""Profiles: strict validation, precedence and sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf2md.errors import ConfigError
from pdf2md.profile import load_profile, profile_names, resolve_profile
from pdf2md.registry import RECOGNISERS
from pdf2md.route import validate_route


def test_bundled_profiles_load_and_route_names_exist() -> None:
    for name in profile_names():
        profile = load_profile(name)
        validate_route(profile.route)
    assert {"default", "fast"} <= set(profile_names())


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text('[ocr]\nengnie = "tesseract"\n')
    with pytest.raises(ConfigError, match="engnie"):
        load_profile(str(path))


def test_precedence_cli_over_env_over_file() -> None:
    resolved = resolve_profile(
        "default",
        env={"PDF2MD_OCR__MODE": "off", "PDF2MD_OCR__ENGINE": "rapidocr"},
        overrides={"ocr.mode": "force"},
    )
    assert resolved.profile.ocr.mode == "force"
    assert resolved.sources["ocr.mode"] == "cli"
    assert resolved.profile.ocr.engine == "rapidocr"
    assert resolved.sources["ocr.engine"] == "env:PDF2MD_OCR__ENGINE"
    assert resolved.sources["layout.backend"].startswith("profile:")


def test_unknown_recogniser_in_route_lists_known() -> None:
    profile = resolve_profile("default", overrides={"route.table": ["tabel-model"]}).profile
    with pytest.raises(ConfigError, match=r"known: .*pdf-text"):
        validate_route(profile.route)
    assert "pdf-text" in RECOGNISERS


def test_profile_hash_changes_with_values() -> None:
    a = resolve_profile("default").profile.hash
    b = resolve_profile("default", overrides={"ocr.dpi": 300}).profile.hash
    assert a != b


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[layout]\nbackend = "pymupdf-layuot"\n',
            r"layout\.backend: unknown layout 'pymupdf-layuot'",
        ),
        ('[layout]\nscanned_backend = "rapid-layot"\n', r"layout\.scanned_backend: unknown layout"),
        ('[layout]\nfallback = "heuristic"\n', r"layout\.fallback: unknown layout 'heuristic'"),
        ('[ocr]\nengine = "tesserakt"\n', r"ocr\.engine: unknown ocr engine 'tesserakt'"),
        ('[ocr]\nfallback_engine = "rapid"\n', r"ocr\.fallback_engine: unknown ocr engine"),
        ('[route]\ntext = ["pdf-txt"]\n', r"route\.text: unknown recogniser 'pdf-txt'"),
        ("[options.pdf-txt]\nkeep = 1\n", r"\[options\.pdf-txt\]: no backend is named 'pdf-txt'"),
        ("[options.pdf-text]\nnot_a_key = 1\n", r"options\.pdf-text\.not_a_key"),
        ('[options.tesseract]\npsm = "six"\n', r"options\.tesseract\.psm"),
        ("[options.pymupdf-layout]\nbogus = true\n", r"options\.pymupdf-layout\.bogus"),
    ],
)
def test_every_typo_is_one_config_error_when_the_converter_is_built(
    tmp_path: Path, toml: str, message: str
) -> None:
    from pdf2md.pipeline import Converter

    path = tmp_path / "typo.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        Converter(str(path))


def test_every_bundled_profile_passes_the_whole_check() -> None:
    from pdf2md.route import validate_profile

    for name in profile_names():
        validate_profile(load_profile(name))
