"""Pytest fixtures for the batch tests (helpers live in ``batch_fixtures``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_fixtures import CRASH_TOKEN, HANG_TOKEN, HOG_TOKEN, Corpus, build_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The standard fixture corpus in ``tmp_path/in``."""
    return build_corpus(tmp_path / "in")


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arm the fake converter's hang/hog/crash tokens for worker processes."""
    monkeypatch.setenv("PDF2MD_TEST_HANG_TOKEN", HANG_TOKEN)
    monkeypatch.setenv("PDF2MD_TEST_HOG_TOKEN", HOG_TOKEN)
    monkeypatch.setenv("PDF2MD_TEST_CRASH_TOKEN", CRASH_TOKEN)
