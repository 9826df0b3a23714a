"""Write failures: one line, exit 1, nothing left behind (Markdown and images alike)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pdf2md.cli import app
from tests.faults.hostile import huge_page_pdf, nested_forms_pdf

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def figure_pdf(tmp_path: Path) -> Path:
    """A page with text and a figure, so that a conversion writes an image file."""
    return huge_page_pdf(tmp_path / "fig.pdf")


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("pdf2md: error:")]


def test_full_disk_leaves_nothing(
    figure_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake file system that is full when the Markdown is written."""
    real = Path.write_text

    def full(self: Path, *args: object, **kw: object) -> int:
        if self.name.endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    out = tmp_path / "out" / "doc.md"
    result = runner.invoke(app, ["convert", str(figure_pdf), "-p", "fast", "-o", str(out), "-q"])
    assert result.exit_code == 1
    assert result.stderr == f"pdf2md: error: cannot write {out}: no space left on device\n"
    assert sorted(p.name for p in out.parent.iterdir()) == []  # no .md, no _images, no staging


def test_output_is_a_directory(figure_pdf: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(figure_pdf), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"pdf2md: error: cannot write {tmp_path}: is a directory\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_folder_without_write_permission(figure_pdf: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        out = locked / "doc.md"
        result = runner.invoke(app, ["convert", str(figure_pdf), "-p", "fast", "-o", str(out)])
        assert result.exit_code == 1
        assert _error_lines(result.stderr) == [
            f"pdf2md: error: cannot write {locked / 'doc_images'}: permission denied"
        ]
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_stdout_to_dev_full(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    pdf = nested_forms_pdf(tmp_path / "p.pdf", depth=2)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "pdf2md", str(pdf), "-p", "fast", "-q"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr == "pdf2md: error: cannot write to stdout: no space left on device\n"


def test_stdout_closed(tmp_path: Path) -> None:
    pdf = nested_forms_pdf(tmp_path / "p.pdf", depth=2)
    done = subprocess.run(
        [sys.executable, "-m", "pdf2md", str(pdf), "-p", "fast", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("pdf2md: error: cannot write to stdout:")
    assert len(done.stderr.splitlines()) == 1


def _namespace_shell() -> list[str] | None:
    """``unshare`` into a mount namespace of our own, where a tmpfs can be mounted."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run(
        [unshare, "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null"],
        capture_output=True,
        timeout=30,
    )
    return [unshare, "-rm", "sh", "-c"] if probe.returncode == 0 else None


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("mount -t tmpfs -o size=64k,ro tmpfs {d}", "read-only file system"),
        (
            "mount -t tmpfs -o size=64k tmpfs {d} && "
            "dd if=/dev/zero of={d}/fill bs=1k count=64 2>/dev/null; true",
            "no space left on device",
        ),
    ],
)
def test_real_small_tmpfs(figure_pdf: Path, tmp_path: Path, setup: str, reason: str) -> None:
    shell = _namespace_shell()
    if shell is None:
        pytest.skip("cannot mount a tmpfs here (no user namespaces)")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = mnt / "doc.md"
    cmd = (
        f"{setup.format(d=mnt)} && rm -f {mnt}/fill.keep; "
        f"{sys.executable} -m pdf2md {figure_pdf} -p fast -q -o {out}; echo rc=$?; ls -A {mnt}"
    )
    done = subprocess.run([*shell, cmd], capture_output=True, text=True, env=_env(), timeout=120)
    assert done.stderr.splitlines()[-1].startswith(f"pdf2md: error: cannot write {mnt}")
    assert done.stderr.splitlines()[-1].endswith(reason)
    lines = done.stdout.split()
    assert lines[0] == "rc=1"
    assert [x for x in lines[1:] if x != "fill"] == []  # nothing partial stayed behind
