"""paginate(structs=True): the same walk, decoded into the msgspec Structs generated from the
spec (chargeover_client.structs) instead of the attrs models; errors raise the same exceptions."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chargeover_client import structs
from chargeover_client.api.customers import create_customer, get_customer, list_customers
from chargeover_client.client import Client
from chargeover_client.lib import BadRequestError, Where, apaginate, connect, paginate, unwrap
from chargeover_client.models import CustomerCreate
from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, Settings
from tests.threaded_server import serve_in_thread

BASE = "https://example.chargeover.com/api/v3"


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[str]:
    settings = Settings.from_env(db=str(tmp_path / "structs.sqlite3"), rate_limit="off")
    with serve_in_thread(create_app(settings)) as url:
        yield f"{url}/api/v3"


def _client(origin: str) -> Client:
    return connect(origin, username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD)


def test_structs_walk_yields_the_same_customers_as_the_models(origin: str) -> None:
    client = _client(origin)
    for n in range(7):
        body = CustomerCreate(f"Company {n}", bill_state="WI" if n % 2 else "IL")
        unwrap(create_customer.sync_detailed(client=client, body=body))
    wisconsin = Where().equals("bill_state", "WI")
    models = list(paginate(list_customers.sync_detailed, client=client, page_size=2))
    typed = list(paginate(list_customers.sync_detailed, client=client, page_size=2, structs=True))
    assert all(isinstance(c, structs.Customer) for c in typed)
    assert [(c.customer_id, c.company) for c in typed] == [
        (c.customer_id, c.company) for c in models
    ]
    assert len(typed) == 7
    # Enums are read alike (both are StrEnums of the spec's values).
    assert [c.customer_status_str for c in typed] == [c.customer_status_str for c in models]
    filtered = paginate(
        list_customers.sync_detailed, client=client, where=wisconsin, page_size=2, structs=True
    )
    assert [c.company for c in filtered] == ["Company 1", "Company 3", "Company 5"]
    client.get_httpx_client().close()


def test_async_structs_walk(origin: str) -> None:
    client = _client(origin)
    for n in range(3):
        unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(f"Async {n}")))

    async def collect() -> list[Any]:
        walk = apaginate(list_customers.asyncio_detailed, client=client, page_size=2, structs=True)
        names = [c.company async for c in walk]
        await client.get_async_httpx_client().aclose()
        return names

    assert asyncio.run(collect()) == ["Async 0", "Async 1", "Async 2"]
    client.get_httpx_client().close()


def test_an_error_page_raises_the_same_exception() -> None:
    def bad_request(request: httpx.Request) -> httpx.Response:
        body = {"code": 400, "status": "Error", "message": "Bad where.", "response": False}
        return httpx.Response(400, json=body)

    client = connect(BASE, transport=httpx.MockTransport(bad_request))
    with pytest.raises(BadRequestError, match="Bad where"):
        next(paginate(list_customers.sync_detailed, client=client, structs=True))


def test_structs_needs_a_list_operation() -> None:
    with pytest.raises(ValueError, match="not a list operation"):
        not_a_list: Any = get_customer.sync_detailed
        next(paginate(not_a_list, client=connect(BASE), structs=True))
