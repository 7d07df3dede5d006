"""`chargeover-emulator serve` as a real subprocess over real HTTP, including a restart."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chargeover_emulator.auth import signature_for, string_to_sign
from tests.emulator.conftest import AUTH

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """Start the server and wait until /api/v3/teapot answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARGEOVER_")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chargeover_emulator",
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if (
                httpx.get(
                    f"http://127.0.0.1:{port}/api/v3/teapot", auth=AUTH, timeout=1
                ).status_code
                == 200
            ):
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=10)
    if proc.stderr:
        proc.stderr.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    proc = _serve(tmp_path / "http.sqlite3", port, "--rate-limit", "off")
    yield f"http://127.0.0.1:{port}", tmp_path / "http.sqlite3"
    _stop(proc)


def test_crud_over_http_and_data_survives_restart(server: tuple[str, Path], tmp_path: Path) -> None:
    base, db = server
    with httpx.Client(base_url=base, auth=AUTH) as client:
        created = client.post(
            "/api/v3/customer", json={"company": "Over HTTP", "external_key": "http-1"}
        )
        assert (
            created.status_code == 201
            and created.headers["location"] == f"{base}/api/v3/customer/1"
        )
        assert created.headers["content-type"] == "application/json"
        customer = client.get("/api/v3/customer/external_key:http-1").json()["response"]
        assert customer["write_ipaddr"] == "127.0.0.1" and customer["url_self"].startswith(base)
        spec = client.get("/openapi.yaml")
        assert (
            spec.content
            == (
                Path(__file__).resolve().parents[2] / "spec" / "chargeover.openapi.yaml"
            ).read_bytes()
        )
    missing = httpx.get(f"{base}/api/v3/customer")
    assert missing.status_code == 401 and missing.json()["response"] is False
    port = _free_port()
    proc = _serve(db, port, "--rate-limit", "off")
    try:
        count = httpx.get(f"http://127.0.0.1:{port}/api/v3/customer/_count", auth=AUTH).json()
        assert count["response"] == 1
    finally:
        _stop(proc)


def test_signature_auth_over_http(server: tuple[str, Path]) -> None:
    base, _ = server
    user, password = AUTH
    url = f"{base}/api/v3/customer?_dummy=1&where=company%3ACONTAINS%3Atest"
    body = b""
    ts, nonce = str(int(time.time())), "k3x9q2ma"
    sig = signature_for(password, string_to_sign(user, url, nonce, ts, body))
    header = (
        f'ChargeOver co_public_key="{user}" co_nonce="{nonce}" co_timestamp="{ts}" '
        f'co_signature_method="HMAC-SHA256" co_version="1.0" co_signature="{sig}"'
    )
    first = httpx.get(url, headers={"Authorization": header})
    assert first.status_code == 200, first.text
    replay = httpx.get(url, headers={"Authorization": header})
    assert replay.status_code == 401 and "Nonce" in replay.json()["message"]
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    assert httpx.get(url, headers={"Authorization": f"Basic {basic}"}).status_code == 200


def test_rate_limit_over_http(tmp_path: Path) -> None:
    port = _free_port()
    proc = _serve(
        tmp_path / "rl.sqlite3", port, "--rate-limit", "5/min", "--seed", "3", "--seed-count", "5"
    )
    try:
        codes = [
            httpx.get(f"http://127.0.0.1:{port}/api/v3/customer/_count", auth=AUTH).status_code
            for _ in range(6)
        ]
        # the readiness probe used one request of the five
        assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]
        body = httpx.get(f"http://127.0.0.1:{port}/api/v3/teapot", auth=AUTH).json()
        assert body["message"] == "Rate limit exceeded" and body["response"] is False
    finally:
        _stop(proc)
