"""The API key by HTTP Basic (username, empty password) or Bearer; a wrong or missing key is a
401 in Invoiced's shape; the rate limit answers 429 `rate_limit_error` with `Retry-After`."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import KEY, invoiced_client, invoiced_settings

UNAUTHORIZED = {"type": "authentication_error", "message": "Incorrect or missing API key"}


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "header",
    [_basic(KEY, ""), f"Bearer {KEY}", f"bearer  {KEY}", "BASIC " + _basic(KEY, "")[6:]],
    ids=["basic-empty-password", "bearer", "bearer-spaces", "basic-upper-case"],
)
def test_the_key_is_accepted_by_basic_and_bearer(inv_emulator: Emulator, header: str) -> None:
    client = invoiced_client(inv_emulator, auth=None)
    assert client.get("/customers", headers={"Authorization": header}).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        None,
        _basic("wrong", ""),
        _basic("", KEY),
        f"Bearer {KEY}x",
        "Bearer ",
        f"Token {KEY}",
        "Basic ***",
        "Basic " + base64.b64encode(b"\xff\xfe:").decode(),
    ],
    ids=["none", "wrong-key", "key-as-password", "wrong-token", "empty-token", "scheme",
         "not-base64", "not-utf8"],
)  # fmt: skip
def test_anything_else_is_a_401_in_invoiced_shape(
    inv_emulator: Emulator, header: str | None
) -> None:
    client = invoiced_client(inv_emulator, auth=None)
    headers = {"Authorization": header} if header is not None else {}
    answer = client.post("/customers", json={"name": "Acme"}, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == UNAUTHORIZED
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="Invoiced"'
    assert invoiced_client(inv_emulator).get("/customers").json() == []  # nothing written


def test_the_password_is_not_read(inv_emulator: Emulator) -> None:
    """The SDKs send an empty password; the key alone identifies the business (NOTES.md)."""
    client = invoiced_client(inv_emulator, auth=(KEY, "anything"))
    assert client.get("/customers").status_code == 200


def test_the_key_is_a_setting(tmp_path: Path) -> None:
    emulator = Emulator(invoiced_settings(tmp_path, api_key="sk_test_123"))
    assert invoiced_client(emulator, auth=("sk_test_123", "")).get("/customers").status_code == 200
    assert invoiced_client(emulator).get("/customers").status_code == 401
    emulator.close()


def test_the_rate_limit_is_a_429_with_retry_after_over_real_http(tmp_path: Path) -> None:
    from chargeover_emulator.app import create_app
    from tests.threaded_server import serve_in_thread

    emulator = Emulator(invoiced_settings(tmp_path, rate_limit="2/min"))
    with (
        serve_in_thread(create_app(emulator=emulator)) as url,
        httpx.Client(base_url=url, auth=(KEY, "")) as http,
    ):
        assert [http.get("/customers").status_code for _ in range(2)] == [200, 200]
        limited = http.post("/customers", json={"name": "Late"})
        assert limited.status_code == 429
        assert limited.json() == {"type": "rate_limit_error", "message": "Rate limit exceeded"}
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
    emulator.close()
    reopened = Emulator(
        invoiced_settings(tmp_path)
    )  # the same file: the refused create wrote nothing
    assert invoiced_client(reopened).get("/customers").json() == []
    reopened.close()


def test_the_rate_limit_counts_per_key(tmp_path: Path) -> None:
    emulator = Emulator(invoiced_settings(tmp_path, rate_limit="1/min"))
    client: TestClient = invoiced_client(emulator)
    assert client.get("/customers").status_code == 200
    assert client.get("/customers").status_code == 429
    emulator.close()
