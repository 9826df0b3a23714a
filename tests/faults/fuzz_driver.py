"""Fuzz driver: convert seeded mutations of the test fixtures through the real CLI, in process.

Run as ``python -m tests.faults.fuzz_driver SEED COUNT WORKDIR``; prints one JSON line per
mutant: ``{"name", "exit", "stderr", "problem"}``, where ``problem`` is empty when the outcome
was clean (exit 0 with a complete output, or a one-line error with nothing written).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import random
import sys
from pathlib import Path
from typing import Any

import pymupdf

from tests.conftest import simple_page, two_column_page
from tests.faults.hostile import injection_pdf, nested_forms_pdf


def fixtures(workdir: Path) -> list[bytes]:
    """The seed PDFs: the test suite's synthetic pages and two hostile ones."""
    out: list[bytes] = []
    for build in (simple_page, two_column_page):
        doc = pymupdf.open()
        build(doc)
        out.append(doc.tobytes(garbage=0, deflate=True))
    out.append(nested_forms_pdf(workdir / "nested.pdf", depth=4).read_bytes())
    out.append(injection_pdf(workdir / "inject.pdf").read_bytes())
    return out


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One of: flip bytes, truncate, delete a slice, duplicate a slice."""
    kind = rng.choice(("flip", "truncate", "delete", "duplicate"))
    buf = bytearray(data)
    n = len(buf)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del buf[rng.randrange(n // 8, n) :]
    elif kind == "delete":
        start = rng.randrange(n)
        del buf[start : start + rng.randint(1, max(1, n // 10))]
    else:
        start = rng.randrange(n)
        piece = buf[start : start + rng.randint(1, max(1, n // 10))]
        at = rng.randrange(n)
        buf[at:at] = piece
    return kind, bytes(buf)


@functools.cache
def _command() -> Any:
    """The CLI as one click command, built once (typer builds it anew on every call)."""
    import typer

    from pdf2md.cli import _register_optional_commands, app

    _register_optional_commands()
    return typer.main.get_command(app)


def run_cli(args: list[str]) -> tuple[int, str]:
    """The exit code and stderr of ``pdf2md convert ARGS``, in this process."""
    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            _command().main(args=["convert", *args], prog_name="pdf2md")
        except SystemExit as exc:
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
        except BaseException as exc:  # the fuzzer's whole point: report it
            import traceback

            err.write("Traceback (uncaught)\n" + "".join(traceback.format_exception(exc)))
            code = 99
    return code, err.getvalue()


def judge(code: int, stderr: str, out: Path) -> str:
    """Empty for a clean outcome, else what was wrong."""
    images = out.with_name(f"{out.stem}_images")
    if "Traceback" in stderr:
        return "traceback"
    if code == 0:
        return "" if out.is_file() else "exit 0 without output"
    errors = [ln for ln in stderr.splitlines() if ln.startswith("pdf2md: error:")]
    if code != 1 or len(errors) != 1:
        return f"exit {code} with {len(errors)} error lines"
    if out.exists() or images.exists():
        return "partial output left behind"
    return ""


def main(argv: list[str]) -> None:
    seed, count, workdir = int(argv[0]), int(argv[1]), Path(argv[2])
    rng = random.Random(seed)
    seeds = fixtures(workdir)
    # the fast profile, less its table-grid model (loading it for every CLI call would be
    # most of the run's time, and no fixture holds a table)
    profile = workdir / "fuzz.toml"
    profile.write_text(
        '[layout]\nbackend = "text-heuristic"\nmodel_pages = "never"\n'
        '[options.pdf-table]\nstrategies = ["lines"]\n'
    )
    for i in range(count):
        kind, data = mutate(rng.choice(seeds), rng)
        pdf = workdir / f"m{i:03d}.pdf"
        pdf.write_bytes(data)
        out = workdir / f"m{i:03d}" / "out.md"
        code, stderr = run_cli(
            [str(pdf), "-p", str(profile), "-q", "-o", str(out), "--timeout", "20"]
        )
        record = {"name": f"{pdf.name} ({kind})", "exit": code, "stderr": stderr[-2000:]}
        record["problem"] = judge(code, stderr, out)
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
