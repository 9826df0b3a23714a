"""Math comparison through KaTeX (needs node and ``npm ci --prefix pdf2md/eval/katex``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import pdf2md.eval.katex as katex_module
from pdf2md.errors import BackendUnavailable
from pdf2md.eval.benchtests import parse_test_record
from pdf2md.eval.katex import KatexRenderer, formula_contained, formulas_match, render_katex
from pdf2md.eval.markdown import parse_markdown
from pdf2md.eval.olmocr import judge

_KATEX = Path(katex_module.__file__).parent / "node_modules" / "katex"
needs_katex = pytest.mark.skipif(
    shutil.which("node") is None or not _KATEX.is_dir(),
    reason="node + katex not installed (npm ci --prefix pdf2md/eval/katex)",
)


@needs_katex
def test_same_formula_different_spelling_matches() -> None:
    assert formulas_match("a^{2}+b^{2}=c^{2}", "a^2 + b^2 = c^2")
    assert formulas_match("\\frac{1}{2}", "\\frac12")
    assert formulas_match("\\int_a^b f(x)\\,dx", "\\int_{a}^{b} f(x) dx")
    assert formulas_match("\\left( x \\right)", "(x)")
    assert formulas_match("\\text{Ann}_R", "\\operatorname{Ann}_{R}")
    assert formulas_match("{{a}}+b", "a+{b}")


@needs_katex
def test_different_formulas_do_not_match() -> None:
    assert not formulas_match("a^2+b^2=c^2", "a^2+b^3=c^2")
    assert not formulas_match("x_1", "x^1")
    assert not formulas_match("\\mathbf{E}", "E")
    assert not formulas_match("\\sin x", "sin x")  # upright function name vs italic letters
    assert not formulas_match("\\frac{", "\\frac{1}{2}")


@needs_katex
def test_render_and_containment() -> None:
    assert render_katex("\\frac{") is None
    rendered = render_katex("x^2")
    assert rendered is not None and "<msup>" in rendered
    assert formula_contained("b^2", "\\frac{a}{b^2}")
    assert not formula_contained("b^3", "\\frac{a}{b^2}")
    # display mode, as olmOCR-bench renders: a numbered equation holds its formula
    assert formula_contained("E=mc^2", "E = mc^2 \\tag{3}")
    assert not formula_contained("E=mc^3", "E = mc^2 \\tag{3}")


@needs_katex
def test_math_test_on_a_page() -> None:
    test = parse_test_record(
        {"id": "m", "pdf": "a.pdf", "page": 1, "type": "math", "math": "e^{i \\pi}+1=0"}
    )
    assert test is not None
    renderer = KatexRenderer()
    good = parse_markdown("Euler: $e^{i\\pi} + 1 = 0$.")
    bad = parse_markdown("Euler: $e^{i\\pi} - 1 = 0$.")
    none = parse_markdown("Euler: e^{i pi} + 1 = 0")
    assert judge(test, good, renderer).passed
    assert not judge(test, bad, renderer).passed
    assert "no math spans" in judge(test, none, renderer).explanation


def test_exact_match_needs_no_node() -> None:
    renderer = KatexRenderer(node="/nonexistent/node")
    assert renderer.render_many([]) == []
    with pytest.raises(BackendUnavailable, match="node"):
        renderer.render_many([("x", False)])
    record = {"id": "m", "pdf": "a.pdf", "page": 1, "type": "math", "math": "x^2 + 1"}
    test = parse_test_record(record)
    assert test is not None
    assert judge(test, parse_markdown("$x^2  +  1$"), renderer).passed
    verdict = judge(test, parse_markdown("$x^{2}+1$"), renderer)
    assert not verdict.passed and "node is not installed" in verdict.explanation
