"""Glyph -> LaTeX tables: Unicode math symbols, TeX math fonts and the CMEX code page.

A glyph is read from its character *and* its font: an ``R`` in MSBM is ``\\mathbb{R}``, a ``C``
in CMSY is ``\\mathcal{C}``, and CMEX glyphs (big operators, growing delimiters, radicals) come
out of PyMuPDF as raw byte codes because pdfTeX writes no ToUnicode map for that font.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _words(text: str) -> list[str]:
    """Split a table written as space-separated words (kept as text to read like a card)."""
    return text.split()


# One "char latex" pair per line. Kept as text so the table reads like a reference card.
_UNICODE_TABLE = r"""
α \alpha|β \beta|γ \gamma|δ \delta|ϵ \epsilon|ε \varepsilon|ζ \zeta|η \eta|θ \theta|ϑ \vartheta
ι \iota|κ \kappa|ϰ \varkappa|λ \lambda|μ \mu|µ \mu|ν \nu|ξ \xi|π \pi|ϖ \varpi|ρ \rho|ϱ \varrho
σ \sigma|ς \varsigma|τ \tau|υ \upsilon|φ \varphi|ϕ \phi|χ \chi|ψ \psi|ω \omega
Γ \Gamma|Δ \Delta|Θ \Theta|Λ \Lambda|Ξ \Xi|Π \Pi|Σ \Sigma|Υ \Upsilon|Φ \Phi|Ψ \Psi|Ω \Omega
± \pm|∓ \mp|× \times|÷ \div|· \cdot|⋅ \cdot|∘ \circ|∗ \ast|⋆ \star|∩ \cap|∪ \cup|⊎ \uplus
⊓ \sqcap|⊔ \sqcup|∨ \vee|∧ \wedge|⊕ \oplus|⊖ \ominus|⊗ \otimes|⊘ \oslash|⊙ \odot|† \dagger
‡ \ddagger|⋄ \diamond|◦ \circ|• \bullet|∖ \setminus|≀ \wr|− -|∔ \dotplus|⋉ \ltimes|⋊ \rtimes
⊠ \boxtimes|⊞ \boxplus|⊟ \boxminus|⊡ \boxdot|⋒ \Cap|⋓ \Cup|⊺ \intercal|∸ \dotminus
≤ \leq|≥ \geq|≦ \leqq|≧ \geqq|⩽ \leqslant|⩾ \geqslant|≠ \neq|≡ \equiv|∼ \sim|≃ \simeq|≈ \approx
≅ \cong|∝ \propto|⊂ \subset|⊃ \supset|⊆ \subseteq|⊇ \supseteq|⊊ \subsetneq|⊋ \supsetneq
∈ \in|∋ \ni|∉ \notin|⊥ \perp|∥ \Vert|∣ \mid|∤ \nmid|≺ \prec|≻ \succ|⪯ \preceq|⪰ \succeq
≪ \ll|≫ \gg|⊢ \vdash|⊣ \dashv|⊨ \models|≐ \doteq|≍ \asymp|⌣ \smile|⌢ \frown|⊏ \sqsubset
⊐ \sqsupset|⊑ \sqsubseteq|⊒ \sqsupseteq|≔ \coloneqq|≜ \triangleq|≲ \lesssim|≳ \gtrsim
≪ \ll|≮ \nless|≯ \ngtr|≰ \nleq|≱ \ngeq|⊄ \not\subset|⊈ \nsubseteq|≁ \nsim|≇ \ncong|∦ \nparallel
∵ \because|∴ \therefore|≺ \prec|⊲ \lhd|⊳ \rhd|⊴ \unlhd|⊵ \unrhd|∽ \backsim|≊ \approxeq
← \leftarrow|→ \to|↑ \uparrow|↓ \downarrow|↔ \leftrightarrow|⇐ \Leftarrow|⇒ \Rightarrow
⇔ \Leftrightarrow|↦ \mapsto|↪ \hookrightarrow|↩ \hookleftarrow|⟶ \longrightarrow
⟵ \longleftarrow|⟹ \Longrightarrow|⟸ \Longleftarrow|⟺ \Longleftrightarrow|⟼ \longmapsto
↗ \nearrow|↘ \searrow|↙ \swarrow|↖ \nwarrow|⇀ \rightharpoonup|↼ \leftharpoonup|⇌ \rightleftharpoons
⇝ \rightsquigarrow|↠ \twoheadrightarrow|↣ \rightarrowtail|⇉ \rightrightarrows|⇑ \Uparrow
⇓ \Downarrow|↕ \updownarrow|⇕ \Updownarrow|⟷ \longleftrightarrow|↛ \nrightarrow|⇏ \nRightarrow
∞ \infty|∂ \partial|∇ \nabla|∀ \forall|∃ \exists|∄ \nexists|∅ \emptyset|∅ \varnothing|¬ \neg
ℓ \ell|ℏ \hbar|ℑ \Im|ℜ \Re|℘ \wp|ℵ \aleph|ℶ \beth|′ \prime|″ \prime\prime|⊤ \top|♭ \flat|♮ \natural
♯ \sharp|∠ \angle|△ \triangle|▽ \triangledown|□ \square|◇ \Diamond|♣ \clubsuit|♦ \diamondsuit
♥ \heartsuit|♠ \spadesuit|… \ldots|⋯ \cdots|⋮ \vdots|⋱ \ddots|√ \surd|⟨ \langle|⟩ \rangle|〈 \langle
〉 \rangle|⌈ \lceil|⌉ \rceil|⌊ \lfloor|⌋ \rfloor|‖ \Vert|{ \{|} \}|∑ \sum|∏ \prod|∐ \coprod|∫ \int
∮ \oint|∬ \iint|∭ \iiint|⋃ \bigcup|⋂ \bigcap|⨁ \bigoplus|⨂ \bigotimes|⨀ \bigodot|⋁ \bigvee
⋀ \bigwedge|⨄ \biguplus|⨆ \bigsqcup|ð \eth|ı \imath|ȷ \jmath|∁ \complement|ℸ \daleth|ℷ \gimel
∡ \measuredangle|⋈ \bowtie|▷ \triangleright|◁ \triangleleft|★ \bigstar|✓ \checkmark|¯ \bar
% \%|# \#|& \&|_ \_|~ \sim|ˆ \hat|˜ \tilde|˙ \dot|¨ \ddot|ˇ \check|˘ \breve|´ \acute|` \grave
⃗ \vec|Ω \Omega|∆ \Delta|Ω \Omega|∆ \Delta|∈ \in|∊ \in|̸ \not|− -|– -|∶ :|∣ \mid|⊸ \multimap|⅋ \parr
⊣ \dashv|⋯ \cdots|ℏ \hbar|𝜕 \partial|⋅ \cdot|֒ \lhook|֓ \rhook
\ \setminus
"""

# CMEX10 code page (pdfTeX writes no ToUnicode for it). Index = byte code; "" = a piece we
# merge or drop (extensions of growing delimiters).
_CMEX = _words(
    r"( ) [ ] \lfloor \rfloor \lceil \rceil \{ \} \langle \rangle | \| / \backslash "
    r"( ) ( ) [ ] \lfloor \rfloor \lceil \rceil \{ \} \langle \rangle / \backslash "
    r"( ) [ ] \lfloor \rfloor \lceil \rceil \{ \} \langle \rangle / \backslash / \backslash "
    r"( ) [ ] [ ] [ ] \{ \} \{ \} \{ \} \{ | "
    r"( ) ( ) \langle \rangle \bigsqcup \bigsqcup \oint \oint \bigodot \bigodot "
    r"\bigoplus \bigoplus \bigotimes \bigotimes "
    r"\sum \prod \int \bigcup \bigcap \biguplus \bigwedge \bigvee "
    r"\sum \prod \int \bigcup \bigcap \biguplus \bigwedge \bigvee "
    r"\coprod \coprod \widehat \widehat \widehat \widetilde \widetilde \widetilde "
    r"[ ] \lfloor \rfloor \lceil \rceil \{ \} "
    r"\surd \surd \surd \surd \surd | \surd \| \uparrow \downarrow - - - - \Uparrow \Downarrow"
)

# Pieces of growing delimiters: (code -> part) so stacked pieces merge into one delimiter.
# 0x0C and 0x0D (| and \|) are also the repeaters TeX stacks into a tall bar.
CMEX_PIECES = (
    frozenset(range(0x30, 0x44)) | {0x0C, 0x0D} | {0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7E, 0x7F}
)

BIG_OPERATORS = frozenset(
    _words(
        r"\sum \prod \coprod \int \iint \iiint \oint \bigcup \bigcap \bigoplus \bigotimes \bigodot "
        r"\bigvee \bigwedge \biguplus \bigsqcup"
    )
)
OPENING = frozenset(_words(r"( [ \{ \langle \lfloor \lceil"))
CLOSING = frozenset(_words(r") ] \} \rangle \rfloor \rceil"))
FENCES = frozenset(_words(r"| \| \Vert"))
ACCENTS = {
    r"\hat": r"\hat",
    r"\tilde": r"\tilde",
    r"\bar": r"\bar",
    r"\dot": r"\dot",
    r"\ddot": r"\ddot",
    r"\check": r"\check",
    r"\breve": r"\breve",
    r"\acute": r"\acute",
    r"\grave": r"\grave",
    r"\vec": r"\vec",
    r"\widehat": r"\widehat",
    r"\widetilde": r"\widetilde",
}
RELATIONS = frozenset(
    _words(
        r"= < > \leq \geq \leqq \geqq \leqslant \geqslant \neq \equiv \sim \simeq \approx \cong "
        r"\propto \subset \supset \subseteq \supseteq \in \ni \notin \to \Rightarrow "
        r"\Leftrightarrow "
        r"\mapsto \longrightarrow \Longrightarrow \iff \coloneqq \lesssim \gtrsim \ll \gg \prec "
        r"\succ \preceq \succeq \models \vdash \triangleq \doteq"
    )
)
FUNCTIONS = frozenset(
    _words(
        "sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan log ln lg exp max min "
        "sup inf lim limsup liminf det dim ker deg gcd hom arg Pr mod"
    )
)

# Font families by (subset-stripped, upper-cased) name prefix or pattern -> style.
_STYLE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(CMEX|EUEX|EXTENSION|.*SYMBOLSLARGE|TXEX|PXEX|.*MATHEX|ESINT)", "cmex"),
    (r"^(MSBM|BBOLD|DSROM|.*BLACKBOARD)", "mathbb"),
    (r"^(EUFM|EUFB|.*FRAKTUR)", "mathfrak"),
    (r"^(RSFS|.*SCRIPT)", "mathscr"),
    (r"^(CMSY|CMBSY|EUSM|EUSB|LMSY|.*MATHSYMBOLS|TXSY|PXSY)", "mathcal"),
    (r"^(CMMIB|EURB|.*BOLDITALIC|.*BOLD-?ITALIC|.*MATHBOLDITALIC)", "boldsymbol"),
    (r"^(CMMI|LMMI|EURM|TXMI|PXMI|.*MATH-?ITALIC|.*ITAL|.*OBLIQUE|.*MI\d*$|.*-IT$)", "it"),
    (r"^(CMBX|CMB\d|.*BOLD|.*BX\d*$)", "mathbf"),
    (r"^(CMTT|LMMONO)", "mathtt"),
    (r"^(CMSS|LMSANS)", "mathsf"),
)

MATH_FONT_RE = re.compile(
    r"CMMI|CMSY|CMEX|CMBSY|MSBM|MSAM|EUFM|EUFB|EURM|EURB|EUEX|EUSM|RSFS|LMMATH|MATH|STIX|CAMBRIA.?MATH"
    r"|TXMI|TXSY|TXEX|PXMI|PXSY|NTXMI|NTXSY|MNSYMBOL|ESINT|WASY|STMARY|BBOLD|DSROM|SYMBOL",
    re.IGNORECASE,
)


def base_font(name: str) -> str:
    """The font name without a subset tag (``ABCDEF+CMR10`` -> ``CMR10``), upper-cased."""
    return name.split("+", 1)[-1].upper()


@lru_cache(maxsize=256)
def font_style(name: str) -> str:
    """The math style a font gives its letters: ``it``, ``rm``, ``mathbb``, ``cmex``...

    Example:
        >>> font_style("XYZABC+MSBM10")
        'mathbb'
    """
    base = base_font(name)
    for pattern, style in _STYLE_PATTERNS:
        if re.match(pattern, base):
            return style
    return "rm"


@lru_cache(maxsize=1)
def unicode_table() -> dict[str, str]:
    """Unicode character -> LaTeX command (or plain character)."""
    table: dict[str, str] = {}
    for part in _UNICODE_TABLE.replace("\n", "|").split("|"):
        part = part.strip()
        if part:
            char, _, latex = part.partition(" ")
            table.setdefault(char, latex.strip())
    return table


def cmex_token(char: str) -> str | None:
    """LaTeX for a raw CMEX byte code, or ``None`` where the code is not one."""
    code = ord(char)
    if code < len(_CMEX):
        return _CMEX[code] or None
    return None


_ALNUM_STYLES = (
    ("BOLD ITALIC", r"\boldsymbol"),
    ("BOLD SCRIPT", r"\mathcal"),
    ("BOLD FRAKTUR", r"\mathfrak"),
    ("DOUBLE-STRUCK", r"\mathbb"),
    ("SCRIPT", r"\mathcal"),
    ("FRAKTUR", r"\mathfrak"),
    ("BLACK-LETTER", r"\mathfrak"),
    ("SANS-SERIF BOLD", r"\mathbf"),
    ("SANS-SERIF", r"\mathsf"),
    ("MONOSPACE", r"\mathtt"),
    ("BOLD", r"\mathbf"),
    ("ITALIC", ""),
)


@lru_cache(maxsize=2048)
def math_alphanumeric(char: str) -> str | None:
    """LaTeX for a Unicode math letter or digit (``𝐱`` -> ``\\mathbf{x}``), else ``None``."""
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    if not (
        name.startswith("MATHEMATICAL ")
        or "DOUBLE-STRUCK" in name
        or name.startswith(("SCRIPT ", "BLACK-LETTER "))
    ):
        return None
    match = re.search(r"(CAPITAL|SMALL) ([A-Z]+)$|DIGIT ([A-Z]+)$", name)
    if match is None:
        return None
    if match.group(3):
        digits = _words("ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE")
        letter = str(digits.index(match.group(3))) if match.group(3) in digits else "?"
    else:
        word = match.group(2)
        greek = (
            unicode_table().get(unicodedata.lookup(f"GREEK {match.group(1)} LETTER {word}"))
            if len(word) > 1 and _is_greek(match.group(1), word)
            else None
        )
        letter = greek or (word if match.group(1) == "CAPITAL" else word.lower())
    for key, command in _ALNUM_STYLES:
        if key in name:
            return f"{command}{{{letter}}}" if command else letter
    return letter


def _is_greek(case: str, word: str) -> bool:
    try:
        unicodedata.lookup(f"GREEK {case} LETTER {word}")
    except KeyError:
        return False
    return True


# Advance widths in em of CMMI's phi, varphi, epsilon, varepsilon by design size (TFM files).
# Many PDFs map these glyphs to the wrong code point (the Adobe glyph list reads "phi1", TeX's
# \varphi, as U+03D5); the glyph's width tells them apart.
_VARIANT_WIDTHS = {
    5: (0.842, 0.918, 0.614, 0.675),
    6: (0.742, 0.812, 0.523, 0.587),
    7: (0.687, 0.751, 0.476, 0.540),
    8: (0.632, 0.692, 0.430, 0.491),
    9: (0.612, 0.671, 0.416, 0.477),
    10: (0.596, 0.654, 0.406, 0.466),
    12: (0.580, 0.641, 0.395, 0.458),
}
_VARIANTS = {r"\phi": 0, r"\varphi": 0, r"\epsilon": 2, r"\varepsilon": 2}
_CM_ITALIC_RE = re.compile(r"^(?:CMMI|LMMATHITALIC|LMMI)(\d+)")


def has_variant(latex: str) -> bool:
    """True for the letters :func:`greek_variant` decides between."""
    return latex in _VARIANTS


def greek_variant(latex: str, font: str, width_em: float) -> str:
    """``\\phi`` or ``\\varphi`` (``\\epsilon`` or ``\\varepsilon``) by the glyph's advance
    width in a Computer/Latin Modern math italic font; ``latex`` unchanged elsewhere."""
    column = _VARIANTS.get(latex)
    match = _CM_ITALIC_RE.match(base_font(font)) if column is not None else None
    if match is None or column is None or width_em <= 0:
        return latex
    design = min(_VARIANT_WIDTHS, key=lambda k: abs(k - int(match.group(1))))
    plain, variant = _VARIANT_WIDTHS[design][column : column + 2]
    names = ("\\phi", "\\varphi") if column == 0 else ("\\epsilon", "\\varepsilon")
    return names[abs(width_em - variant) < abs(width_em - plain)]
