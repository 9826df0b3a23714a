"""Text-layer formatting helpers."""

from __future__ import annotations

from pathlib import Path

from pdf2md.recognise.textfmt import join_rows, normalise_text


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
