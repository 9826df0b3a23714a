"""Fault injection: hostile PDFs fail one page at a time, with a clear record, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import pdf2md.page_limits as page_limits
import pdf2md.pipeline as pipeline
from pdf2md.cli import parse_pages
from pdf2md.errors import LimitExceeded
from pdf2md.model import ErrorItem
from pdf2md.pipeline import convert
from pdf2md.profile import Profile, RenderSettings
from tests.faults.hostile import (
    deflate_bomb_pdf,
    huge_page_pdf,
    injection_pdf,
    nested_forms_pdf,
)

ROOT = Path(__file__).resolve().parents[2]


def _md(*words: str) -> str:
    """The Markdown of the given pages of :func:`nested_forms_pdf`."""
    return "\n\n".join(f"{w} is the text of this page." for w in words) + "\n"


def _cli(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "pdf2md", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        **kw,
    )


def test_nested_forms_fail_their_page_only(tmp_path: Path) -> None:
    pdf = nested_forms_pdf(tmp_path / "nested.pdf")
    result = convert(pdf, profile="fast")
    assert result.status == "partial"
    assert result.errors == (
        ErrorItem(
            stage="source", page_index=1, message="Form XObjects nested 500 deep (the limit is 64)"
        ),
    )
    assert result.markdown == _md("Alpha", "Charlie")
    assert result.document is not None
    assert [p.method for p in result.document.pages] == ["text-layer", "failed", "text-layer"]


def test_nested_forms_raise_under_strict(tmp_path: Path) -> None:
    pdf = nested_forms_pdf(tmp_path / "nested.pdf")
    with pytest.raises(LimitExceeded, match="nested 500 deep"):
        convert(pdf, profile="fast", strict=True)


def test_nesting_under_the_limit_converts(tmp_path: Path) -> None:
    pdf = nested_forms_pdf(tmp_path / "nested.pdf", depth=20)
    result = convert(pdf, profile="fast")
    assert result.status == "ok"
    assert result.markdown == _md("Alpha", "Bravo", "Charlie")


def test_mupdf_stack_overflow_is_one_page_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """With the bound lifted, MuPDF's own failure on the page is recorded the same way."""
    monkeypatch.setattr(page_limits, "MAX_FORM_DEPTH", 10_000)
    result = convert(nested_forms_pdf(tmp_path / "nested.pdf"), profile="fast")
    assert result.status == "partial"
    assert [(e.stage, e.page_index) for e in result.errors] == [("source", 1)]
    assert "stack overflow" in result.errors[0].message
    assert result.markdown == _md("Alpha", "Charlie")


@pytest.mark.parametrize("stage", ["triage_page", "order_regions", "recognise_regions"])
def test_any_stage_failure_fails_one_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    pdf = nested_forms_pdf(tmp_path / "three.pdf", depth=2)
    real = getattr(pipeline, stage)

    def pages_of(first: Any) -> set[int]:
        if stage == "triage_page":
            return {first.page_index}
        if stage == "order_regions":
            return {r.page_index for r in first}
        return {c.region.page_index for c in first}

    def broken(first: Any, *args: object, **kw: object) -> object:
        if 1 in pages_of(first):
            raise ValueError("bad page")
        return real(first, *args, **kw)

    monkeypatch.setattr(pipeline, stage, broken)
    result = convert(pdf, profile="fast")
    assert result.status == "partial"
    assert result.errors == (
        ErrorItem(stage="source", page_index=1, message="ValueError: bad page"),
    )
    assert result.markdown == _md("Alpha", "Charlie")


def test_assembly_failure_keeps_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object, **kw: object) -> object:
        raise KeyError("oops")

    monkeypatch.setattr(pipeline, "assemble_document", broken)
    result = convert(nested_forms_pdf(tmp_path / "p.pdf", depth=2), profile="fast")
    assert result.status == "partial"
    assert result.errors == (ErrorItem(stage="document", message="KeyError: 'oops'"),)
    assert "Charlie is the text of this page." in result.markdown


