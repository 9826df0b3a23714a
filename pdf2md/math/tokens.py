"""Token clean-up for built LaTeX: upright words, pairing of ``\\left``/``\\right``, joining."""

from __future__ import annotations

from collections.abc import Sequence

from pdf2md.math import symbols


def group_words(tokens: list[str]) -> list[str]:
    """Merge runs of upright letters: ``s i n`` -> ``\\sin``, ``A n n`` -> ``\\operatorname{Ann}``.

    Upright letters come in marked with a leading NUL (``"\\x00s"``).
    """
    out: list[str] = []
    word = ""
    for token in [*tokens, ""]:
        if token.startswith("\x00"):
            word += token[1:]
            continue
        if word:
            out.append(_word(word, called=token.removeprefix("\\left").startswith("(")))
            word = ""
        if token:
            out.append(token)
    return out


_SHORT_WORDS = frozenset({"on", "in", "if", "or", "as", "at", "by", "to", "is", "of", "a.e."})


def _word(word: str, *, called: bool = False) -> str:
    """LaTeX for an upright word; ``called``: an argument in brackets follows (``int(B)``)."""
    word = word.strip()
    if " " in word:
        return f"\\text{{{word}}}"
    if word in symbols.FUNCTIONS:
        return "\\" + word
    if called and word.isalpha() and len(word) > 1:
        return f"\\operatorname{{{word}}}"
    if len(word) == 1:
        return f"\\mathrm{{{word}}}"
    if (len(word) >= 3 and word.islower()) or word in _SHORT_WORDS:
        return f"\\text{{{word}}}"
    return f"\\operatorname{{{word}}}"


def balance_delimiters(tokens: list[str]) -> list[str]:
    """Keep ``\\left``/``\\right`` only where they pair up in this row; else plain delimiters."""
    depth = 0
    for token in tokens:
        if token.startswith("\\left") and not token.startswith("\\leftarrow"):
            depth += 1
        elif token.startswith("\\right") and _is_right(token):
            depth -= 1
            if depth < 0:
                break
    if depth == 0:
        return tokens
    return [_plain(t) for t in tokens]


def _is_right(token: str) -> bool:
    return not token.startswith(("\\rightarrow", "\\rightharpoon", "\\rightleft", "\\rightright"))


def _plain(token: str) -> str:
    if token.startswith("\\left") and not token.startswith("\\leftarrow"):
        return token[5:]
    if token.startswith("\\right") and _is_right(token):
        return token[6:]
    if token.startswith("\\middle"):
        return token[7:]
    return token


# Arrows that TeX builds from two glyphs (a bar or hook joined to an arrow head).
_ARROWS = {
    ("\\mapstochar", "\\to"): "\\mapsto",
    ("\\mapstochar", "\\longrightarrow"): "\\longmapsto",
    ("\\lhook", "\\to"): "\\hookrightarrow",
    (",", "\\to"): "\\hookrightarrow",  # CMMI's hook sits at the comma's code
    ("\\leftarrow", "\\rhook"): "\\hookleftarrow",
    ("-", "\\to"): "\\longrightarrow",
    ("\\leftarrow", "-"): "\\longleftarrow",
    ("=", "\\Rightarrow"): "\\Longrightarrow",
    ("\\Leftarrow", "="): "\\Longleftarrow",
}
_HALF_ARROWS = frozenset({"\\mapstochar", "\\lhook", "\\rhook"})


def fuse_arrows(tokens: Sequence[str]) -> list[str]:
    """``\\mapstochar`` + ``\\to`` -> ``\\mapsto``, ``-`` + ``\\to`` -> ``\\longrightarrow``...;
    a lone piece of an arrow is dropped."""
    out: list[str] = []
    for token in tokens:
        fused = _ARROWS.get((out[-1], token)) if out else None
        if fused is not None:
            out[-1] = fused
            if len(out) > 1 and (out[-2], fused) in _ARROWS:  # \mapstochar - \to
                out[-2:] = [_ARROWS[(out[-2], fused)]]
            continue
        out.append(token)
    return [t for t in out if t not in _HALF_ARROWS]


def join_tokens(tokens: Sequence[str]) -> str:
    """Concatenate tokens, with a space only where a command would run into a letter.

    Dots set as separate glyphs become ``\\ldots`` / ``\\cdots``; arrows set as two
    glyphs become one (:func:`fuse_arrows`).
    """
    out = _joined(fuse_arrows(tokens))
    return out.replace("\\cdot\\cdot\\cdot", "\\cdots").replace("...", "\\ldots ").strip()


def _joined(tokens: Sequence[str]) -> str:
    out = ""
    for token in tokens:
        if not token:
            continue
        if out and out[-1].isalpha() and _ends_command(out) and (token[0].isalpha()):
            out += " "
        out += token
    return out


def _ends_command(text: str) -> bool:
    i = len(text) - 1
    while i >= 0 and text[i].isalpha():
        i -= 1
    return i >= 0 and text[i] == "\\"
