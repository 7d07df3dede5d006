"""`chargeover-emulator serve` as a real subprocess over real HTTP, including a restart."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chargeover_emulator.auth import signature_for, string_to_sign
from tests.emulator.conftest import AUTH
from tests.emulator_process import EmulatorProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorProcess]:
    with EmulatorProcess(tmp_path / "http.sqlite3", log=tmp_path / "http.log") as process:
        yield process


def test_crud_over_http_and_data_survives_restart(server: EmulatorProcess) -> None:
    base = server.base_url.removesuffix("/api/v3")
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
    server.stop()
    server.start()  # a new process (and port) over the same SQLite file
    count = httpx.get(f"{server.base_url}/customer/_count", auth=AUTH).json()
    assert count["response"] == 1


def test_signature_auth_over_http(server: EmulatorProcess) -> None:
    base = server.base_url.removesuffix("/api/v3")
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
    with EmulatorProcess(
        tmp_path / "rl.sqlite3",
        log=tmp_path / "rl.log",
        rate_limit="5/min",
        extra_args=("--seed", "3", "--seed-count", "5"),
    ) as process:
        codes = [
            httpx.get(f"{process.base_url}/customer/_count", auth=AUTH).status_code
            for _ in range(6)
        ]
        # the readiness probe used one request of the five
        assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]
        body = httpx.get(f"{process.base_url}/teapot", auth=AUTH).json()
        assert body["message"] == "Rate limit exceeded" and body["response"] is False
