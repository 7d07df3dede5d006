"""What the vendoring proofs share: a fresh venv holding one generated client, a served emulator.

The client is copied out of the checkout and pip-installed into a new virtual environment (so only
its declared dependencies come along); scripts then run there, from outside the checkout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

from tests.emulator_process import free_port

REPO = Path(__file__).resolve().parents[2]


def clean_env() -> dict[str, str]:
    """The environment without anything that would let this repository leak into a subprocess."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}


def fresh_venv_with(package: str, tmp_path: Path, env: Mapping[str, str]) -> Path:
    """Copy generated/<package> out of the checkout, pip-install it into a new venv; its python."""
    vendored = tmp_path / "vendor" / package
    shutil.copytree(
        REPO / "generated" / package,
        vendored,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(vendored),
        ],
        cwd=tmp_path,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return python


def run_script(
    python: Path, script: str, tmp_path: Path, env: Mapping[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """Run `script` with the venv's python from tmp_path (outside the checkout)."""
    path = tmp_path / "use_client.py"
    path.write_text(script)
    return subprocess.run(
        [str(python), str(path), *args],
        cwd=tmp_path,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@contextlib.contextmanager
def served(
    vendor: str,
    tmp_path: Path,
    *,
    ready_path: str,
    headers: Mapping[str, str],
    options: tuple[str, ...] = (),
    timeout: float = 30.0,
) -> Iterator[str]:
    """`contract-kit serve --vendor V` on a free port over a fresh database; the base URL.

    Ready once GET `ready_path` with `headers` answers 200.
    """
    port = free_port()
    log = tmp_path / f"{vendor}-emulator.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "contract_kit", "serve", "--vendor", vendor,
             "--db", str(tmp_path / f"{vendor}.sqlite3"), "--port", str(port),
             "--rate-limit", "off", *options],
            cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the emulator exited early:\n{log.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + ready_path, headers=dict(headers)).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not answer in {timeout}s:\n{log.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
