"""count/acount return a count result as an int, whether sent as a number or a numeric string."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from chargeover_client.api.customers import count_customers
from chargeover_client.api.invoices import count_invoices
from chargeover_client.lib import BadRequestError, Where, acount, connect, count

BASE = "https://example.chargeover.com/api/v3"


class Server:
    """Answers every count with `payload`, recording each query."""

    def __init__(self, payload: Any, status: int = 200) -> None:
        self.payload = payload
        self.status = status
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.queries.append(dict(request.url.params))
        if self.status != 200:
            body = {
                "code": self.status,
                "status": "Error",
                "message": "Missing or invalid parameter.",
                "response": False,
            }
            return httpx.Response(self.status, json=body)
        return httpx.Response(
            200, json={"code": 200, "status": "OK", "message": "", "response": self.payload}
        )


@pytest.mark.parametrize(("payload", "expected"), [(0, 0), (42, 42), ("42", 42), ("0", 0)])
def test_count_is_an_int_for_numbers_and_legacy_numeric_strings(
    payload: Any, expected: int
) -> None:
    client = connect(BASE, transport=httpx.MockTransport(Server(payload)))
    result = count(count_customers.sync_detailed, client=client)
    assert result == expected
    assert type(result) is int


def test_count_sends_where_and_omits_an_empty_one() -> None:
    server = Server(3)
    client = connect(BASE, transport=httpx.MockTransport(server))
    count(count_invoices.sync_detailed, client=client, where=Where().equals("external_key", "a:b"))
    count(count_invoices.sync_detailed, client=client, where="invoice_id:GT:5")
    count(count_invoices.sync_detailed, client=client, where=Where())
    count(count_invoices.sync_detailed, client=client)
    assert server.queries == [
        {"where": "external_key:EQUALS:a\\:b"},
        {"where": "invoice_id:GT:5"},
        {},
        {},
    ]


@pytest.mark.parametrize("payload", [True, None, "forty-two", "-1", "4.2", "\uff14\uff12", [1]])
def test_count_rejects_a_payload_that_is_not_a_count(payload: Any) -> None:
    client = connect(BASE, transport=httpx.MockTransport(Server(payload)))
    # the count envelope's `response` is `x-kit-decode: integer`: the generated decoder refuses
    # it before count's own check would
    with pytest.raises(TypeError, match="expected an integer or its numeric string"):
        count(count_customers.sync_detailed, client=client)


def test_count_raises_the_typed_error() -> None:
    client = connect(BASE, transport=httpx.MockTransport(Server(None, status=400)), retry=None)
    with pytest.raises(BadRequestError) as caught:
        count(count_customers.sync_detailed, client=client, where="bogus")
    assert caught.value.message == "Missing or invalid parameter."


def test_acount_is_the_async_twin() -> None:
    server = Server("7")
    client = connect(BASE, async_transport=httpx.MockTransport(server))
    where = Where().contains("company", "Acme")
    result = asyncio.run(acount(count_customers.asyncio_detailed, client=client, where=where))
    assert result == 7
    assert server.queries == [{"where": "company:CONTAINS:Acme"}]
