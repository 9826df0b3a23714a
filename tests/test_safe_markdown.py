"""Markdown made safe to render: exact outputs, code left alone, idempotent."""

from __future__ import annotations

import pytest

from pdf2md.render.safe import safe_markdown
from pdf2md.urls import image_target_is_local, link_target_is_safe

CASES = [
    ("<script>alert(1)</script> hi", "&lt;script>alert(1)&lt;/script> hi"),
    ("<img src=x onerror=alert(2)>", "&lt;img src=x onerror=alert(2)>"),
    ("<!-- hidden", "&lt;!-- hidden"),
    ("[click](javascript:alert(3))", "\\[click](javascript:alert(3))"),
    ("[x](JaVa&#115;cript:a)", "\\[x](JaVa&#115;cript:a)"),
    ("[x]( data:text/html,hi)", "\\[x]( data:text/html,hi)"),
    ("[ok](https://x.org) [a](#page=2) [m](mailto:a@b.c)", None),
    ("![fig](doc_images/p1.png)", None),
    ("![r](https://evil/x.png)", "[r](https://evil/x.png)"),
    ("![d](data:image/png;base64,xx)", "!\\[d](data:image/png;base64,xx)"),
    ("![a](/etc/passwd)", "!\\[a](/etc/passwd)"),
    ("[r]: javascript:x", "\\[r]: javascript:x"),
    ("<javascript:alert(1)> <https://ok.org>", "&lt;javascript:alert(1)> <https://ok.org>"),
    ("`<script>` is code", None),
    (
        "```\n<b onclick=x>\n```\nafter <b onclick=y>",
        "```\n<b onclick=x>\n```\nafter &lt;b onclick=y>",
    ),
    ("```\n<b>\n", "```\n<b>\n```\n"),  # closed: it cannot swallow the next block
    ("a `b <c>", "a \\`b &lt;c>"),  # a lone backtick cannot pair with the next block's
    ("\\`<script>`", "\\`&lt;script>\\`"),
    ("end\\", "end\\\\"),  # a last backslash cannot escape the next block's first character
    ('<table><tr><td colspan="2">x &lt; y<br></td></tr></table>', None),
    ("<td style=x>", "&lt;td style=x>"),
    ("x<sup>2</sup> and H<sub>2</sub>O", None),
    ("x $a<b c$ y", "x $a\\lt b c$ y"),
    ("3 < 4 and a<b", "3 < 4 and a&lt;b"),
    ("plain text", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_safe_markdown(text: str, expected: str | None) -> None:
    out = safe_markdown(text)
    assert out == (text if expected is None else expected)
    assert safe_markdown(out) == out


def test_raw_html_allowed_keeps_html_but_checks_links() -> None:
    text = "<script>x</script> [a](javascript:y) <javascript:z>"
    assert safe_markdown(text, allow_raw_html=True) == (
        "<script>x</script> \\[a](javascript:y) &lt;javascript:z>"
    )


def test_link_and_image_targets() -> None:
    assert link_target_is_safe("https://a.b/c") and link_target_is_safe("#page=3")
    assert not link_target_is_safe("java\tscript:x") and not link_target_is_safe("file:///etc")
    assert not link_target_is_safe("relative/path")
    assert image_target_is_local("doc_images/a.png")
    assert not image_target_is_local("//evil.com/a.png") and not image_target_is_local("")
