"""The ``pdf2md batch`` command function (end-to-end runs are in test_batch_kill)."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from pdf2md.batch.cli import batch_command


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("batch")(batch_command)
    app.command("noop")(lambda: None)  # two commands, so "batch" is a subcommand as in pdf2md
    return app


def test_help_lists_the_issue_options() -> None:
    result = CliRunner().invoke(_app(), ["batch", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in (
        "--output",
        "--workers",
        "--format",
        "--profile",
        "--timeout",
        "--max-pages",
        "--engine",
        "--address",
        "--compression",
        "--shard-size",
        "--retry-failed",
    ):
        assert option in result.output
    assert "--converter" not in result.output  # internal


def test_missing_input_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["batch", str(tmp_path / "nope.pdf"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "no such file" in result.output
