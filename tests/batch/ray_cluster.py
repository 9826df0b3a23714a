"""A real two-node Ray cluster on one machine for the tests: ``ray start --head`` plus a second
``ray start --address`` with resources of its own, each with its own temporary folder.

The head listens on 127.0.0.1, the second node on 127.0.0.2 (both loopback), so the test's
driver attaches to the head's raylet and survives the second node's loss. Every port is a free
one, so the cluster never meets another Ray on the machine. Each ``ray start`` runs in a
session of its own; stopping the cluster kills exactly the processes of those two sessions
(never ``ray stop``, which would stop every Ray on the machine).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HEAD_IP, SECOND_IP = "127.0.0.1", "127.0.0.2"

# the GCS notices a dead raylet within about two seconds (default: about half a minute)
FAST_FAILURE = {
    "RAY_health_check_initial_delay_ms": "1000",
    "RAY_health_check_period_ms": "500",
    "RAY_health_check_timeout_ms": "500",
    "RAY_health_check_failure_threshold": "3",
}


@dataclass(frozen=True)
class RayCluster:
    """A running two-node cluster."""

    address: str
    second_temp_dir: Path
    sessions: tuple[int, ...]

    def second_raylet_pid(self) -> int | None:
        """The process id of the second node's raylet (``None``: not running)."""
        marker = f"--raylet_socket_name={self.second_temp_dir}/"
        for pid, args in _processes():
            if args and args[0].endswith("/raylet") and any(a.startswith(marker) for a in args):
                return pid
        return None


def _processes() -> Iterator[tuple[int, list[str]]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            yield int(entry.name), [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def _free_ports(ip: str, count: int) -> list[int]:
    """``count`` distinct free ports (all bound at once, so none is handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((ip, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


_PORT_OPTIONS = (
    "node-manager-port",
    "object-manager-port",
    "dashboard-agent-listen-port",
    "dashboard-agent-grpc-port",
    "runtime-env-agent-port",
    "metrics-export-port",
)


def _port_options(ports: list[int]) -> list[str]:
    return [f"--{name}={port}" for name, port in zip(_PORT_OPTIONS, ports)]


def _ray_start(args: list[str], env: Mapping[str, str]) -> int:
    """Run ``ray start ARGS`` in a new session; returns the session id."""
    ray = str(Path(sys.executable).parent / "ray")
    proc = subprocess.Popen(
        [ray, "start", "--disable-usage-stats", *args],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out, _ = proc.communicate(timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"ray start failed:\n{out.decode(errors='replace')[-3000:]}")
    return proc.pid  # the session id of everything it started


def _kill_sessions(sessions: tuple[int, ...]) -> None:
    for pid, _ in list(_processes()):
        try:
            if os.getsid(pid) in sessions:
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


@contextmanager
def two_node_cluster(env: Mapping[str, str]) -> Iterator[RayCluster]:
    """Start the cluster (one CPU per node; the second has resource ``second``); kill it after.

    Its temporary folders are short ones below /tmp (Ray's socket paths must fit in 107
    bytes), removed afterwards.
    """
    env = {**env, **FAST_FAILURE, "RAY_AUTH_MODE": "disabled"}
    workdir = Path(tempfile.mkdtemp(prefix="pdf2md-ray-", dir="/tmp"))
    head_dir, second_dir = workdir / "h", workdir / "w"
    # one batch of distinct ports for both nodes: some components listen on every address
    free = _free_ports(HEAD_IP, 2 * len(_PORT_OPTIONS) + 2)
    port, dashboard = free[:2]
    head_ports = _port_options(free[2 : 2 + len(_PORT_OPTIONS)])
    second_ports = _port_options(free[2 + len(_PORT_OPTIONS) :])
    sessions: list[int] = []
    try:
        sessions.append(
            _ray_start(
                ["--head", f"--node-ip-address={HEAD_IP}", f"--port={port}", "--num-cpus=1",
                 f"--temp-dir={head_dir}", "--include-dashboard=false",
                 f"--dashboard-port={dashboard}", *head_ports],
                env,
            )
        )  # fmt: skip
        address = f"{HEAD_IP}:{port}"
        sessions.append(
            _ray_start(
                [f"--address={address}", f"--node-ip-address={SECOND_IP}", "--num-cpus=1",
                 '--resources={"second": 1}', f"--temp-dir={second_dir}", *second_ports],
                env,
            )
        )  # fmt: skip
        yield RayCluster(address, second_dir, tuple(sessions))
    finally:
        _kill_sessions(tuple(sessions))
        time.sleep(0.2)
        shutil.rmtree(workdir, ignore_errors=True)
