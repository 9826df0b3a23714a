"""Valid output (issue 12, point 6): formulas KaTeX renders, every glyph kept, markers outside
math, escapes only where Markdown needs them."""

from __future__ import annotations

import pytest

from pdf2md.errors import BackendUnavailable
from pdf2md.math.formula import Formula
from pdf2md.math.inline import inline_markdown
from pdf2md.math.katex_check import katex_problem, known_commands
from pdf2md.model import BBox
from pdf2md.recognise.pdf_text import escape_paragraph_start
from pdf2md.source import TextLine, TextSpan


def _span(text: str, x0: float, *, font: str = "Times-Roman") -> TextSpan:
    return TextSpan(
        text=text,
        bbox=BBox(x0, 90, x0 + len(text) * 5.0, 102),
        font=font,
        size=10.0,
        flags=0,
        color=0,
        origin_y=100.0,
    )


def _line(*spans: TextSpan) -> TextLine:
    return TextLine(bbox=BBox.enclosing([s.bbox for s in spans]), spans=spans, block_index=0)


def test_an_exercise_number_stays_outside_the_formula() -> None:
    line = _line(_span("150.", 72), _span("s(t) = 2t + 8", 98, font="CMMI10"))
    assert inline_markdown(line, 10.0) == "150. $s(t)=2t+8$"


def test_a_bullet_stays_outside_the_formula_and_makes_a_list_item() -> None:
    line = _line(_span("•", 72), _span(" You may freely distribute ", 80), _span("α", 215))
    text = inline_markdown(line, 10.0)
    assert text == r"• You may freely distribute $\alpha$"
    assert escape_paragraph_start(text) == r"- You may freely distribute $\alpha$"
    assert escape_paragraph_start(r"$\bullet$ You may") == "- You may"


def test_escapes_only_where_markdown_would_misread_the_paragraph() -> None:
    # an item number reads as an ordered list starting there: the same text, no backslash
    assert escape_paragraph_start("153. A rocket is fired upward.") == (
        "153. A rocket is fired upward."
    )
    assert escape_paragraph_start("# of items") == r"\# of items"
    assert escape_paragraph_start("- 5 degrees") == r"\- 5 degrees"


def test_punctuation_after_a_display_formula_is_kept() -> None:
    # after a digit the full stop is text: KaTeX would read "0." as one number
    formula = Formula(blocks=("x=a+b, \\tag{3}", "y=0.", "z=x."), confidence=1.0)
    assert formula.markdown() == ("$$\nx=a+b, \\tag{3}\n$$\n\n$$\ny=0\\text{.}\n$$\n\n$$\nz=x.\n$$")


def test_a_formula_katex_would_not_render_is_written_as_text_and_noted() -> None:
    # U+2238 maps to \dotminus, which KaTeX does not define
    line = _line(_span("then ", 10), _span("a ∸ b", 40, font="CMMI10"), _span(" holds", 70))
    rejected: list[str] = []
    assert inline_markdown(line, 10.0, rejected=rejected) == "then a ∸ b holds"
    assert rejected == [r"a\dotminus b: unknown command \dotminus"]


CASES = [
    (r"x^{2}+\alpha", None),
    (r"X\K", r"unknown command \K"),
    (r"^{", "a { with no }"),
    (r"\_", "no formula, only text punctuation"),
    (r"x^{a}^{b}", "two ^ on one base"),
    (r"x^{a} {b}^{c}", None),
    (r"x_{a}^{b}", None),
    (r"\left( x", r"\left and \right do not pair"),
    (r"\left( x \right.", None),
    (r"\begin{aligned} &a=b \\ &c=d \end{aligned}", None),
    (r"a & b", "an & outside an environment"),
    (r"\text{if } x \operatorname{Var}(X)", None),
    (r"f(x)=0, \tag{3}", None),
    (r"x^", "a ^ with nothing after it"),
    (r"x^{a}'", "a prime after a superscript (two ^ on one base)"),
    (r"\mathbf{x}\in\mathbb{R}^{n}", None),
]


@pytest.mark.parametrize(("latex", "problem"), CASES)
def test_katex_check(latex: str, problem: str | None) -> None:
    assert katex_problem(latex) == problem


_SIZERS = frozenset(
    {r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr"}
    | {r"\biggl", r"\biggr", r"\Biggl", r"\Biggr"}
)
_TWO_ARGS = frozenset(
    {r"\frac", r"\dfrac", r"\tfrac", r"\binom", r"\overset", r"\underset", r"\stackrel"}
)


def _usage(command: str) -> str:
    """A use of the command KaTeX accepts wherever it knows the command."""
    if command in _SIZERS:
        return f"{command}( x"
    if command in _TWO_ARGS:
        return f"{command}{{x}}{{y}}"
    special = {
        r"\limits": r"\sum\limits_{i}",
        r"\nolimits": r"\sum\nolimits_{i}",
        r"\hline": r"\begin{array}{c}\hline x\end{array}",
        r"\left": r"\left( x \right)",
        r"\right": r"\left( x \right)",
        r"\middle": r"\left( x \middle| y \right)",
        r"\begin": r"\begin{aligned}x\end{aligned}",
        r"\end": r"\begin{aligned}x\end{aligned}",
        r"\not": r"\not=",
    }
    return special.get(command, f"{command}{{x}}")


def test_the_check_agrees_with_katex_itself() -> None:
    from pdf2md.eval.katex import KatexRenderer

    formulas = [latex for latex, problem in CASES if problem != "no formula, only text punctuation"]
    usages = [_usage(c) for c in sorted(known_commands())]
    items = [(f, True) for f in formulas + usages]
    try:
        rendered = KatexRenderer().render_many(items)
    except BackendUnavailable as err:
        pytest.skip(str(err))
    disagree = [
        latex
        for (latex, _display), mathml in zip(items, rendered)
        if (katex_problem(latex) is None) != (mathml is not None)
    ]
    assert disagree == []


def test_a_backslash_between_sets_is_set_difference() -> None:
    # written raw it made "X\A" (an unknown command) and "R\\{0\}" (an unclosed brace)
    line = _line(_span("for ", 10), _span("y ∈ X \\ K", 40, font="CMMI10"), _span(" here", 90))
    assert inline_markdown(line, 10.0) == r"for $y\in X\setminus K$ here"
