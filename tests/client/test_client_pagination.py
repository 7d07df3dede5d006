"""paginate/apaginate walk every page of a list operation: by primary key (keyset), or by
offset/limit where keyset cannot serve; pages of at most 500."""

from __future__ import annotations

import asyncio
import gc
import re
import threading
import time
import weakref
from collections.abc import AsyncIterator
from itertools import islice
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
from chargeover_client.lib.pagination import _last_key_in, keyset_key
from chargeover_client.list_keys import LIST_KEYS
from tests.client.conftest import iter_operations, snake_case

BASE = "https://example.chargeover.com/api/v3"


class Server:
    """Serves `total` customers (ids 1..total) with offset/limit semantics and a `<x>_id:GT:<n>`
    condition (the only one it understands), recording each query."""

    def __init__(self, total: int, fail_at_request: int | None = None) -> None:
        self.total = total
        self.fail_at_request = fail_at_request
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        self.queries.append(query)
        offset, limit = int(query["offset"]), int(query["limit"])
        after = re.search(r"_id:GT:(\d+)", query.get("where", ""))
        offset += int(after.group(1)) if after else 0
        if len(self.queries) == self.fail_at_request:
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
def test_paginate_walks_by_primary_key_in_pages_of_500(total: int) -> None:
    server = Server(total)
    client = connect(BASE, transport=httpx.MockTransport(server))
    ids = [c.customer_id for c in paginate(list_customers.sync_detailed, client=client)]
    assert ids == list(range(1, total + 1))
    assert {q["limit"] for q in server.queries} == {str(MAX_PAGE_SIZE)}
    assert {q["offset"] for q in server.queries} == {"0"}
    assert {q["order"] for q in server.queries} == {"customer_id:ASC"}
    after = [f"customer_id:GT:{last}" for last in range(500, total + 1, 500)]
    assert [q.get("where") for q in server.queries] == [None, *after]


@pytest.mark.parametrize("total", [0, 1, 499, 500, 501, 1234])
def test_paginate_by_offset_when_asked(total: int) -> None:
    server = Server(total)
    client = connect(BASE, transport=httpx.MockTransport(server))
    walk = paginate(list_customers.sync_detailed, client=client, keyset=False)
    assert [c.customer_id for c in walk] == list(range(1, total + 1))
    assert [int(q["offset"]) for q in server.queries] == list(range(0, total + 1, 500))
    assert all("where" not in q and "order" not in q for q in server.queries)


def test_keyset_ands_the_callers_where_and_starts_at_the_callers_offset() -> None:
    server = Server(10)
    client = connect(BASE, transport=httpx.MockTransport(server))
    where = Where().equals("external_key", "a:b")
    walk = paginate(
        list_invoices.sync_detailed,
        client=client,
        where=where,
        order=Order().asc("invoice_id"),
        page_size=3,
        offset=2,
    )
    assert [i.invoice_id for i in walk] == list(range(3, 11))
    assert server.queries[:2] == [
        {
            "where": "external_key:EQUALS:a\\:b",
            "order": "invoice_id:ASC",
            "offset": "2",
            "limit": "3",
        },
        {
            "where": "external_key:EQUALS:a\\:b,invoice_id:GT:5",
            "order": "invoice_id:ASC",
            "offset": "0",
            "limit": "3",
        },
    ]


def test_keyset_key_comes_from_the_generated_list_keys(spec: dict[str, Any]) -> None:
    """Every list operation of the spec pages by its resource's primary key."""
    keys = {
        ext["name"]: ext["primary-key"]
        for schema in spec["components"]["schemas"].values()
        if (ext := schema.get("x-kit-resource"))
    }
    listed = {
        snake_case(op["operationId"]): keys[op["x-kit-operation"]["resource"]]
        for _, _, op in iter_operations(spec)
        if op.get("x-kit-operation", {}).get("kind") == "list"
    }
    assert listed and listed == LIST_KEYS
    assert keyset_key(list_customers.sync_detailed, None) == "customer_id"
    assert keyset_key(list_customers.sync_detailed, "customer_id:ASC") == "customer_id"
    assert keyset_key(list_customers.sync_detailed, Order().desc("customer_id")) is None
    assert keyset_key(lambda **_: None, None) is None


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


