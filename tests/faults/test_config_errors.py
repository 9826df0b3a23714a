"""Configuration errors: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pdf2md.cli import app
from tests.faults.hostile import nested_forms_pdf

runner = CliRunner()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    return nested_forms_pdf(tmp_path / "p.pdf", depth=2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'name = "caf\xe9"\n', "not UTF-8 text (byte 11)"),
        (
            b'[route]\ntext = ["no-such-reader"]\n',
            "route.text: unknown recogniser 'no-such-reader'",
        ),
        (
            b"[render]\nallow_raw_html = 3\n",
            "render.allow_raw_html: Input should be a valid boolean",
        ),
    ],
)
def test_bad_profile_file(pdf: Path, tmp_path: Path, content: bytes, message: str) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_bytes(content)
    result = runner.invoke(app, ["convert", str(pdf), "-p", str(toml)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("pdf2md: error: ") and message in result.stderr


def test_missing_profile_file_says_no_such_file(pdf: Path) -> None:
    result = runner.invoke(app, ["convert", str(pdf), "-p", "/missing.toml"])
    assert result.exit_code == 2
    assert result.stderr == "pdf2md: error: profile /missing.toml: no such file\n"


def test_unknown_bundled_name_lists_the_bundled_ones(pdf: Path) -> None:
    result = runner.invoke(app, ["convert", str(pdf), "-p", "nonesuch"])
    assert result.exit_code == 2
    assert result.stderr.startswith("pdf2md: error: unknown profile 'nonesuch'; bundled: ")
