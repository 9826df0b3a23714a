"""The VLM profiles through the real pipeline: good answers are used, rejected or failed answers
fall back down the route, and every rejection is recorded in the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_fixtures import GOOD_PAGE, GOOD_TABLE, INVENTED, SamplePage, ScriptedServer

from pdf2md.pipeline import convert
from pdf2md.profile import ResolvedProfile, resolve_profile
from pdf2md.testing import StaticLayout


def _profile(name: str, server: ScriptedServer) -> ResolvedProfile:
    overrides = {
        "vlm.url": server.url,
        "vlm.model": "scripted",
        "vlm.timeout_s": 0.5,
        "vlm.retries": 0,
        "vlm.concurrency": 1,
    }
    return resolve_profile(name, overrides=overrides)


def _vlm_errors(result: object, backend: str) -> list[str]:
    return [e.message for e in result.errors if e.backend == backend]  # type: ignore[attr-defined]


def test_vlm_page_good_answer_is_the_page(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    vlm_server.script = [("ok", GOOD_PAGE)]
    result = convert(sample.doc.path, profile=_profile("vlm-page", vlm_server))
    assert result.status == "ok", result.errors
    assert "# Materials Report" in result.markdown
    assert "| Copper | 8.96 | 1085 |" in result.markdown
    assert result.document.pages[0].blocks[0].content.recogniser == "vlm-page@scripted"


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (("ok", INVENTED), "invented text"),
        (("status", 500), "HTTP 500"),
        (("sleep", 2.0, GOOD_PAGE), "timed out"),
        (("ok", "cells " * 40), "repetition loop"),
    ],
)
def test_vlm_page_rejected_falls_back_to_text_layer(
    vlm_server: ScriptedServer, sample: SamplePage, behaviour: tuple[object, ...], reason: str
) -> None:
    vlm_server.script = [behaviour]
    result = convert(sample.doc.path, profile=_profile("vlm-page", vlm_server))
    assert "Solar panels convert sunlight" in result.markdown  # from the text layer
    assert "budget" not in result.markdown and "cells cells" not in result.markdown
    assert result.document.pages[0].blocks[0].content.recogniser.startswith("pdf-text")
    messages = _vlm_errors(result, "vlm-page")
    assert messages and reason in messages[0], result.errors


def test_vlm_table_route_and_fallback(vlm_server: ScriptedServer, sample: SamplePage) -> None:
    layout = StaticLayout({0: [sample.heading, sample.paragraph, sample.table]})
    vlm_server.script = [("ok", GOOD_TABLE)]
    result = convert(
        sample.doc.path, profile=_profile("vlm", vlm_server), backends={"pymupdf-layout": layout}
    )
    assert "| Metal | Density | Melting |\n|---|---|---|" in result.markdown
    vlm_server.script = [("ok", "<table><tr><td>Metal</td><td>Density")]
    result = convert(
        sample.doc.path, profile=_profile("vlm", vlm_server), backends={"pymupdf-layout": layout}
    )
    table = next(b for b in result.document.pages[0].blocks if b.region.id == "p0-r2")
    assert not table.content.recogniser.startswith("vlm-table")  # fell back down the route
    assert any("unclosed <table>" in m for m in _vlm_errors(result, "vlm-table")), result.errors


def test_vlm_profile_without_endpoint_falls_back(sample: SamplePage, tmp_path: Path) -> None:
    layout = StaticLayout({0: [sample.heading, sample.paragraph, sample.table]})
    result = convert(sample.doc.path, profile="vlm", backends={"pymupdf-layout": layout})
    assert result.document is not None
    assert any("--vlm-url" in m for m in _vlm_errors(result, "vlm-table")), result.errors
