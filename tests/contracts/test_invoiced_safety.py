"""Invoiced on a real account: read-only by default, writes only on the run's own tagged
customers and their contacts, never a statement send, cleanup in dependency order, and the
account's variables (INVOICED_URL, INVOICED_API_KEY)."""

from __future__ import annotations

import json

import httpx
import pytest

from contracts.dialects import by_name
from contracts.invoiced.writes import InvoicedWrites
from contracts.safety import Cleanup, GuardedTransport, RateLimiter, UnsafeWrite
from contracts.settings import Settings, SettingsError
from contracts.targets import _emulator_environment, open_target

PREFIX = "contracts-run1-"


def invoiced(**guard) -> tuple[httpx.Client, GuardedTransport, list[str]]:
    """A client over a mock Invoiced (bare bodies; creates get ids 7, 8, ...) behind the guard."""
    sent: list[str] = []
    ids = iter(range(7, 100))

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            return httpx.Response(201, json={"id": next(ids), "name": "x"})
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json={"id": 1})

    transport = GuardedTransport(
        httpx.MockTransport(handler), sleep=lambda _: None, policy=InvoicedWrites(),
        key_prefix=PREFIX, **guard,
    )  # fmt: skip
    client = httpx.Client(base_url="https://api.sandbox.invoiced.test/", transport=transport)
    return client, transport, sent


def test_read_only_by_default() -> None:
    client, _, sent = invoiced(guard_writes=True)
    assert client.get("customers").status_code == 200
    for method, path in (
        ("POST", "customers"),
        ("PATCH", "customers/1"),
        ("DELETE", "customers/1"),
    ):
        with pytest.raises(UnsafeWrite, match="read-only"):
            client.request(method, path, json={"name": "x", "number": PREFIX + "1"})
    assert sent == ["GET /customers"]


def test_writes_touch_only_the_runs_own_customers_and_contacts() -> None:
    client, transport, _ = invoiced(guard_writes=True, allow_writes=True)
    with pytest.raises(UnsafeWrite, match="number starting"):
        client.post("customers", json={"name": "x"})
    with pytest.raises(UnsafeWrite, match="number starting"):
        client.post("customers", json={"name": "x", "number": "CUST-0001"})
    assert client.post("customers", json={"name": "x", "number": PREFIX + "a"}).status_code == 201
    assert transport.cleanup.owns("customers", 7)
    assert client.patch("customers/7", json={"name": "y"}).status_code == 200
    with pytest.raises(UnsafeWrite, match="not an object this run created"):
        client.patch("customers/8", json={"name": "y"})
    with pytest.raises(UnsafeWrite, match="customer 5, which this run did not create"):
        client.post("customers/5/contacts", json={"name": "Ann"})
    assert client.post("customers/7/contacts", json={"name": "Ann"}).status_code == 201
    assert transport.cleanup.owns("customers/7/contacts", 8)
    assert client.patch("customers/7/contacts/8", json={"title": "CFO"}).status_code == 200
    with pytest.raises(UnsafeWrite, match="not an object this run created"):
        client.delete("customers/7/contacts/9")
    with pytest.raises(UnsafeWrite, match="not an object this run created"):
        client.delete("customers/5/contacts/8")  # the right id under someone else's customer


@pytest.mark.parametrize("send", ["emails", "text_messages", "letters"])
def test_statement_sends_never_reach_a_real_account(send: str) -> None:
    client, _, sent = invoiced(guard_writes=True, allow_writes=True)
    client.post("customers", json={"name": "x", "number": PREFIX + "a"})
    with pytest.raises(UnsafeWrite, match="real recipients"):
        client.post(f"customers/7/{send}", json={})
    assert sent == ["POST /customers"]


def test_cleanup_deletes_contacts_then_customers_and_reports_leftovers() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        if request.url.path == "/customers/2":
            return httpx.Response(400, json={"type": "invalid_request", "message": "no"})
        return httpx.Response(404 if request.url.path.endswith("/contacts/5") else 204)

    cleanup = Cleanup()
    created = [("customers", 1), ("customers", 2), ("customers/1/contacts", 5),
               ("customers/2/contacts", 6)]  # fmt: skip
    for collection, object_id in created:
        cleanup.record(collection, object_id)
    client = httpx.Client(base_url="https://x.test/", transport=httpx.MockTransport(handler))
    leftovers = cleanup.run(client, InvoicedWrites())
    assert sent[:2] == ["DELETE /customers/1/contacts/5", "DELETE /customers/2/contacts/6"]
    assert sent[2:] == ["DELETE /customers/2", "DELETE /customers/1"]
    assert leftovers == ["customers 2: HTTP 400"]  # 204 and 404 count as gone


def test_the_account_is_invoiced_url_and_invoiced_api_key() -> None:
    environ = {
        "INVOICED_URL": "https://api.sandbox.invoiced.com/",
        "INVOICED_API_KEY": "sk_sandbox",
        "INVOICED_CONTRACTS_RATE_LIMIT": "60",
        "INVOICED_CONTRACTS_ALLOW_WRITES": "1",
        "CHARGEOVER_CONTRACTS_SEED": "4",
    }
    settings = Settings.from_env(environ, vendor="invoiced", target="url")
    assert settings.base_url == "https://api.sandbox.invoiced.com"  # no /api/v3 to end in
    assert (settings.username, settings.password) == ("sk_sandbox", None)
    assert settings.rate_limit_per_minute == 60 and settings.allow_writes
    assert settings.seed is None and settings.spec_path.parts[-2:] == ("invoiced", "openapi.yaml")
    with pytest.raises(SettingsError, match="needs INVOICED_API_KEY"):
        Settings.from_env(
            {"INVOICED_URL": environ["INVOICED_URL"]}, vendor="invoiced", target="url"
        )


def test_a_url_target_sends_the_key_as_username_with_an_empty_password() -> None:
    seen: list[str] = []

    async def echo(scope, receive, send) -> None:  # an ASGI app answering 200
        seen.append(dict(scope["headers"]).get(b"authorization", b"").decode())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    settings = Settings.from_env({}, vendor="invoiced", target="emulator-inprocess")
    with open_target(settings, app=echo, credentials=("sk_key", "")) as target:
        assert target.base_url == "http://testserver"  # Invoiced has no API prefix
        target.client().get("customers")
    assert seen == [httpx.BasicAuth("sk_key", "")._auth_header]
    assert by_name("invoiced").auth.schemathesis_auth(("sk_key", "")) == {
        "basic": {"username": "sk_key", "password": ""}
    }


def test_the_hosted_emulator_gets_the_key_and_not_the_account(monkeypatch) -> None:
    monkeypatch.setenv("INVOICED_API_KEY", "sk_live_secret")
    monkeypatch.setenv("INVOICED_EMULATOR_API_KEY", "from-the-shell")
    env = _emulator_environment("invoiced", "harness-key", "", ("API_KEY",))
    assert "INVOICED_API_KEY" not in env
    assert env["INVOICED_EMULATOR_API_KEY"] == "harness-key"
    assert "INVOICED_EMULATOR_PASSWORD" not in env


def test_a_url_target_is_rate_limited() -> None:
    environ = {"INVOICED_URL": "https://x.test", "INVOICED_API_KEY": "k",
               "INVOICED_CONTRACTS_RATE_LIMIT": "30"}  # fmt: skip
    settings = Settings.from_env(environ, vendor="invoiced", target="url")
    with open_target(settings) as target:
        assert isinstance(target.limiter, RateLimiter) and target.limiter.per_minute == 30
        assert not target.writes_allowed
    assert json.dumps(target.dialect.account_fields) == '["API_KEY"]'
