"""``python -m pdf2md.batch``: the batch command on its own (the same as ``pdf2md batch``)."""

from __future__ import annotations

import logging

import typer

from pdf2md.batch.cli import batch_command

logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
typer.run(batch_command)
