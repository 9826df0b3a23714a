"""Will a formula render? A cheap, offline check of the LaTeX pdf2md writes, before it is written.

KaTeX (what ``pdf2md eval`` and most Markdown viewers render math with) stops at the first
error and shows the raw source in red. Running it needs node, which a conversion must not, so
this module checks what makes KaTeX fail in the LaTeX that pdf2md builds from glyphs:

- a command KaTeX does not know (``X\\K``): every command must be one of pdf2md's own glyph
  tables that KaTeX supports, or one of the structural commands pdf2md writes;
- unbalanced braces, ``\\left`` without ``\\right``, ``\\begin`` without its ``\\end``;
- a ``$`` or ``#`` inside the formula, ``&`` outside an environment;
- a script with nothing to attach (``x^``, ``^}``) or two of one kind in a row (``x^{a}^{b}``,
  ``x^{a}'``).

A formula of escaped text punctuation only (``\\_``, ``\\%``) is not a formula at all
(``draft$\\_$docs``). The test suite compares this check with KaTeX itself where node is
installed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pdf2md.math import symbols

# glyph-table commands KaTeX has no definition for (checked against KaTeX 0.16)
_NOT_IN_KATEX = frozenset({r"\dotminus", r"\lhook", r"\rhook", r"\parr"})
_STRUCTURE = (
    r"\frac \dfrac \tfrac \sqrt \left \right \middle \begin \end \tag \text \textrm \textit "
    r"\textbf \mathrm \mathit \mathbf \mathsf \mathtt \mathcal \mathbb \mathfrak \mathscr "
    r"\boldsymbol \operatorname \quad \qquad \overline \underline \overbrace \underbrace "
    r"\overset \underset \stackrel \limits \nolimits \displaystyle \textstyle \scriptstyle "
    r"\big \Big \bigg \Bigg \bigl \bigr \Bigl \Bigr \biggl \biggr \Biggl \Biggr \binom \not "
    r"\pmod \bmod \lt \gt \iff \dots \vert \lvert \rvert \lVert \rVert \backslash \colon "
    r"\hookrightarrow \hookleftarrow \cdot \ldots \cdots \prime \circ \mid \neq \le \ge \to "
    r"\hline \substack \overrightarrow \overleftarrow \mathring \varnothing \emptyset"
)
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)|\\(.)", re.DOTALL)
_SYMBOL_ESCAPES = frozenset(" ,;:!{}|_%&#$\\")
_TEXT_ONLY_RE = re.compile(r"^(?:\s|\\[_%&#$])+$")
_ARG_COMMANDS = frozenset({"begin", "end", "text", "textrm", "textit", "textbf", "operatorname"})


@lru_cache(maxsize=1)
def known_commands() -> frozenset[str]:
    """Every ``\\name`` this check lets through."""
    found: set[str] = set(_STRUCTURE.split())
    tables = [
        *symbols.unicode_table().values(),
        *symbols.BIG_OPERATORS,
        *symbols.OPENING,
        *symbols.CLOSING,
        *symbols.FENCES,
        *symbols.RELATIONS,
        *symbols.ACCENTS,
        *symbols.ACCENTS.values(),
    ]
    for text in tables:
        found.update(re.findall(r"\\[A-Za-z]+", text))
    found.update(f"\\{name}" for name in symbols.FUNCTIONS)
    return frozenset(found - _NOT_IN_KATEX)


def katex_problem(latex: str) -> str | None:
    """Why KaTeX would not render ``latex`` (or why it is no formula), or ``None`` if it would.

    Example:
        >>> katex_problem(r"x^{2}+\\alpha")
        >>> katex_problem(r"X\\K")
        'unknown command \\\\K'
    """
    if not latex.strip() or _TEXT_ONLY_RE.match(latex):
        return "no formula, only text punctuation"
    body = _without_text_arguments(latex)
    for pattern, reason in ((r"(?<!\\)\$", "a $ inside"), (r"(?<!\\)#", "a # inside")):
        if re.search(pattern, body):
            return reason
    known = known_commands()
    for match in _COMMAND_RE.finditer(body):
        name = match.group(1)
        if name is not None and f"\\{name}" not in known:
            return f"unknown command \\{name}"
        if name is None and match.group(2) not in _SYMBOL_ESCAPES:
            return f"unknown command \\{match.group(2)}"
    return _structure_problem(body)


def _without_text_arguments(latex: str) -> str:
    r"""``\text{...}`` and ``\operatorname{...}`` hold words, not commands: keep them empty."""
    return re.sub(r"\\(text|textrm|textit|textbf|operatorname)\{[^{}]*\}", r"\\\1{}", latex)


def _structure_problem(body: str) -> str | None:
    """Braces, scripts, environments and delimiters."""
    tokens = re.findall(r"\\[A-Za-z]+|\\.|[{}^_&]|[A-Za-z*]+|[^\\{}^_&\s]|\s+", body)
    tokens = [t for t in tokens if not t.isspace()]
    return _script_problem(tokens) or _environment_problem(tokens) or _delimiter_problem(body)


def _script_problem(tokens: list[str]) -> str | None:
    """Unbalanced braces, a script with no argument, two scripts of one kind on one base."""
    last: list[str | None] = [None]  # per brace depth: the script on the current base
    for i, token in enumerate(tokens):
        if token == "{":
            if i == 0 or tokens[i - 1] not in ("^", "_"):
                last[-1] = None  # a group that is a new base
            last.append(None)
            continue
        if token == "}":
            if len(last) == 1:
                return "a } with no {"
            last.pop()
            continue
        if token in ("^", "_"):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or nxt in ("}", "&", "^", "_"):
                return f"a {token} with nothing after it"
            if last[-1] == token:
                return f"two {token} on one base"
            last[-1] = token
        elif token == "'" and last[-1] == "^":
            return "a prime after a superscript (two ^ on one base)"
        elif i == 0 or tokens[i - 1] not in ("^", "_"):
            last[-1] = None  # a new base (a one-token script argument keeps the old one)
    return "a { with no }" if len(last) > 1 else None


def _environment_problem(tokens: list[str]) -> str | None:
    """``\\begin``/``\\end`` that do not pair, ``&`` outside an environment."""
    environments: list[str] = []
    for i, token in enumerate(tokens):
        if token == "&" and not environments:
            return "an & outside an environment"
        if token not in (r"\begin", r"\end"):
            continue
        name = re.match(r"\{([A-Za-z*]+)\}", "".join(tokens[i + 1 : i + 4]))
        if name is None:
            return f"{token} without a name"
        if token == r"\begin":
            environments.append(name.group(1))
        elif not environments or environments.pop() != name.group(1):
            return f"\\end{{{name.group(1)}}} without its \\begin"
    return f"\\begin{{{environments[-1]}}} without its \\end" if environments else None


def _delimiter_problem(body: str) -> str | None:
    lefts = len(re.findall(r"\\left(?![A-Za-z])", body))
    rights = len(re.findall(r"\\right(?![A-Za-z])", body))
    return "\\left and \\right do not pair" if lefts != rights else None
