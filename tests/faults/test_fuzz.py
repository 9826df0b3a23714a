"""Seeded fuzzing of the fixtures: no traceback, no hang, no partial output (CI: seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("PDF2MD_FUZZ_SEED", "16"))
COUNT = int(os.environ.get("PDF2MD_FUZZ_COUNT", "200"))


def test_mutated_fixtures_fail_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.faults.fuzz_driver",
                str(SEED),
                str(COUNT),
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=50,  # a hang in any mutant shows as this timeout
        )
    except subprocess.TimeoutExpired as exc:
        seen = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        pytest.fail(f"fuzzing hung after {len(seen.splitlines())} mutants (seed {SEED})")
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == COUNT
    bad = [r for r in records if r["problem"]]
    assert not bad, f"seed {SEED}: " + json.dumps(bad[:3], indent=1)
    # the mutants reach both outcomes: some still convert, some are refused
    assert {r["exit"] for r in records} == {0, 1}
