"""The local VLM recognisers on tiny random Qwen2.5-VL / Qwen2-VL checkpoints, loaded from a
model store folder with no network, run through the real recogniser code."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_fixtures import SamplePage
from tiny_models import TABLE_TOKENS, build_qwen25_vl

from pdf2md.backend import BackendContext
from pdf2md.errors import BackendUnavailable
from pdf2md.profile import ModelSettings, Profile

pytest.importorskip("transformers")


def _context(store: Path, name: str, **options: object) -> BackendContext:
    opts = {"model": "qwen2.5-vl-3b", "max_tokens": 24, "max_pixels": 112 * 112, **options}
    profile = Profile(models=ModelSettings(dir=str(store)), options={name: opts})
    return BackendContext(profile=profile)


@pytest.fixture(scope="module")
def table_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store")
    build_qwen25_vl(store / "qwen2.5-vl-3b", chain=TABLE_TOKENS)
    return store


def _forbid_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: object, **kw: object) -> None:
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)


def test_scripted_table_is_accepted(
    table_store: Path, sample: SamplePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdf2md.recognise.local_vlm import LocalVlmTableRecogniser

    _forbid_network(monkeypatch)  # loading from the store must not touch the network
    rec = LocalVlmTableRecogniser(_context(table_store, "local-vlm-table"))
    rec.load()
    [content] = rec.recognise([sample.crop(sample.table)])
    assert content is not None, rec.last_errors
    assert "| Copper | 8.96 | 1085 |" in content.text
    assert content.recogniser == "local-vlm-table@qwen2.5-vl-3b"


def test_table_answer_for_the_wrong_region_is_rejected(
    table_store: Path, sample: SamplePage
) -> None:
    from pdf2md.recognise.local_vlm import LocalVlmTableRecogniser

    rec = LocalVlmTableRecogniser(_context(table_store, "local-vlm-table"))
    # The model always answers with the metals table; the paragraph has none of those words.
    assert rec.recognise([sample.crop(sample.paragraph)]) == [None]
    assert "invented text" in rec.last_errors[0][1]


def test_cut_off_answer_is_rejected(table_store: Path, sample: SamplePage) -> None:
    from pdf2md.recognise.local_vlm import LocalVlmTableRecogniser

    rec = LocalVlmTableRecogniser(_context(table_store, "local-vlm-table", max_tokens=3))
    assert rec.recognise([sample.crop(sample.table)]) == [None]
    assert "cut off" in rec.last_errors[0][1]


@pytest.mark.parametrize(
    ("model_type", "chain", "reason"),
    [
        ("qwen2_vl", ["the", "cells"], "repetition loop"),  # the -> cells -> the ...
        ("qwen2_5_vl", [], "empty"),
    ],
)
def test_page_loop_and_empty_rejected(
    tmp_path: Path, sample: SamplePage, model_type: str, chain: list[str], reason: str
) -> None:
    from pdf2md.recognise.local_vlm import LocalVlmPageRecogniser

    build_qwen25_vl(tmp_path / "tiny", model_type=model_type, chain=chain, ends=not chain)
    ctx = _context(tmp_path, "local-vlm-page", model=str(tmp_path / "tiny"), max_tokens=60)
    rec = LocalVlmPageRecogniser(ctx)
    assert rec.recognise([sample.crop(sample.page_region)]) == [None]
    assert reason in rec.last_errors[0][1], rec.last_errors


def test_missing_model_fails_with_the_fix_and_no_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdf2md.recognise.local_vlm import LocalVlmPageRecogniser

    _forbid_network(monkeypatch)
    rec = LocalVlmPageRecogniser(_context(tmp_path, "local-vlm-page", model="olmocr-7b"))
    with pytest.raises(BackendUnavailable, match=r"pdf2md models pull olmocr-7b"):
        rec.load()


def test_batches_of_different_sizes(table_store: Path, sample: SamplePage) -> None:
    from pdf2md.recognise.local_vlm import LocalVlmTableRecogniser

    rec = LocalVlmTableRecogniser(_context(table_store, "local-vlm-table", batch_size=2))
    crops = [sample.crop(sample.table), sample.crop(sample.paragraph), sample.crop(sample.table)]
    out = rec.recognise(crops)  # two batches; crops of different sizes are left-padded
    assert [c is not None for c in out] == [True, False, True]
    assert out[0] == out[2]
    assert [rid for rid, _ in rec.last_errors] == [sample.paragraph.id]
