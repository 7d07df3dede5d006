"""paginate/apaginate walk every page of a list operation with offset/limit (max 500)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from chargeover_client.api.customers import list_customers
from chargeover_client.api.invoices import list_invoices
from chargeover_client.lib import (
    MAX_PAGE_SIZE,
    BadRequestError,
    Order,
    Where,
    apaginate,
    connect,
    paginate,
)
from tests.client.conftest import iter_operations

BASE = "https://example.chargeover.com/api/v3"


class Server:
    """Serves `total` customers with offset/limit semantics, recording each query."""

    def __init__(self, total: int, fail_at_offset: int | None = None) -> None:
        self.total = total
        self.fail_at_offset = fail_at_offset
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        self.queries.append(query)
        offset, limit = int(query["offset"]), int(query["limit"])
        if offset == self.fail_at_offset:
            body = {
                "code": 400,
                "status": "Error",
                "message": "Missing or invalid parameter.",
                "response": False,
            }
            return httpx.Response(400, json=body)
        ids = range(offset + 1, min(offset + limit, self.total) + 1)
        rows = [{"customer_id": i, "invoice_id": i} for i in ids]
        return httpx.Response(
            200, json={"code": 200, "status": "OK", "message": "", "response": rows}
        )


@pytest.mark.parametrize("total", [0, 1, 499, 500, 501, 1234])
def test_paginate_yields_every_item_in_pages_of_500(total: int) -> None:
    server = Server(total)
    client = connect(BASE, transport=httpx.MockTransport(server))
    ids = [c.customer_id for c in paginate(list_customers.sync_detailed, client=client)]
    assert ids == list(range(1, total + 1))
    assert {q["limit"] for q in server.queries} == {str(MAX_PAGE_SIZE)}
    assert [int(q["offset"]) for q in server.queries] == list(range(0, total + 1, 500))


def test_paginate_passes_where_and_order_and_page_size() -> None:
    server = Server(5)
    client = connect(BASE, transport=httpx.MockTransport(server))
    where = Where().equals("external_key", "a:b")
    items = list(
        paginate(
            list_invoices.sync_detailed,
            client=client,
            where=where,
            order=Order().desc("invoice_id"),
            page_size=2,
        )
    )
    assert len(items) == 5
    assert server.queries[0] == {
        "where": "external_key:EQUALS:a\\:b",
        "order": "invoice_id:DESC",
        "offset": "0",
        "limit": "2",
    }
    assert len(server.queries) == 3


def test_paginate_is_lazy_and_raises_on_error_page() -> None:
    server = Server(2000, fail_at_offset=500)
    client = connect(BASE, transport=httpx.MockTransport(server))
    pages = paginate(list_customers.sync_detailed, client=client)
    first = [next(pages) for _ in range(500)]
    assert len(first) == 500 and len(server.queries) == 1
    with pytest.raises(BadRequestError):
        next(pages)


def test_max_page_size_is_the_spec_limit_maximum(spec: dict[str, Any]) -> None:
    """The client's own copy of the cap equals `limit`'s maximum on every offset-paged operation."""
    shared = spec["components"]["parameters"]
    maxima: set[int] = set()
    for path, _, operation in iter_operations(spec):
        declared = [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]
        resolved = [shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in declared]
        params = {p["name"]: p for p in resolved}
        if {"offset", "limit"} <= params.keys():
            maxima.add(params["limit"]["schema"]["maximum"])
    assert maxima == {MAX_PAGE_SIZE}


@pytest.mark.parametrize("page_size", [0, 501])
def test_page_size_is_bounded(page_size: int) -> None:
    with pytest.raises(ValueError, match="page_size"):
        next(paginate(list_customers.sync_detailed, client=connect(BASE), page_size=page_size))


def test_apaginate() -> None:
    server = Server(750)
    client = connect(BASE, async_transport=httpx.MockTransport(server))

    async def collect() -> list[object]:
        return [
            c.customer_id async for c in apaginate(list_customers.asyncio_detailed, client=client)
        ]

    assert asyncio.run(collect()) == list(range(1, 751))
    assert [q["offset"] for q in server.queries] == ["0", "500"]
