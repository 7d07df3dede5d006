"""invoiced_client.lib against a real HTTP server (uvicorn in a thread) serving canned Invoiced
responses: auth, error mapping, retries with Retry-After, Link-following order and total count,
deepObject query parameters, redaction."""

from __future__ import annotations

import asyncio
import base64
import logging
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from invoiced_client.api.customers import (
    create_customer,
    delete_customer,
    list_customers,
    retrieve_customer,
)
from invoiced_client.lib import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    InvoicedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    UnexpectedStatusError,
    apaginate,
    next_link,
    paginate,
    unwrap,
)
from invoiced_client.lib import connect as lib_connect
from invoiced_client.models import (
    CustomerCreate,
    ListCustomersCustomerFilter,
    ListCustomersMetadataFilter,
)
from tests.threaded_server import serve_in_thread

API_KEY = "sk_live_Q4ZbT9uV2mW7xY1aB3cD5eF8"
NO_RETRY_WAIT = RetryPolicy(initial_delay=0, max_delay=0)
CUSTOMERS = [{"id": n, "object": "customer", "name": f"Customer {n}"} for n in range(1, 8)]
# id -> the canned error (status, body, headers) retrieve_customer answers with
ERRORS: dict[int, tuple[int, object, dict[str, str]]] = {
    400: (400, {"type": "invalid_request", "message": "Name missing", "param": "name"}, {}),
    401: (401, {"type": "authentication_error", "message": "Unauthorized"}, {}),
    403: (403, {"type": "invalid_request", "message": "Not allowed", "param": None}, {}),
    404: (404, {"type": "invalid_request", "message": "Customer was not found: 404"}, {}),
    429: (429, {"type": "rate_limit_error", "message": "Slow down"}, {"Retry-After": "7"}),
    500: (500, "<html>Internal Server Error</html>", {}),
    418: (418, {"type": "teapot", "message": "I'm a teapot"}, {}),
}


class Recorder:
    """Every request the server saw: method, path, raw query string, Authorization header."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str, str]] = []

    def seen(self, request: Request) -> None:
        self.requests.append(
            (
                request.method,
                request.url.path,
                request.url.query,
                request.headers.get("authorization", ""),
            )
        )


def make_app(recorder: Recorder, flaky: dict[str, int]) -> Starlette:
    async def customers(request: Request) -> Response:
        recorder.seen(request)
        if request.method == "POST":
            if flaky.get("post"):
                flaky["post"] -= 1
                return JSONResponse({"type": "api", "message": "busy"}, status_code=503)
            return JSONResponse({"id": 99, "object": "customer", "name": "New"}, status_code=201)
        base = str(request.base_url).rstrip("/")
        if request.query_params.get("sort") == "elsewhere":
            base = "https://evil.example"
        # The server's own cursor, which the client cannot compute from a page number: it proves
        # that the next page is fetched from the Link header, as given.
        cursor = int(request.query_params.get("cursor", "0"))
        page = CUSTOMERS[cursor : cursor + 3]
        links = [f'<{base}/customers?cursor=0&per_page=3>; rel="first"']
        if cursor + 3 < len(CUSTOMERS):
            links.append(f'<{base}/customers?cursor={cursor + 3}&per_page=3>; rel="next"')
        headers = {"Link": ", ".join(links), "X-Total-Count": str(len(CUSTOMERS))}
        return JSONResponse(page, headers=headers)

    async def customer(request: Request) -> Response:
        recorder.seen(request)
        number = int(request.path_params["id"])
        if request.method == "DELETE":
            return Response(status_code=204)
        if number == 503 and flaky.get("get"):
            flaky["get"] -= 1
            return JSONResponse({"type": "api", "message": "busy"}, 503, {"Retry-After": "0"})
        if number in ERRORS:
            status, body, headers = ERRORS[number]
            if isinstance(body, str):
                return PlainTextResponse(body, status_code=status, headers=headers)
            return JSONResponse(body, status_code=status, headers=headers)
        return JSONResponse({"id": number, "object": "customer", "name": f"Customer {number}"})

    return Starlette(
        routes=[
            Route("/customers", customers, methods=["GET", "POST"]),
            Route("/customers/{id:int}", customer, methods=["GET", "DELETE"]),
        ]
    )


@pytest.fixture
def server() -> Iterator[tuple[str, Recorder, dict[str, int]]]:
    recorder, flaky = Recorder(), dict[str, int]()
    with serve_in_thread(make_app(recorder, flaky)) as url:
        yield url, recorder, flaky


_OPENED: list[Any] = []


def connect(*args: Any, **kwargs: Any) -> Any:
    """lib.connect, remembering the client so that the test's teardown closes its sockets."""
    client = lib_connect(*args, **kwargs)
    _OPENED.append(client)
    return client


