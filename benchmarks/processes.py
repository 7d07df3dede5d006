"""Servers under test as child processes: pinned to a core, polled until ready, measured."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["LOAD_CORE", "SERVER_CORE", "Server", "free_port", "peak_rss_kib", "pin_to", "pinned"]

# Server on core 0, load generator (and this runner) on core 1: both servers under test get the
# same single core, so their throughput ratio means something even on a 2-core machine.
SERVER_CORE = 0
LOAD_CORE = 1


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(argv: Sequence[str], core: int) -> list[str]:
    """Prefix argv with `taskset -c core` when that is possible here (else run unpinned)."""
    if shutil.which("taskset") is None or core >= (os.cpu_count() or 1):
        return list(argv)
    return ["taskset", "-c", str(core), *argv]


def pin_to(core: int) -> bool:
    """Pin the calling process to one core; False when the core does not exist here."""
    if core >= (os.cpu_count() or 1):
        return False
    os.sched_setaffinity(0, {core})
    return True


def peak_rss_kib(pid: int) -> int | None:
    """The process's resident-set high-water mark (VmHWM) in KiB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


class Server:
    """One server process; `with Server(...) as server:` starts it and waits for `ready_path`."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        port: int,
        ready_path: str,
        headers: Mapping[str, str],
        log: Path,
        env: Mapping[str, str] | None = None,
        start_timeout: float = 180.0,
    ) -> None:
        self.name = name
        self.argv = pinned(argv, SERVER_CORE)
        self.port = port
        self.ready_url = f"http://127.0.0.1:{port}{ready_path}"
        self.headers = dict(headers)
        self.log = log
        self.env = {**os.environ, **(env or {})}
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds: float | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def peak_rss_kib(self) -> int | None:
        """VmHWM of the server process (taskset execs the server, so the pid is the server's)."""
        return peak_rss_kib(self.pid)

    def _ready(self) -> bool:
        request = urllib.request.Request(self.ready_url, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return 200 <= int(response.status) < 300
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with self.log.open("wb") as log:
            # A new session, so that stopping the server can never signal this runner.
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        deadline = started + self.start_timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}: {self._log_tail()}"
                )
            if self._ready():
                self.startup_seconds = round(time.perf_counter() - started, 2)
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"{self.name} not ready after {self.start_timeout:.0f}s: {self._log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM to this server's pid only, then SIGKILL if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def _log_tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