def test_paginate_without_prefetch_is_lazy_and_raises_on_error_page() -> None:
    server = Server(2000, fail_at_request=2)
    client = connect(BASE, transport=httpx.MockTransport(server))
    pages = paginate(list_customers.sync_detailed, client=client, prefetch=False)
    first = [next(pages) for _ in range(500)]
    assert len(first) == 500 and len(server.queries) == 1
    with pytest.raises(BadRequestError):
        next(pages)
    assert len(server.queries) == 2


def test_prefetch_runs_one_page_ahead_and_raises_its_error_in_page_order() -> None:
    """The second page's request goes out while the first is being yielded; its error is
    raised only where the walk reaches it, after every item of the first page."""
    server = Server(2000, fail_at_request=2)
    client = connect(BASE, transport=httpx.MockTransport(server))
    pages = paginate(list_customers.sync_detailed, client=client)
    first = [next(pages) for _ in range(500)]
    assert [c.customer_id for c in first] == list(range(1, 501))
    with pytest.raises(BadRequestError):
        next(pages)
    assert len(server.queries) == 2


def _ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "paginate-ahead"]


def test_a_walk_stopped_early_sends_at_most_one_request_more_and_leaves_no_thread() -> None:
    server = Server(5000)
    client = connect(BASE, transport=httpx.MockTransport(server))
    walk = paginate(list_customers.sync_detailed, client=client)
    assert len(list(islice(walk, 10))) == 10
    walk.close()
    deadline = time.monotonic() + 10
    while _ahead_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _ahead_threads() == []
    assert len(server.queries) <= 2


def test_a_finished_walk_leaves_no_thread() -> None:
    server = Server(1234)
    client = connect(BASE, transport=httpx.MockTransport(server))
    assert sum(1 for _ in paginate(list_customers.sync_detailed, client=client)) == 1234
    deadline = time.monotonic() + 10
    while _ahead_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _ahead_threads() == []
    assert len(server.queries) == 3


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


@pytest.mark.parametrize("prefetch", [True, False])
def test_apaginate(prefetch: bool) -> None:
    server = Server(750)
    client = connect(BASE, async_transport=httpx.MockTransport(server))

    async def collect() -> list[object]:
        walk = apaginate(list_customers.asyncio_detailed, client=client, prefetch=prefetch)
        return [c.customer_id async for c in walk]

    assert asyncio.run(collect()) == list(range(1, 751))
    assert [q.get("where") for q in server.queries] == [None, "customer_id:GT:500"]


def test_apaginate_stopped_early_cancels_the_page_ahead() -> None:
    """The second page never answers: a walk closed during the first must not leave its
    request pending."""
    server = Server(5000)

    async def first_page_only(request: httpx.Request) -> httpx.Response:
        if server.queries:
            server.queries.append(dict(request.url.params))
            await asyncio.Event().wait()  # never set: only a cancel ends this request
        return server(request)

    client = connect(BASE, async_transport=httpx.MockTransport(first_page_only))

    async def first_ten() -> tuple[list[object], list[asyncio.Task[Any]]]:
        walk = apaginate(list_customers.asyncio_detailed, client=client)
        taken = [c async for c in aislice(walk, 10)]
        await walk.aclose()
        await asyncio.sleep(0.05)
        return taken, [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    taken, pending = asyncio.run(first_ten())
    assert len(taken) == 10 and pending == []
    assert len(server.queries) == 2  # the page ahead was asked for, then cancelled


async def aislice(walk: AsyncIterator[Any], count: int) -> AsyncIterator[Any]:
    for _ in range(count):
        yield await anext(walk)


def test_keyset_stops_with_a_clear_error_when_an_item_has_no_key() -> None:
    def keyless(request: httpx.Request) -> httpx.Response:
        rows = [{"company": "No id"}, {"company": "No id either"}]
        return httpx.Response(
            200, json={"code": 200, "status": "OK", "message": "", "response": rows}
        )

    client = connect(BASE, transport=httpx.MockTransport(keyless))
    walk = paginate(list_customers.sync_detailed, client=client, page_size=2)
    assert [c.company for c in islice(walk, 2)] == ["No id", "No id either"]
    with pytest.raises(TypeError, match="keyset=False"):
        next(walk)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"response":[{"customer_id":1},{"customer_id":27}]}', 27),
        (b'{"response":[{"customer_id" : "27"}]}', "27"),  # legacy numeric string, spaces
        # a customer's text that spells the key: its quotes are escaped, so it is not a key
        (b'[{"customer_id":5,"notes":"\\"customer_id\\":99"}]', 5),
        (b'[{"order":"x","company":"customer_id"}]', None),  # the key's name as a value
        (b'{"response":[]}', None),
    ],
)
def test_the_last_key_is_read_from_the_raw_body(body: bytes, expected: object) -> None:
    assert _last_key_in(body, b'"customer_id"') == expected


