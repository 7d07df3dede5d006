"""`chargeover-emulator serve` as a real subprocess on a free port: the one way tests start it.

Used by the emulator's HTTP tests, the client's vendoring proof and the reliability suite
(which also passes a weakened twin's command, `tests.reliability.weakened_server.SERVE`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, environment_prefix

__all__ = ["SERVE", "EmulatorProcess", "free_port"]

REPO_ROOT = Path(__file__).resolve().parents[1]
# The real command people run.
SERVE = (sys.executable, "-m", "chargeover_emulator", "serve")


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class EmulatorProcess:
    """Start, kill -9 and restart one emulator process over one SQLite file."""

    def __init__(
        self,
        db: Path,
        *,
        log: Path,
        rate_limit: str = "off",
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        command: Sequence[str] = SERVE,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.db = db
        self.log = log
        self.username = username
        self.password = password
        self._args = [
            *command, "--db", str(db), "--rate-limit", rate_limit,
            "--username", username, "--password", password, *extra_args,
        ]  # fmt: skip
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """The API root, ending in /api/v3."""
        return f"http://127.0.0.1:{self.port}/api/v3"

    @property
    def auth(self) -> tuple[str, str]:
        """HTTP Basic credentials the server accepts."""
        return (self.username, self.password)

    def start(self, *, timeout: float = 30.0) -> None:
        """Launch on a fresh free port and wait until the API answers."""
        self.port = free_port()
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [*self._args, "--port", str(self.port)],
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                # no CHARGEOVER_EMULATOR_* from the caller's shell: the options above are the
                # whole config (the emulator reads no other variable of ours)
                env={k: v for k, v in os.environ.items() if not k.startswith(environment_prefix())},
            )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"emulator exited early:\n{self.log.read_text(errors='replace')}"
                )
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base_url}/teapot", auth=self.auth, timeout=1.0).status_code:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"emulator did not answer within {timeout}s:\n{self.log.read_text()}")

    def kill9(self) -> None:
        """SIGKILL: no shutdown handler, no final commit, no flush; the process just vanishes."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=10)

    def stop(self) -> None:
        """Terminate politely, then forcefully."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
