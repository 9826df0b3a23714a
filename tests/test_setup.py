"""The set-up's package decisions (.ci/system-packages.sh) for the machine states it must handle.

Each case is played with a PATH holding only stand-in tools and a stand-in file-system root, so
the script judges a bare machine, one with its own Node.js, and a complete one, here, without
installing anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "system-packages.sh"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")


def _plan(tmp_path: Path, tools: list[str], files: list[str]) -> list[str]:
    """The packages the script asks for on a machine with just ``tools`` and ``files``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        stub = bin_dir / tool
        stub.write_text("#!/bin/sh\nexit 0\n")
        stub.chmod(0o755)
    root = tmp_path / "root"
    for name in files:
        target = root / name.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"")
    env = {"PATH": str(bin_dir), "PDF2MD_SYSROOT": str(root), "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(BASH), str(SCRIPT)], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CERTS = "/etc/ssl/certs/ca-certificates.crt"
LIBGL = "/usr/lib/x86_64-linux-gnu/libGL.so.1"
LANGS = ["fra", "spa", "ita", "por", "nld"]
TESSDATA = [f"/usr/share/tesseract-ocr/5/tessdata/{lang}.traineddata" for lang in LANGS]
TESSERACT_PACKAGES = [f"tesseract-ocr-{lang}" for lang in LANGS]
PRESENT = [DEJAVU, CERTS, LIBGL, *TESSDATA]


def test_bare_machine_gets_every_package(tmp_path: Path) -> None:
    assert _plan(tmp_path, [], []) == [
        "python3",
        "python3-venv",
        "ca-certificates",
        "texlive-latex-base",
        "nodejs",
        "npm",
        "libgl1",
        "fonts-dejavu-core",
        *TESSERACT_PACKAGES,
    ]


def test_machine_with_its_own_node_never_gets_debian_node_or_npm(tmp_path: Path) -> None:
    # the case that broke set-up: Node.js 20 from another build, with its own npm
    assert _plan(tmp_path, ["python3", "node", "npm"], [CERTS, LIBGL, *TESSDATA]) == [
        "texlive-latex-base",
        "fonts-dejavu-core",
    ]


def test_node_without_npm_is_left_alone(tmp_path: Path) -> None:
    # Debian's npm would pull Debian's nodejs over the one that is there: leave both alone
    assert "npm" not in _plan(tmp_path, ["node"], PRESENT)


def test_complete_machine_needs_nothing(tmp_path: Path) -> None:
    assert _plan(tmp_path, ["python3", "node", "npm", "pdflatex"], PRESENT) == []


def test_script_is_the_one_setup_uses() -> None:
    setup = SCRIPT.with_name("setup.sh").read_text()
    assert "bash .ci/system-packages.sh" in setup
    # every package goes to apt-get on its own, so one refusal cannot block the others
    assert "for pkg in $missing" in setup
    assert os.access(SCRIPT, os.R_OK)


def test_ci_runs_the_readme_test_command_after_the_checks() -> None:
    top = SCRIPT.parents[1]
    readme = (top / "README.md").read_text()
    test_command = readme.split("# 2. Run the tests:\n", 1)[1].splitlines()[0].strip()
    ci = [line.strip() for line in (top / ".ci" / "run").read_text().splitlines()]
    assert ci[-1] == test_command
    gates = ["ruff check .", "ruff format --check .", "mypy pdf2md", "lint-imports"]
    positions = [next(i for i, line in enumerate(ci) if line.endswith(g)) for g in gates]
    assert positions == sorted(positions) and positions[-1] < len(ci) - 1
    assert ci.index("bash .ci/setup.sh") < positions[0]


def test_python_without_venv_gets_python3_venv_only(tmp_path: Path) -> None:
    assert _plan(tmp_path, ["python3", "node", "npm", "pdflatex"], PRESENT) == []
    # the same machine, but its python3 cannot import venv (Debian without python3-venv)
    (tmp_path / "bin" / "python3").write_text("#!/bin/sh\nexit 1\n")
    env = {"PATH": str(tmp_path / "bin"), "PDF2MD_SYSROOT": str(tmp_path / "root")}
    done = subprocess.run([str(BASH), str(SCRIPT)], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["python3-venv"]
