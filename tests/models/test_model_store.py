"""The model store and `pdf2md models`: list, locate, pull only on request, never by itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pdf2md.errors import BackendUnavailable, ConfigError
from pdf2md.models import (
    CATALOGUE,
    find_spec,
    list_models,
    pull_model,
    require_model,
    resolve_model,
)
from pdf2md.models_cli import models_app
from pdf2md.registry import RECOGNISERS

runner = CliRunner()


def test_catalogue_names_are_unique_and_backends_registered() -> None:
    names = [s.name for s in CATALOGUE]
    assert len(names) == len(set(names))
    model_backends = {"trocr", "got-ocr2", "local-vlm-page", "local-vlm-table", "nougat"}
    used = {b.strip().split(" ")[0] for s in CATALOGUE for b in s.backend.split(",")}
    assert model_backends <= used
    assert all(b in RECOGNISERS for b in model_backends)


def test_missing_model_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match=r"pdf2md models pull trocr-printed"):
        require_model(tmp_path, find_spec("trocr-printed"))


def test_resolve_model_by_name_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "got-ocr2"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    assert resolve_model(tmp_path, "got-ocr2", backend="got-ocr2") == folder
    assert resolve_model(tmp_path, str(folder), backend="got-ocr2") == folder
    with pytest.raises(BackendUnavailable, match=r"no config\.json"):
        resolve_model(tmp_path, str(tmp_path / "nowhere"), backend="got-ocr2")
    with pytest.raises(ConfigError, match="known:"):
        resolve_model(tmp_path, "no-such-model", backend="got-ocr2")


def test_list_shows_presence_and_folder(tmp_path: Path) -> None:
    (tmp_path / "trocr-printed").mkdir()
    (tmp_path / "trocr-printed" / "config.json").write_text("{}")
    rows = {s.spec.name: s for s in list_models(tmp_path)}
    assert rows["trocr-printed"].is_present and not rows["got-ocr2"].is_present
    result = runner.invoke(models_app, ["list", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("trocr-printed"))
    assert " yes " in line and "microsoft/trocr-base-printed" in line
    assert str(tmp_path / "trocr-printed") in line
    got = next(ln for ln in result.output.splitlines() if ln.startswith("got-ocr2 "))
    assert " no " in got


def test_list_uses_pdf2md_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDF2MD_HOME", str(tmp_path))
    result = runner.invoke(models_app, ["path", "qwen2.5-vl-3b"])
    assert result.exit_code == 0
    assert result.output.strip() == str(tmp_path / "models" / "qwen2.5-vl-3b")


def test_path_unknown_name_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(models_app, ["path", "nope", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "unknown model 'nope'" in result.output


def test_pull_uses_the_downloader_only_when_asked(tmp_path: Path) -> None:
    calls: list[dict[str, str]] = []

    def fake_download(**kw: str) -> str:
        calls.append(kw)
        Path(kw["local_dir"], "config.json").write_text("{}")
        return kw["local_dir"]

    spec = find_spec("got-ocr2")
    folder = pull_model(tmp_path, spec, downloader=fake_download)
    assert folder == tmp_path / "got-ocr2" and (folder / "config.json").exists()
    assert calls == [
        {"repo_id": "stepfun-ai/GOT-OCR-2.0-hf", "revision": "main", "local_dir": str(folder)}
    ]


def test_pull_offline_refuses_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = runner.invoke(models_app, ["pull", "trocr-printed", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "HF_HUB_OFFLINE" in result.output and "trocr-base-printed" in result.output


def test_pull_network_error_is_clear(tmp_path: Path) -> None:
    def unreachable(**kw: str) -> str:
        raise OSError("Name or service not known")

    with pytest.raises(BackendUnavailable, match="check the network"):
        pull_model(tmp_path, find_spec("got-ocr2"), downloader=unreachable)


def test_pull_surya_explains_its_own_downloader(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="surya_detect"):
        pull_model(tmp_path, find_spec("surya-detection"), downloader=lambda **kw: "")


def test_pull_command_fetches_into_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pdf2md.models as store

    seen: list[str] = []

    def fake_download(**kw: str) -> str:
        seen.append(kw["repo_id"])
        Path(kw["local_dir"], "config.json").write_text("{}")
        return kw["local_dir"]

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(store, "_hub_downloader", lambda: fake_download)
    result = runner.invoke(models_app, ["pull", "qwen2-vl-2b", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == ["Qwen/Qwen2-VL-2B-Instruct"]
    assert result.output.strip() == str(tmp_path / "qwen2-vl-2b")
    listing = runner.invoke(models_app, ["list", "--dir", str(tmp_path)]).output
    assert (
        next(ln for ln in listing.splitlines() if ln.startswith("qwen2-vl-2b")).split()[1] == "yes"
    )
