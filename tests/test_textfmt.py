"""Text-layer formatting helpers."""

from __future__ import annotations

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