def test_deflate_bomb_page_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(page_limits, "MAX_PAGE_STREAM_BYTES", 1 << 20)
    pdf = deflate_bomb_pdf(tmp_path / "bomb.pdf", inflated_bytes=8 << 20)
    assert pdf.stat().st_size < 100_000
    result = convert(pdf, profile="fast")
    assert result.status == "partial"
    assert result.errors == (
        ErrorItem(
            stage="source",
            page_index=1,
            message="content streams decompress to more than 1 MiB (a compression bomb?)",
        ),
    )
    assert result.markdown == "The page before the bomb.\n"


def test_stream_bytes_stops_at_the_budget(tmp_path: Path) -> None:
    import pymupdf

    pdf = deflate_bomb_pdf(tmp_path / "bomb.pdf", inflated_bytes=64 << 20)
    with pymupdf.open(pdf) as doc:
        xref = doc[1].get_contents()[0]
        started = time.perf_counter()
        seen = page_limits.stream_bytes(doc, xref, budget=1 << 20)
        assert time.perf_counter() - started < 1.0
    assert 1 << 20 < seen <= (1 << 20) + (1 << 21)  # counted a chunk past the budget, no more


def test_huge_page_keeps_its_text_and_says_why_it_rendered_small(tmp_path: Path) -> None:
    pdf = huge_page_pdf(tmp_path / "huge.pdf")
    result = convert(pdf, profile="fast", images_dir=tmp_path / "img")
    assert result.status == "partial"
    assert result.errors == (
        ErrorItem(
            stage="source",
            page_index=0,
            message="rendered at 50 dpi instead of 120: 10000x10000 pt is over the render"
            " limit of 50 megapixels",
        ),
    )
    assert result.markdown == (
        "Real text on a huge page that must survive.\n\n![figure](img/p1-r1-figure.png)\n"
    )
    from PIL import Image

    with Image.open(tmp_path / "img" / "p1-r1-figure.png") as image:
        assert image.size == (6946, 6946)  # 10000 pt at 50 dpi: under 50 megapixels


def test_capped_dpi() -> None:
    assert page_limits.capped_dpi(612, 792, 300) == 300
    assert page_limits.capped_dpi(14400, 14400, 150) == 35
    assert page_limits.capped_dpi(1e9, 1e9, 150) == 1


def test_billion_page_range_is_refused_at_once(tmp_path: Path) -> None:
    pages = parse_pages("1-1000000000")
    assert len(pages) == 1_000_000_000 and pages[-1] == 999_999_999
    pdf = nested_forms_pdf(tmp_path / "p.pdf", depth=2)
    started = time.perf_counter()
    result = convert(pdf, profile="fast", pages=pages)
    assert time.perf_counter() - started < 5
    assert result.status == "failed"
    assert result.errors[0].message == "page 4 out of range: the document has 3 pages"
    done = _cli(str(pdf), "-p", "fast", "--pages", "2-1000000000,1")
    assert done.returncode == 1
    assert done.stderr == "pdf2md: error: page 4 out of range: the document has 3 pages\n"


def test_page_ranges_keep_order_and_drop_repeats(tmp_path: Path) -> None:
    pdf = nested_forms_pdf(tmp_path / "p.pdf", depth=2)
    result = convert(pdf, profile="fast", pages=parse_pages("3,1-2,1"))
    assert result.markdown == _md("Charlie", "Alpha", "Bravo")


def test_injected_html_and_links_are_defused(tmp_path: Path) -> None:
    pdf = injection_pdf(tmp_path / "inject.pdf")
    result = convert(pdf, profile="fast")
    assert result.markdown == (
        "&lt;script>alert(1)&lt;/script>\n\n"
        "&lt;img src=x onerror=alert(2)>\n\n"
        "\\[click](javascript:alert(3))\n\n"
        "[remote](https://example.com/track.png)\n\n"
        "Evil link here.\n\n"
        "[Good link here.](https://example.org/)\n"
    )
    assert result.document is not None
    texts = [b.content.text for p in result.document.pages for b in p.blocks]
    assert not any("<script" in t or "<img" in t for t in texts)  # the JSON is safe too