class NestedKeyServer(Server):
    """Each item ends with a nested object carrying its own `customer_id` (a larger one), so
    the last `"customer_id":` of a page is not the last item's; the guess from the raw body
    is wrong on every page. A query by that wrong key gets a 400."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        if re.search(r"_id:GT:\d{5}", query.get("where", "")):
            self.queries.append(query)
            body = {"code": 400, "status": "Error", "message": "wrong key", "response": False}
            return httpx.Response(400, json=body)
        response = super().__call__(request)
        rows = response.json()["response"]
        for row in rows:
            row["parent"] = {"customer_id": 10_000 + row["customer_id"]}
        return httpx.Response(200, json={**response.json(), "response": rows})


def test_a_wrong_guess_is_dropped_and_the_right_page_fetched() -> None:
    server = NestedKeyServer(1234)
    client = connect(BASE, transport=httpx.MockTransport(server))
    ids = [c.customer_id for c in paginate(list_customers.sync_detailed, client=client)]
    assert ids == list(range(1, 1235))
    wheres = [q.get("where") for q in server.queries]
    # each full page's guess (by the nested key) was asked for, failed, and was not used
    assert wheres == [
        None,
        "customer_id:GT:10500",
        "customer_id:GT:500",
        "customer_id:GT:11000",
        "customer_id:GT:1000",
    ]


def test_async_a_wrong_guess_is_dropped_and_the_right_page_fetched() -> None:
    server = NestedKeyServer(1234)
    client = connect(BASE, async_transport=httpx.MockTransport(server))

    async def collect() -> list[object]:
        walk = apaginate(list_customers.asyncio_detailed, client=client)
        return [c.customer_id async for c in walk]

    assert asyncio.run(collect()) == list(range(1, 1235))
    assert [q.get("where") for q in server.queries if q.get("where")] == [
        "customer_id:GT:10500",
        "customer_id:GT:500",
        "customer_id:GT:11000",
        "customer_id:GT:1000",
    ]


def test_a_short_page_is_not_followed_by_a_request() -> None:
    """The guess counts the page's items from the raw body: a short page asks for nothing."""
    server = Server(499)
    client = connect(BASE, transport=httpx.MockTransport(server))
    assert len(list(paginate(list_customers.sync_detailed, client=client))) == 499
    assert len(server.queries) == 1


@pytest.mark.parametrize("prefetch", [True, False])
def test_a_walk_frees_each_page_without_the_cyclic_collector(prefetch: bool) -> None:
    """httpx binds a response and its stream in a reference cycle; the walk breaks it, so a
    page's body (1 MB for 500 customers) goes when the walk drops the page, not when Python's
    cyclic collector next runs (rarely: RSS grew by about 35 MB per 100k records before)."""
    responses: list[weakref.ref[httpx.Response]] = []
    client = connect(BASE, transport=httpx.MockTransport(Server(5000)))
    client.get_httpx_client().event_hooks["response"].append(
        lambda response: responses.append(weakref.ref(response))
    )
    gc.collect()
    gc.disable()
    try:
        walk = paginate(list_customers.sync_detailed, client=client, prefetch=prefetch)
        assert sum(1 for _ in walk) == 5000
        alive = [ref for ref in responses if ref() is not None]
    finally:
        gc.enable()
    assert len(responses) == 11 and alive == []


def test_a_one_page_walk_starts_no_thread() -> None:
    client = connect(BASE, transport=httpx.MockTransport(Server(10)))
    walk = paginate(list_customers.sync_detailed, client=client)
    assert next(walk).customer_id == 1
    assert _ahead_threads() == []  # a short first page: nothing to fetch ahead
    assert len(list(walk)) == 9
