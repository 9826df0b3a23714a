"""``python -m pdf2md.batch``: the batch command on its own (the same as ``pdf2md batch``)."""

from __future__ import annotations

import typer

from pdf2md.batch.cli import batch_command

typer.run(batch_command)
