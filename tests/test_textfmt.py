"""Text-layer formatting helpers."""

from __future__ import annotations

from pathlib import Path

from pdf2md.model import BBox
from pdf2md.recognise.textfmt import join_rows, normalise_text, paragraph_breaks
from pdf2md.source import TextLine, TextSpan


def _line(text: str, x0: float, y0: float, size: float = 9.0) -> TextLine:
    box = BBox(x0, y0, x0 + size * len(text), y0 + size)
    span = TextSpan(text, box, "MS-Mincho", size, 0, 0, y0 + 0.8 * size)
    return TextLine(box, (span,), 0)


def test_dehyphenation_only_for_split_words() -> None:
    assert join_rows(["an exam-", "ple of it"]) == "an example of it"
    assert join_rows(["a well-", "known fact"]) == "a well-known fact"
    assert join_rows(["the year 2020-", "2021"]) == "the year 2020-2021"
    assert join_rows(["see Smith-", "Jones"]) == "see Smith-Jones"


def test_normalise_ligatures_and_spaces() -> None:
    assert normalise_text("\ufb01nal\u00a0e\ufb00ort\u00ad") == "final effort"
    assert normalise_text("x²") == "x²"


def test_tex_double_quotes() -> None:
    assert normalise_text("\u2018\u2018quoted\u2019\u2019") == "\u201cquoted\u201d"


def test_cjk_lines_join_without_space() -> None:
    assert join_rows(["現在", "価値により"]) == "現在価値により"
    assert join_rows(["end of line", "価値"]) == "end of line 価値"


def test_accents_set_apart_from_their_letters_combine() -> None:
    assert (
        normalise_text("J\u00a8ager na\u00a8\u0131ve Erd\u02ddos \u00b8ca")
        == "Jäger naïve Erdős ça"
    )
    assert normalise_text("caf\u00b4e, G\u00b4\u0131sli") == "café, Gísli"
    assert normalise_text("x \u00b4 y") == "x \u00b4 y"  # a lone accent stays one character


def test_tex_accents_read_as_accented_letters(tmp_path: Path) -> None:
    """pdflatex with its default (OT1) fonts sets each accent as a glyph of its own."""
    from pdf2md.pipeline import convert
    from tests.recognise.mathcheck import compile_fixture

    pdf = compile_fixture("accents", tmp_path)
    md = convert(pdf).markdown
    assert "Jäger wrote a naïve note with Erdős in Français at the café of Gísli." in md, md


def test_paragraph_indented_with_an_ideographic_space_starts_a_new_paragraph() -> None:
    # a short label line, then a paragraph whose first line starts with U+3000 (the line's box
    # starts at the space, at the same x as the label)
    rows = [
        [_line("敷金及び保証金", 78, 51)],
        [_line("\u3000敷金及び保証金の時価については、将来キャッシュ", 78, 62)],
        [_line("価値により算定しており、レベル2の時価に分類。", 78, 73)],
    ]
    region = BBox(78, 51, 78 + 9 * 26, 82)
    assert paragraph_breaks(rows, region) == [1]
