"""Inline math in paragraphs (pdf-text): LaTeX fixtures read back as Markdown with ``$...$``."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pdf2md.backend import BackendContext, RegionCrop
from pdf2md.layout.refine import equation_not_text
from pdf2md.model import BBox, Region, RegionKind
from pdf2md.recognise.pdf_math import PdfMathRecogniser
from pdf2md.recognise.pdf_text import PdfTextRecogniser, _strip_marker
from pdf2md.source import PageView
from tests.recognise.mathcheck import compile_fixture

# (page of fixtures_math/text.tex, a piece of Markdown the paragraph must hold)
EXPECTED = [
    (0, "In particular it follows that"),
    (0, r"\subset\mathbb{R}^{m}$ is a sub vector space of dimension $r$"),
    (0, "for every element of the coalgebra, so that the words of each line"),
    (1, r"$\overline{U}\cap V=U\cap V$, where"),
    (2, r"(x_{1}^{2}+x_{2}^{2}+1)^{-\frac{1}{2}}$ is positive"),
    (3, r"$K-1<\lfloor\frac{3}{2}K\rfloor$ and so on"),
    (4, r"$\bar{\mathcal{A}}_{u}\in\mathbb{R}^{n\times n}$ are given"),
    (5, r"$h^{2}+\overline{g}^{2}\geq0$ holds"),
    (6, r"The function $\operatorname{ex}(n,H)$ counts"),
    (6, r"satisfies $\Psi\Phi=\operatorname{id}$. Then"),
    (6, r"$C_{\min}:=\min_{i,j}n_{i,j}$ and"),
    (6, r"$e\in\operatorname{int}(B)$ hold"),
    (8, r"the map $\xi\mapsto y$ and the inclusion $Z\hookrightarrow X$ and"),
    (8, r"X\longrightarrow Y$."),
    (8, r"$L^{2}(\Omega,\mathbb{R}_{\text{sym}}^{3\times3})$ here"),
    (9, r"under the map $\xi\mapsto y(T,\cdot;\xi;y_{0};u)$ is finite."),
    (9, r"Note that $0<\nu(r)<1$ for all radii."),
    (10, r"$E[p^{\infty}]^{G_{K_{\infty,p}}}=0$ and"),
    (10, r"$d(x_{1}^{\prime},y)=d(x_{1}^{\prime},v_{i_{l}})$ here"),
    (12, r"if $E\in\big|\omega_{X}^{\otimes k}\otimes\alpha\big|$ then"),
    (12, r"Then $\lambda_{g}=\lambda_{g^{\prime}}$ and"),
    (12, r"and $\lambda_{g}=\sum_{i=1}^{k}c_{i}$ as claimed"),
]


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory: pytest.TempPathFactory) -> pymupdf.Document:
    return pymupdf.open(compile_fixture("text", tmp_path_factory.mktemp("tex")))


def paragraph_markdown(page: pymupdf.Page, index: int, kind: RegionKind = RegionKind.TEXT) -> str:
    """The whole page read as one region of ``kind`` by ``pdf-text``."""
    view = PageView(page, index)
    box = BBox.enclosing([ln.bbox for ln in view.lines]).pad(2.0)
    region = Region(id=f"p{index}-r0", kind=kind, bbox=box, page_index=index)
    content = PdfTextRecogniser(BackendContext()).recognise([RegionCrop(region, view)])[0]
    assert content is not None
    return " ".join(content.text.split())


@pytest.mark.parametrize(("page", "piece"), EXPECTED)
def test_inline_math_in_paragraph(text_pdf: pymupdf.Document, page: int, piece: str) -> None:
    assert piece in paragraph_markdown(text_pdf[page], page)


def test_inline_math_in_list_item(text_pdf: pymupdf.Document) -> None:
    markdown = paragraph_markdown(text_pdf[7], 7, RegionKind.LIST_ITEM)
    assert markdown.startswith("- ")
    assert r"$\eta_{F}:[0,\infty)\to[0,\infty)$ that increases" in markdown


def test_big_operator_smaller_than_the_text_is_no_script(tmp_path: Path) -> None:
    doc = pymupdf.open(compile_fixture("big12", tmp_path))
    view = PageView(doc[0], 0)
    display = BBox.enclosing([ln.bbox for ln in view.lines if "where" not in ln.text])
    region = Region(id="p0-r0", kind=RegionKind.EQUATION, bbox=display, page_index=0)
    content = PdfMathRecogniser(BackendContext()).recognise([RegionCrop(region, view)])[0]
    assert content is not None
    assert r"x=\sum_{i=1}^{5}\varepsilon_{i}x_{i}\leq1" in content.text
    assert r"where $\prod\varepsilon_{i}=1$ holds" in paragraph_markdown(doc[0], 0)


def _swap_greek_variants(doc: pymupdf.Document) -> None:
    """Map phi/varphi and epsilon/varepsilon the wrong way round, as the Adobe glyph list does."""
    swaps = {b"<03D5>": b"<03C6>", b"<03C6>": b"<03D5>", b"<03F5>": b"<03B5>", b"<03B5>": b"<03F5>"}
    for xref in range(1, doc.xref_length()):
        kind, value = doc.xref_get_key(xref, "ToUnicode")
        if kind != "xref":
            continue
        target = int(value.split()[0])
        cmap = doc.xref_stream(target)
        for old in swaps:
            cmap = cmap.replace(old, old.lower())
        for old, new in swaps.items():
            cmap = cmap.replace(old.lower(), new)
        doc.update_stream(target, cmap)


def test_greek_variants_told_apart_by_glyph_width(tmp_path: Path) -> None:
    doc = pymupdf.open(compile_fixture("text", tmp_path))
    _swap_greek_variants(doc)
    markdown = paragraph_markdown(doc[11], 11)
    assert r"$\varphi(x)+\phi(y)$ with $\varepsilon_{i}$ and $\epsilon$ small" in markdown


def test_wide_accent_and_bold_vectors_in_text(tmp_path: Path) -> None:
    doc = pymupdf.open(compile_fixture("big12", tmp_path))
    markdown = paragraph_markdown(doc[1], 1)
    assert r"$a_{1}\in\widetilde{S}_{s}^{m-1,k}$. Moreover" in markdown
    assert r"satisfy $\mathbf{x}\in\mathbb{R}^{n}$ and" in markdown
    assert r"and $\mathbf{l}_{i}=\mathbf{u}_{i}$ here" in markdown


def test_left_equation_number_big_braces_and_mid(tmp_path: Path) -> None:
    doc = pymupdf.open(compile_fixture("leqno", tmp_path))
    view = PageView(doc[0], 0)
    box = BBox.enclosing([ln.bbox for ln in view.lines]).pad(3.0)
    region = Region(id="p0-r0", kind=RegionKind.EQUATION, bbox=box, page_index=0)
    content = PdfMathRecogniser(BackendContext()).recognise([RegionCrop(region, view)])[0]
    assert content is not None
    # the full stop the page prints after the formula stays in it (issue 12, point 6)
    assert r"K=\left\{u\in V\mid u\leq\phi_{1}\right\}. \tag{1}" in content.text


def test_bullet_written_as_math_is_stripped_from_a_list_item() -> None:
    assert _strip_marker(r"$\bullet$ Annealing: a sample") == "Annealing: a sample"
    assert _strip_marker(r"$x$ is a letter") == r"$x$ is a letter"


def test_display_formula_in_text_italics_is_an_equation(tmp_path: Path) -> None:
    doc = pymupdf.open(compile_fixture("wordmath", tmp_path))
    view = PageView(doc[0], 0)
    box = BBox.enclosing([ln.bbox for ln in view.lines if "formula" not in ln.text]).pad(1.0)
    region = Region(id="p0-r0", kind=RegionKind.TEXT, bbox=box, page_index=0)
    assert equation_not_text(region, view).kind == RegionKind.EQUATION
    prose = _line_region(view, "not a formula")
    assert prose is None or equation_not_text(prose, view).kind == RegionKind.TEXT


def _line_region(view: PageView, text: str) -> Region | None:
    lines = [ln for ln in view.lines if text in ln.text]
    if not lines:
        return None
    box = BBox.enclosing([ln.bbox for ln in lines])
    return Region(id="p0-r1", kind=RegionKind.TEXT, bbox=box, page_index=0)
