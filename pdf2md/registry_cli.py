"""Attach the subcommands that live in other packages (batch, eval, models) to the CLI app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``batch``, ``eval`` and ``models`` where their modules are present."""
    import importlib

    for name, target in (
        ("batch", "pdf2md.batch.cli:batch_command"),
        ("eval", "pdf2md.eval.cli:eval_command"),
    ):
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        app.command(name)(getattr(module, attr))
    try:
        from pdf2md.models_cli import models_app
    except ModuleNotFoundError as exc:
        if exc.name != "pdf2md.models_cli":
            raise
    else:
        app.add_typer(models_app, name="models")
