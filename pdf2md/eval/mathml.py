"""Canonical MathML: two renderings of the same formula serialise to the same string.

KaTeX's MathML says more than what a reader sees. We drop what does not change the printed
glyphs: the ``<annotation>`` echoing the source, spacing (``\\,``, ``\\quad``), invisible operators
(function application), presentation hints (``stretchy``, ``fence``, ``lspace``...), and grouping
(``mrow`` with one child, ``mrow`` inside ``mrow``). Upright text is spelled one glyph per ``mi``
whether it came from ``\\text``, ``\\operatorname``, ``\\mathrm`` or a function name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

_NS = "{http://www.w3.org/1998/Math/MathML}"
_KEPT_ATTRIBUTES = frozenset({"mathvariant", "linethickness", "accent", "accentunder"})
_INVISIBLE = frozenset({"\u2061", "\u2062", "\u2063", "\u2064"})
_SEQUENCE_PARENTS = frozenset({"mrow", "math", "mtd", "mstyle", "semantics"})


def _is_dropped(element: ET.Element) -> bool:
    """Spacing, blank text and invisible operators."""
    if element.tag == "mspace":
        return True
    text = (element.text or "").strip()
    if element.tag == "mtext" and not len(element) and not text:
        return True
    return element.tag == "mo" and text in _INVISIBLE


def _glyphs(element: ET.Element) -> list[ET.Element]:
    """Upright text (``mtext``, multi-letter ``mi``) as one ``mi`` per character."""
    text = element.text or ""
    upright = element.tag == "mtext" or (element.tag == "mi" and len(text) > 1)
    if not upright or len(element) or not text:
        return [element]
    variant = element.get("mathvariant", "normal")
    pieces: list[ET.Element] = []
    for char in text:
        if not char.isspace():
            piece = ET.Element("mi", {"mathvariant": variant})
            piece.text = char
            pieces.append(piece)
    return pieces or [element]


def _normalise_children(parent: ET.Element) -> None:
    new_children: list[ET.Element] = []
    for child in list(parent):
        if _is_dropped(child):
            continue
        _normalise_children(child)
        pieces = _glyphs(child)
        if child.tag == "mrow" and parent.tag in _SEQUENCE_PARENTS:
            pieces = list(child)  # an mrow inside a sequence adds nothing
        elif child.tag == "mrow" and len(child) == 1:
            pieces = [child[0]]
        elif len(pieces) > 1 and parent.tag not in _SEQUENCE_PARENTS:
            group = ET.Element("mrow")
            group.extend(pieces)
            pieces = [group]
        new_children.extend(pieces)
    for child in list(parent):
        parent.remove(child)
    parent.extend(new_children)


def _strip(element: ET.Element) -> None:
    for node in element.iter():
        node.tag = node.tag.rsplit("}", 1)[-1]
        kept = {k: v for k, v in node.attrib.items() if k in _KEPT_ATTRIBUTES}
        node.attrib.clear()
        node.attrib.update(kept)
        node.text = node.text.strip() if node.text else None
        node.tail = None


def canonical_mathml(markup: str) -> str:
    """Canonical serialisation of the formula in KaTeX's MathML output.

    Raises:
        xml.etree.ElementTree.ParseError: the markup is not well-formed XML.
    """
    root = ET.fromstring(markup)
    math = root if root.tag == f"{_NS}math" else root.find(f".//{_NS}math")
    if math is None:
        return markup
    semantics = math.find(f"{_NS}semantics")
    body = semantics[0] if semantics is not None and len(semantics) else math
    _strip(body)
    wrapper = ET.Element("mrow")
    wrapper.append(body)
    _normalise_children(wrapper)
    return "".join(ET.tostring(child, encoding="unicode") for child in wrapper)
