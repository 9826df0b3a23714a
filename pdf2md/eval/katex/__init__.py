"""Compare formulas by what KaTeX renders, not by their LaTeX spelling.

``a^{2}+b^2`` and ``a^2 + b^2`` are different strings but the same formula. We render both with
the ``katex`` npm package (``render.js`` in this folder, run by ``node``) to MathML, bring that to
a canonical form (:mod:`pdf2md.eval.mathml`) and compare the strings. Many formulas go to one
node process at a time (:meth:`KatexRenderer.render_many`), and every result is cached.

Setup (once): ``npm ci --prefix pdf2md/eval/katex`` (or ``npm install``). Another location of a
``node_modules`` folder holding ``katex`` can be given with ``PDF2MD_KATEX_NODE_PATH``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from pdf2md.errors import BackendUnavailable
from pdf2md.eval.mathml import canonical_mathml

log = logging.getLogger(__name__)

__all__ = ["KatexRenderer", "formula_contained", "formulas_match", "render_katex"]

_HERE = Path(__file__).resolve().parent


def normalize_latex(latex: str) -> str:
    """Whitespace-collapsed LaTeX, used for the exact-match shortcut and as cache key."""
    return " ".join(latex.split())


class KatexRenderer:
    """Renders LaTeX to canonical MathML with node + KaTeX, in batches, with a cache.

    Args:
        node: the node executable (default: ``node`` on PATH).
        timeout_s: time limit for one batch.
    """

    def __init__(self, node: str | None = None, timeout_s: float = 120.0) -> None:
        self._node = node or shutil.which("node") or "node"
        self._timeout_s = timeout_s
        self._cache: dict[tuple[str, bool], str | None] = {}

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        extra = os.environ.get("PDF2MD_KATEX_NODE_PATH")
        if extra:
            env["NODE_PATH"] = extra
        return env

    def render_many(self, items: Sequence[tuple[str, bool]]) -> list[str | None]:
        """Render ``(latex, display)`` pairs; None where KaTeX cannot parse the formula.

        Raises:
            BackendUnavailable: node or the katex package is missing.
        """
        keys = [(normalize_latex(latex), display) for latex, display in items]
        todo = sorted({key for key in keys if key not in self._cache})
        if todo:
            for key, value in zip(todo, self._run_node(todo), strict=True):
                self._cache[key] = value
        return [self._cache[key] for key in keys]

    def _run_node(self, items: Sequence[tuple[str, bool]]) -> list[str | None]:
        payload = json.dumps([{"latex": latex, "display": display} for latex, display in items])
        try:
            proc = subprocess.run(
                [self._node, str(_HERE / "render.js")],
                input=payload.encode("utf-8"),
                capture_output=True,
                timeout=self._timeout_s,
                env=self._env(),
                check=False,
            )
        except FileNotFoundError as err:
            raise BackendUnavailable(
                "node is not installed: KaTeX math comparison needs it"
            ) from err
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise BackendUnavailable(
                "KaTeX could not run (npm ci --prefix pdf2md/eval/katex): "
                + (message[-1] if message else f"exit {proc.returncode}")
            )
        results = json.loads(proc.stdout.decode("utf-8"))
        return [_canonical_or_none(item.get("mathml")) for item in results]


def _canonical_or_none(markup: str | None) -> str | None:
    if markup is None:
        return None
    try:
        return canonical_mathml(markup)
    except ET.ParseError:
        log.warning("KaTeX output is not well-formed XML; comparing it as text")
        return markup


@cache
def default_renderer() -> KatexRenderer:
    """The renderer used by the module-level helpers (one per process, so one cache)."""
    return KatexRenderer()


def render_katex(latex: str, display: bool = False) -> str | None:
    """Canonical MathML of one formula, or None when KaTeX cannot parse it."""
    return default_renderer().render_many([(latex, display)])[0]


def formulas_match(reference: str, candidate: str) -> bool:
    """True when two formulas render to the same MathML (or are equal after whitespace collapse).

    Example:
        >>> formulas_match("a^{2}+b^2", "a^2 + b^{2}")  # doctest: +SKIP
        True
    """
    if normalize_latex(reference) == normalize_latex(candidate):
        return True
    ref, cand = default_renderer().render_many([(reference, False), (candidate, False)])
    return ref is not None and ref == cand


def formula_contained(
    reference: str, candidate: str, renderer: KatexRenderer | None = None
) -> bool:
    """True when the reference's MathML equals the candidate's or is a part of it.

    This is olmOCR-bench's rule: a candidate span may hold more than the tested formula (for
    example a whole aligned block), but it must contain it as rendered. Both render in
    display mode, as olmOCR-bench's own scorer does (inline mode rejects ``\\tag``).
    """
    if normalize_latex(reference) == normalize_latex(candidate):
        return True
    ref, cand = (renderer or default_renderer()).render_many([(reference, True), (candidate, True)])
    if ref is None or cand is None:
        return False
    if ref == cand:
        return True
    return ref in cand
