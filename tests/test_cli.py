"""The command line, through typer's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pdf2md.cli import _register_optional_commands, app, parse_pages

runner = CliRunner()
_register_optional_commands()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_convert_to_file_and_images(simple_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "simple.md"
    result = _run("convert", str(simple_pdf), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("## 1 Introduction")


def test_json_format_has_blocks(simple_pdf: Path) -> None:
    result = _run("convert", str(simple_pdf), "--format", "json", "-q")
    data = json.loads(result.stdout)
    block = data["pages"][0]["blocks"][0]
    assert block["region"]["kind"] == "section_header"
    assert block["content"]["recogniser"].startswith("pdf-text@")
    assert len(block["region"]["bbox"]) == 4


def test_bad_input_one_line_error_no_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    out = tmp_path / "bad.md"
    result = _run("convert", str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert not out.exists()
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("pdf2md: error:")


def test_bad_page_spec_is_usage_error(simple_pdf: Path) -> None:
    result = _run("convert", str(simple_pdf), "--pages", "3-1")
    assert result.exit_code == 2


def test_parse_pages() -> None:
    assert parse_pages("1-3,7,2") == [0, 1, 2, 6]


def test_profile_show_reports_sources(monkeypatch: object) -> None:
    result = runner.invoke(app, ["profile", "show", "fast"], env={"PDF2MD_OCR__ENGINE": "rapidocr"})
    assert result.exit_code == 0
    assert "layout.backend" in result.stdout and "profile:" in result.stdout
    assert "[env:PDF2MD_OCR__ENGINE]" in result.stdout


def test_unknown_profile_lists_known(simple_pdf: Path) -> None:
    result = _run("convert", str(simple_pdf), "--profile", "nope")
    assert result.exit_code == 2 and "default" in result.stderr


def test_console_entry_point_shorthand(simple_pdf: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pdf2md", str(simple_pdf), "--pages", "1", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Introduction" in proc.stdout