@pytest.fixture(autouse=True)
def closes_its_clients() -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().get_httpx_client().close()


def test_api_key_is_http_basic_with_an_empty_password(server: Any) -> None:
    url, recorder, _ = server
    unwrap(retrieve_customer.sync_detailed(1, client=connect(url, api_key=API_KEY)))
    expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert recorder.requests[-1][3] == expected


def test_access_token_is_bearer(server: Any) -> None:
    url, recorder, _ = server
    unwrap(retrieve_customer.sync_detailed(1, client=connect(url, access_token="tok_123")))
    assert recorder.requests[-1][3] == "Bearer tok_123"


def test_api_key_and_access_token_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"):
        connect("http://127.0.0.1:9", api_key="a", access_token="b")


def test_unwrap_returns_the_model(server: Any) -> None:
    url, _, _ = server
    client = connect(url, api_key=API_KEY)
    assert unwrap(retrieve_customer.sync_detailed(5, client=client)).name == "Customer 5"
    created = unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(name="New")))
    assert created.id == 99
    assert unwrap(delete_customer.sync_detailed(5, client=client)) is None


@pytest.mark.parametrize(
    ("number", "error", "fields"),
    [
        (400, BadRequestError, {"type": "invalid_request", "param": "name"}),
        (401, AuthenticationError, {"type": "authentication_error", "param": None}),
        (403, PermissionDeniedError, {"message": "Not allowed", "param": None}),
        (404, NotFoundError, {"message": "Customer was not found: 404"}),
        (429, RateLimitError, {"type": "rate_limit_error", "retry_after": 7.0}),
        (500, ServerError, {"type": "", "message": "Internal Server Error"}),
        (418, UnexpectedStatusError, {"type": "teapot"}),
    ],
)
def test_error_statuses_raise_typed_errors(
    server: Any, number: int, error: type[InvoicedError], fields: dict[str, object]
) -> None:
    url, _, _ = server
    client = connect(url, api_key=API_KEY, retry=None)
    with pytest.raises(error) as raised:
        unwrap(retrieve_customer.sync_detailed(number, client=client))
    assert type(raised.value) is error
    assert raised.value.status_code == number  # type: ignore[attr-defined]
    for name, value in fields.items():
        assert getattr(raised.value, name) == value, name


def test_400_and_404_are_invalid_request_errors_as_in_the_sdks(server: Any) -> None:
    url, _, _ = server
    client = connect(url, retry=None)
    for number in (400, 404):
        with pytest.raises(InvalidRequestError):
            unwrap(retrieve_customer.sync_detailed(number, client=client))


def test_idempotent_requests_are_retried_honouring_retry_after(server: Any) -> None:
    url, recorder, flaky = server
    flaky["get"] = 2
    # max_delay would make our own backoff wait; Retry-After: 0 from the server wins.
    client = connect(url, api_key=API_KEY, retry=RetryPolicy(initial_delay=60, max_delay=60))
    assert unwrap(retrieve_customer.sync_detailed(503, client=client)).id == 503
    assert [r[1] for r in recorder.requests] == ["/customers/503"] * 3


def test_retries_give_up_with_the_last_error(server: Any) -> None:
    url, recorder, flaky = server
    flaky["get"] = 5
    client = connect(url, retry=RetryPolicy(max_retries=2, initial_delay=0))
    with pytest.raises(ServerError):
        unwrap(retrieve_customer.sync_detailed(503, client=client))
    assert len(recorder.requests) == 3


def test_creates_are_not_retried(server: Any) -> None:
    url, recorder, flaky = server
    flaky["post"] = 1
    client = connect(url, retry=NO_RETRY_WAIT)
    with pytest.raises(ServerError):
        unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(name="New")))
    assert [r[0] for r in recorder.requests] == ["POST"]