def test_raw_html_only_when_the_profile_allows_it(tmp_path: Path) -> None:
    pdf = injection_pdf(tmp_path / "inject.pdf")
    profile = Profile(name="fast", render=RenderSettings(allow_raw_html=True))
    result = convert(pdf, profile=profile.model_copy(update={"layout": Profile().layout}))
    assert result.markdown.startswith("<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>")
    assert "\\[click](javascript:alert(3))" in result.markdown  # links are checked all the same
    toml = tmp_path / "raw.toml"
    toml.write_text('[render]\nallow_raw_html = "yes please"\n')
    done = _cli(str(pdf), "-p", str(toml))
    assert done.returncode == 2
    assert done.stderr.startswith("pdf2md: error: overrides: render.allow_raw_html:") or (
        done.stderr.startswith(f"pdf2md: error: {toml}: render.allow_raw_html:")
    )


def test_flipped_header_byte_is_left_to_mupdf(tmp_path: Path) -> None:
    data = bytearray(nested_forms_pdf(tmp_path / "p.pdf", depth=2).read_bytes())
    data[2] ^= 0x01  # %PDF -> %PEF
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    assert convert(flipped, profile="fast").status == "ok"
    text = tmp_path / "text.pdf"
    text.write_text("just some words\n")
    result = convert(text, profile="fast")
    assert result.status == "failed"
    assert result.errors[0].message == f"{text}: not a PDF (no %PDF header)"


def test_no_onnxruntime_telemetry_files(tmp_path: Path) -> None:
    """A conversion that builds ONNX Runtime sessions (pymupdf's layout model, rapid-layout
    and the orientation classifier of the scanned profile) writes nothing under ~/.cache."""
    pytest.importorskip("onnxruntime")
    pdf = huge_page_pdf(tmp_path / "huge.pdf")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")
    }
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    code = (
        "import sys, pdf2md, onnxruntime;"
        "from pdf2md.pipeline import convert;"
        "r = convert(sys.argv[1], profile='default');"
        "assert 'Real text' in r.markdown, r;"
        "import pymupdf.layout"
    )
    subprocess.run([sys.executable, "-c", code, str(pdf)], env=env, check=True, timeout=300)
    assert not (home / ".cache" / "Microsoft").exists()
    assert list(home.rglob("*")) == []


def test_image_declared_past_the_limit_is_recorded(tmp_path: Path) -> None:
    import io

    import pymupdf
    from PIL import Image

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 300), "Text beside a lying image.", fontsize=11)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, "PNG")
    xref = page.insert_image(pymupdf.Rect(100, 400, 300, 600), stream=buf.getvalue())
    doc.xref_set_key(xref, "Width", "30000")
    doc.xref_set_key(xref, "Height", "30000")
    doc.save(tmp_path / "big.pdf")
    result = convert(tmp_path / "big.pdf", profile="fast")
    assert result.status == "partial"
    assert result.errors == (
        ErrorItem(
            stage="source",
            page_index=0,
            message="an image of 30000x30000 px is over the limit of 400 megapixels",
        ),
    )
    assert result.markdown == "Text beside a lying image.\n"


def test_failed_conversion_leaves_no_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from pdf2md.errors import ConversionTimeout

    def late(*args: object, **kw: object) -> object:
        raise ConversionTimeout("document ran past its time limit")

    pdf = huge_page_pdf(tmp_path / "fig.pdf")
    ok = convert(pdf, profile="fast", images_dir=tmp_path / "kept")
    assert [p.name for p in (tmp_path / "kept").iterdir()] == ["p1-r1-figure.png"]
    assert ok.status == "partial"
    monkeypatch.setattr(pipeline, "_assembled", late)
    result = convert(pdf, profile="fast", images_dir=tmp_path / "img")
    assert result.status == "failed"
    assert result.errors == (
        ErrorItem(stage="timeout", message="document ran past its time limit"),
    )
    assert not (tmp_path / "img").exists()
