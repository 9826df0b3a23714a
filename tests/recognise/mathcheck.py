"""Shared helpers for the math tests: compile LaTeX fixtures and compare formulas."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures_math"

_ALIASES = {
    r"\le": r"\leq",
    r"\ge": r"\geq",
    r"\ne": r"\neq",
    r"\rightarrow": r"\to",
    r"\lbrace": r"\{",
    r"\rbrace": r"\}",
    r"\dots": r"\ldots",
}
_TOKEN_RE = re.compile(r"\\[A-Za-z]+|\\.|\S")


def compile_fixture(name: str, tmp_dir: Path) -> Path:
    """Compile ``fixtures_math/<name>.tex`` with pdflatex into ``tmp_dir``; skip without TeX."""
    if shutil.which("pdflatex") is None:
        pytest.skip(
            "pdflatex not installed (apt-get install texlive-latex-base "
            "texlive-latex-recommended texlive-fonts-recommended)"
        )
    source = tmp_dir / f"{name}.tex"
    shutil.copy(FIXTURES / f"{name}.tex", source)
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_dir,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return tmp_dir / f"{name}.pdf"


def tokens(latex: str) -> list[str]:
    """A canonical token stream: aliases unified, braces around one script token dropped."""
    toks = [_ALIASES.get(t, t) for t in _TOKEN_RE.findall(latex)]
    out: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i] == "{" and i + 2 < len(toks) and toks[i + 2] == "}" and out and out[-1] in "^_":
            out.append(toks[i + 1])
            i += 3
            continue
        out.append(toks[i])
        i += 1
    return out


def same_formula(reference: str, candidate: str) -> bool:
    """Local stand-in for KaTeX comparison: equal canonical token streams."""
    return tokens(reference) == tokens(candidate)


def katex_match(reference: str, candidate: str) -> bool | None:
    """``pdf2md.eval.katex.formulas_match`` where that module exists, else ``None``."""
    try:
        from pdf2md.eval.katex import formulas_match
    except ImportError:
        return None
    from pdf2md.errors import BackendUnavailable

    try:
        return bool(formulas_match(reference, candidate))
    except BackendUnavailable:  # node or the katex package missing
        return None
