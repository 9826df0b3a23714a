"""pdf-math: LaTeX documents compiled with pdflatex, read back from the text layer."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.model import BBox, PageTriage, Region, RegionKind
from pdf2md.profile import Profile
from pdf2md.recognise.pdf_math import PdfMathRecogniser
from pdf2md.source import PageView
from tests.recognise.mathcheck import compile_fixture, katex_match, same_formula

# One expected formula per page of fixtures_math/display.tex, in order.
EXPECTED = [
    r"\frac{a+b}{c_{1}}=\sqrt{x^{2}+y^{2}}",
    r"\sum_{i=1}^{n}i=\frac{n(n+1)}{2}",
    r"\int_{0}^{\infty}e^{-t}dt=1",
    r"\alpha+\beta\leq\Gamma\to\infty",
    r"\mathbb{R}^{n}\subset\mathcal{C}\cup\mathfrak{g}\cdot\mathbf{E}",
    r"\hat{x}+\bar{y}+\tilde{z}=\dot{u}",
    r"\left(\frac{1}{2}\right)^{2}",
    r"f(x)=\begin{cases} 1 & x>0 \\ 0 & \text{otherwise} \end{cases}",
    r"A=\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    "\\begin{aligned}\n&a=b+c \\\\\n&d=e\n\\end{aligned}",
    r"E=mc^{2} \tag{1}",
    r"\lim_{n\to\infty}\sin x_{n}=0",
    r"\sqrt[3]{x}\neq y",
    r"\nabla\times\mathbf{E}=-\frac{\partial\mathbf{B}}{\partial t}",
    "\\begin{aligned}\n&f(x)=(x+1)^{2} \\\\\n&\\qquad=x^{2}+2x+1\n\\end{aligned}",
]


@pytest.fixture(scope="module")
def display_pdf(tmp_path_factory: pytest.TempPathFactory) -> pymupdf.Document:
    path = compile_fixture("display", tmp_path_factory.mktemp("tex"))
    return pymupdf.open(path)


def _crop(page: pymupdf.Page, index: int, triage: PageTriage | None = None) -> RegionCrop:
    view = PageView(page, index)
    boxes = [BBox(*b["bbox"]) for b in page.get_text("dict")["blocks"]]
    boxes += [d.bbox for d in view.drawings]
    region = Region(
        id=f"p{index}-r0", kind=RegionKind.EQUATION, bbox=BBox.enclosing(boxes), page_index=index
    )
    return RegionCrop(region=region, page=view, triage=triage)


def _latex(markdown: str) -> str:
    assert markdown.startswith("$$\n") and markdown.endswith("\n$$"), markdown
    return markdown[3:-3]


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_display_formula_matches_source(display_pdf: pymupdf.Document, index: int) -> None:
    recogniser = PdfMathRecogniser(BackendContext())
    [content] = recogniser.recognise([_crop(display_pdf[index], index)])
    assert content is not None
    got = _latex(content.text)
    assert same_formula(EXPECTED[index], got), got
    assert content.recogniser == "pdf-math@1" and content.method == "math"
    assert content.confidence is not None and content.confidence >= 0.5


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_display_formula_renders_like_source(display_pdf: pymupdf.Document, index: int) -> None:
    [content] = PdfMathRecogniser(BackendContext()).recognise([_crop(display_pdf[index], index)])
    assert content is not None
    got = _latex(content.text)
    verdict = katex_match(EXPECTED[index], got)
    if verdict is None:
        pytest.skip("pdf2md.eval.katex not available: local token comparison only")
    assert verdict


def test_untrusted_text_layer_is_not_read(display_pdf: pymupdf.Document) -> None:
    triage = PageTriage(has_text_layer=True, needs_ocr=True, reason="garbled")
    recogniser = PdfMathRecogniser(BackendContext())
    assert recogniser.recognise([_crop(display_pdf[0], 0, triage)]) == [None]


def test_low_confidence_falls_back(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=200, height=100)
    page.insert_font(fontname="dejavu", fontbuffer=_dejavu())
    # A radical sign with no overline rule: the builder doubts its reading and says so.
    page.insert_text((20, 50), "√x = 1", fontname="dejavu", fontsize=12)
    crop = _crop(page, 0)
    strict = PdfMathRecogniser(
        BackendContext(Profile(options={"pdf-math": {"min_confidence": 0.9}}))
    )
    assert strict.recognise([crop]) == [None]
    [lenient] = PdfMathRecogniser(BackendContext()).recognise([crop])
    assert lenient is not None and lenient.confidence is not None and lenient.confidence < 0.9


def test_empty_region_gives_none() -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=200, height=100)
    region = Region(id="p0-r0", kind=RegionKind.EQUATION, bbox=BBox(10, 10, 100, 50), page_index=0)
    crop = RegionCrop(region=region, page=PageView(page, 0))
    assert PdfMathRecogniser(BackendContext()).recognise([crop]) == [None]


def test_unicode_math_from_a_non_tex_pdf() -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=100)
    page.insert_font(fontname="dejavu", fontbuffer=_dejavu())
    page.insert_text((20, 50), "∀ε > 0 ∃δ: |x − y| < δ ⇒ x ∈ ℝ", fontname="dejavu", fontsize=12)
    [content] = PdfMathRecogniser(BackendContext()).recognise([_crop(page, 0)])
    assert content is not None
    got = _latex(content.text)
    assert same_formula(
        (
            r"\forall\varepsilon>0\exists\delta:|\mathrm{x}-\mathrm{y}|<\delta\Rightarrow\mathrm{x}\in\mathbb{R}"
        ),
        got,
    ), got


def _dejavu() -> bytes:
    from pathlib import Path as _P

    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if _P(candidate).exists():
            return _P(candidate).read_bytes()
    pytest.skip("no DejaVu font for the Unicode math fixture")