def test_paginate_follows_link_next_in_order_and_exposes_the_total(server: Any) -> None:
    url, recorder, _ = server
    pages = paginate(list_customers.sync_detailed, client=connect(url, api_key=API_KEY), per_page=3)
    before = pages.total
    assert [c.id for c in pages] == [1, 2, 3, 4, 5, 6, 7]
    assert (before, pages.total) == (None, 7)  # known once the first page arrived
    queries = [query for _, _, query, _ in recorder.requests]
    assert queries == ["page=1&per_page=3", "cursor=3&per_page=3", "cursor=6&per_page=3"]


def test_paginate_fetches_the_next_page_only_once_the_current_one_is_consumed(
    server: Any,
) -> None:
    url, recorder, _ = server
    items = iter(paginate(list_customers.sync_detailed, client=connect(url), per_page=3))
    assert [next(items).id for _ in range(3)] == [1, 2, 3]
    assert len(recorder.requests) == 1
    assert next(items).id == 4
    assert len(recorder.requests) == 2


def test_apaginate_follows_the_same_links(server: Any) -> None:
    url, recorder, _ = server
    client = connect(url)
    pages = apaginate(list_customers.asyncio_detailed, client=client, per_page=3)

    async def collect() -> list[object]:
        async with client.get_async_httpx_client():
            return [c.id async for c in pages]

    assert asyncio.run(collect()) == [1, 2, 3, 4, 5, 6, 7]
    assert pages.total == 7
    assert [q for _, _, q, _ in recorder.requests][1:] == [
        "cursor=3&per_page=3",
        "cursor=6&per_page=3",
    ]


def test_a_next_link_to_another_origin_is_refused(server: Any) -> None:
    url, recorder, _ = server
    client = connect(url, api_key=API_KEY)
    # sort=elsewhere makes the canned server point rel="next" at another host.
    with pytest.raises(InvoicedError, match=r"evil\.example"):
        list(paginate(list_customers.sync_detailed, client=client, sort="elsewhere"))
    assert len(recorder.requests) == 1


def test_filter_and_metadata_are_sent_as_deep_objects(server: Any) -> None:
    url, recorder, _ = server
    unwrap(
        list_customers.sync_detailed(
            client=connect(url),
            filter_=ListCustomersCustomerFilter(number="CUST-0001", autopay=True),
            metadata=ListCustomersMetadataFilter.from_dict({"crm_id": "7"}),
        )
    )
    query = httpx.QueryParams(recorder.requests[-1][2])
    assert query["filter[number]"] == "CUST-0001"
    assert query["filter[autopay]"] == "true"
    assert query["metadata[crm_id]"] == "7"
    assert "number" not in query and "crm_id" not in query


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            '<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"',
            "https://a/x?page=2",
        ),
        ('<https://a/x?page=9>; rel="last", <https://a/x?page=2>; rel=next', "https://a/x?page=2"),
        ('<https://a/x?page=1>; rel="prev first"', None),
        ('<https://a/x?page=3>; rel="prefetch next"', "https://a/x?page=3"),
        ("", None),
        (None, None),
    ],
)
def test_next_link(header: str | None, expected: str | None) -> None:
    assert next_link(header) == expected


def test_no_credentials_in_repr_errors_or_logs(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url, _, flaky = server
    flaky["get"] = 1
    caplog.set_level(logging.DEBUG)
    client = connect(url, api_key=API_KEY, retry=NO_RETRY_WAIT)
    texts = [repr(client), str(client), repr(client.get_httpx_client()._transport)]
    unwrap(retrieve_customer.sync_detailed(503, client=client))  # logs one retry
    with pytest.raises(AuthenticationError) as auth_error:
        unwrap(retrieve_customer.sync_detailed(401, client=client))
    dead = connect("http://127.0.0.1:9", api_key=API_KEY, retry=None)
    with pytest.raises(APIConnectionError) as connection_error:
        retrieve_customer.sync_detailed(1, client=dead)
    for exc in (auth_error.value, connection_error.value):
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    texts += [record.getMessage() for record in caplog.records]
    assert any("retrying GET /customers/503" in text for text in texts)  # the log was captured
    encoded = base64.b64encode(f"{API_KEY}:".encode()).decode()
    for text in texts:
        assert API_KEY not in text and encoded not in text, text
