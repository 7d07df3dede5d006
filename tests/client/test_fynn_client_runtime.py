"""fynn_client.lib against a real HTTP server (uvicorn in a thread) serving canned Fynn responses:
Bearer auth, error mapping with violations, retries with Retry-After, the page iterator stopping
at lastPage, redaction."""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from fynn_client.api.customers import (
    archive_customer,
    create_customer,
    get_customer,
    list_customers,
)
from fynn_client.lib import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    FynnError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    UnexpectedStatusError,
    ValidationError,
    Violation,
    apaginate,
    paginate,
    tenant_url,
    unwrap,
)
from fynn_client.lib import connect as lib_connect
from fynn_client.models import CustomerCreate, CustomerStatus
from tests.threaded_server import serve_in_thread

API_KEY = "fynn_9Vq2LwX7pR4tY8uZ1mN3bK6c"
NO_RETRY_WAIT = RetryPolicy(initial_delay=0, max_delay=0)
CUSTOMERS = [
    {"id": str(uuid.UUID(int=n)), "countryCode": "DE", "companyName": f"Kunde {n}"}
    for n in range(1, 8)
]
EMAIL_VIOLATION = {
    "propertyPath": "email",
    "message": "Dieser Wert ist keine gültige E-Mail-Adresse.",
    "code": "bd79c0ab-ddba-46cc-a703-a7a4b08de310",
}
# the customer id's last number -> the canned error (status, body, headers)
ERRORS: dict[int, tuple[int, object, dict[str, str]]] = {
    400: (400, {"title": "An error occurred", "detail": "Invalid JSON"}, {}),
    401: (401, {"detail": "JWT Token not found"}, {}),
    403: (403, {"title": "An error occurred", "detail": "Access Denied."}, {}),
    404: (404, {"title": "An error occurred", "detail": "Not Found"}, {}),
    422: (
        422,
        {
            "detail": "email: Dieser Wert ist keine gültige E-Mail-Adresse.",
            "violations": [EMAIL_VIOLATION],
        },
        {},
    ),
    429: (429, {"detail": "Too Many Requests"}, {"Retry-After": "12"}),
    500: (500, "<html>Internal Server Error</html>", {}),
    418: (418, {"detail": "I'm a teapot"}, {}),
}


def customer_id(number: int) -> uuid.UUID:
    return uuid.UUID(int=number)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], str]] = []

    def seen(self, request: Request) -> None:
        self.requests.append(
            (
                request.method,
                request.url.path,
                dict(request.query_params),
                request.headers.get("authorization", ""),
            )
        )


def make_app(recorder: Recorder, flaky: dict[str, int]) -> Starlette:
    async def customers(request: Request) -> Response:
        recorder.seen(request)
        if request.method == "POST":
            body = await request.json()
            if "@" not in body.get("email", ""):
                status, error, _ = ERRORS[422]
                return JSONResponse(error, status_code=status)
            if body["email"].startswith("bad-request"):
                # A 400 that lists violations, as Fynn sends for some malformed fields.
                return JSONResponse(
                    {
                        "detail": "zip: too long",
                        "violations": [{"propertyPath": "zip", "message": "too long"}],
                    },
                    status_code=400,
                )
            return JSONResponse(
                {**CUSTOMERS[0], "companyName": body.get("companyName")}, status_code=201
            )
        page = int(request.query_params.get("page", "1"))
        limit = int(request.query_params.get("limit", "30"))
        total = int(request.query_params.get("search") or len(CUSTOMERS))
        items = CUSTOMERS[:total][(page - 1) * limit : page * limit]
        last_page = max(1, -(-total // limit))
        pagination = {
            "totalItems": total,
            "itemsPerPage": limit,
            "currentPage": page,
            "lastPage": last_page,
            "pageTotalItems": len(items),
        }
        return JSONResponse({"data": items, "meta": {"pagination": pagination}})

    async def customer(request: Request) -> Response:
        recorder.seen(request)
        number = uuid.UUID(request.path_params["id"]).int
        if number == 503 and flaky.get("get"):
            flaky["get"] -= 1
            return JSONResponse({"detail": "busy"}, 503, {"Retry-After": "0"})
        if number in ERRORS:
            status, body, headers = ERRORS[number]
            if isinstance(body, str):
                return PlainTextResponse(body, status_code=status, headers=headers)
            return JSONResponse(body, status_code=status, headers=headers)
        return JSONResponse({**CUSTOMERS[0], "id": str(customer_id(number))})

    async def archive(request: Request) -> Response:
        recorder.seen(request)
        return JSONResponse({**CUSTOMERS[0], "status": "STATUS_ARCHIVED"})

    return Starlette(
        routes=[
            Route("/customers", customers, methods=["GET", "POST"]),
            Route("/customers/{id}", customer),
            Route("/customers/{id}/archive", archive, methods=["PUT"]),
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


def test_api_key_is_a_bearer_token(server: Any) -> None:
    url, recorder, _ = server
    unwrap(get_customer.sync_detailed(customer_id(1), client=connect(url, api_key=API_KEY)))
    assert recorder.requests[-1][3] == f"Bearer {API_KEY}"


def test_tenant_url() -> None:
    assert tenant_url("acme") == "https://acme.coreapi.io"


def test_unwrap_returns_the_model(server: Any) -> None:
    url, _, _ = server
    client = connect(url, api_key=API_KEY)
    assert unwrap(get_customer.sync_detailed(customer_id(5), client=client)).id == customer_id(5)
    body = CustomerCreate(email="a@b.de", company_name="Neu GmbH")
    created = unwrap(create_customer.sync_detailed(client=client, body=body))
    assert created.company_name == "Neu GmbH"
    archived = unwrap(archive_customer.sync_detailed(customer_id(5), client=client))
    assert archived.status == CustomerStatus.STATUS_ARCHIVED


@pytest.mark.parametrize(
    ("number", "error", "detail"),
    [
        (400, BadRequestError, "Invalid JSON"),
        (401, AuthenticationError, "JWT Token not found"),
        (403, PermissionDeniedError, "Access Denied."),
        (404, NotFoundError, "Not Found"),
        (429, RateLimitError, "Too Many Requests"),
        (500, ServerError, "Internal Server Error"),
        (418, UnexpectedStatusError, "I'm a teapot"),
    ],
)
def test_error_statuses_raise_typed_errors(
    server: Any, number: int, error: type[FynnError], detail: str
) -> None:
    url, _, _ = server
    client = connect(url, api_key=API_KEY, retry=None)
    with pytest.raises(error) as raised:
        unwrap(get_customer.sync_detailed(customer_id(number), client=client))
    assert type(raised.value) is error
    assert raised.value.status_code == number  # type: ignore[attr-defined]
    assert raised.value.detail == detail  # type: ignore[attr-defined]
    assert raised.value.violations == ()  # type: ignore[attr-defined]


def test_rate_limit_error_carries_retry_after(server: Any) -> None:
    url, _, _ = server
    with pytest.raises(RateLimitError) as raised:
        unwrap(get_customer.sync_detailed(customer_id(429), client=connect(url, retry=None)))
    assert raised.value.retry_after == 12.0


def test_422_is_a_validation_error_with_its_violations(server: Any) -> None:
    url, _, _ = server
    client = connect(url, api_key=API_KEY)
    with pytest.raises(ValidationError) as raised:
        unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(email="nope")))
    assert raised.value.status_code == 422
    assert raised.value.violations == (
        Violation(
            property_path="email",
            message="Dieser Wert ist keine gültige E-Mail-Adresse.",
            code="bd79c0ab-ddba-46cc-a703-a7a4b08de310",
        ),
    )
    assert "email" in str(raised.value)


def test_a_400_with_violations_is_a_validation_error(server: Any) -> None:
    url, _, _ = server
    body = CustomerCreate(email="bad-request@example.com")
    with pytest.raises(ValidationError) as raised:
        unwrap(create_customer.sync_detailed(client=connect(url), body=body))
    assert raised.value.status_code == 400
    assert raised.value.violations == (Violation(property_path="zip", message="too long"),)


def test_idempotent_requests_are_retried_honouring_retry_after(server: Any) -> None:
    url, recorder, flaky = server
    flaky["get"] = 2
    client = connect(url, retry=RetryPolicy(initial_delay=60, max_delay=60))
    assert unwrap(get_customer.sync_detailed(customer_id(503), client=client)).id == customer_id(
        503
    )
    assert len(recorder.requests) == 3


def test_retries_give_up_with_the_last_error(server: Any) -> None:
    url, recorder, flaky = server
    flaky["get"] = 5
    client = connect(url, retry=RetryPolicy(max_retries=1, initial_delay=0))
    with pytest.raises(ServerError):
        unwrap(get_customer.sync_detailed(customer_id(503), client=client))
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    ("total", "limit", "pages"),
    [(7, 3, ["1", "2", "3"]), (6, 3, ["1", "2"]), (2, 100, ["1"]), (0, 3, ["1"])],
)
def test_paginate_stops_at_the_last_page(
    server: Any, total: int, limit: int, pages: list[str]
) -> None:
    url, recorder, _ = server
    items = paginate(
        list_customers.sync_detailed, client=connect(url), limit=limit, search=str(total)
    )
    before = items.total
    assert [c.id for c in items] == [customer_id(n) for n in range(1, total + 1)]
    assert (before, items.total) == (None, total)  # known once the first page arrived
    # Never the empty page past lastPage.
    assert [query["page"] for _, _, query, _ in recorder.requests] == pages
    assert {query["limit"] for _, _, query, _ in recorder.requests} == {str(limit)}


def test_paginate_can_start_at_a_later_page(server: Any) -> None:
    url, _, _ = server
    items = paginate(list_customers.sync_detailed, client=connect(url), limit=3, page=2)
    assert [c.id for c in items] == [customer_id(n) for n in range(4, 8)]


@pytest.mark.parametrize(("limit", "page"), [(0, 1), (101, 1), (3, 0)])
def test_paginate_checks_its_bounds(limit: int, page: int) -> None:
    with pytest.raises(ValueError):
        paginate(list_customers.sync_detailed, client=None, limit=limit, page=page)


def test_apaginate_stops_at_the_last_page(server: Any) -> None:
    url, recorder, _ = server
    client = connect(url)
    items = apaginate(list_customers.asyncio_detailed, client=client, limit=3)

    async def collect() -> list[object]:
        async with client.get_async_httpx_client():
            return [c.id async for c in items]

    assert asyncio.run(collect()) == [customer_id(n) for n in range(1, 8)]
    assert items.total == 7
    assert [query["page"] for _, _, query, _ in recorder.requests] == ["1", "2", "3"]


def test_no_credentials_in_repr_errors_or_logs(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url, _, flaky = server
    flaky["get"] = 1
    caplog.set_level(logging.DEBUG)
    client = connect(url, api_key=API_KEY, retry=NO_RETRY_WAIT)
    texts = [repr(client), str(client), repr(client.get_httpx_client()._transport)]
    unwrap(get_customer.sync_detailed(customer_id(503), client=client))  # logs one retry
    with pytest.raises(PermissionDeniedError) as denied:
        unwrap(get_customer.sync_detailed(customer_id(403), client=client))
    dead = connect("http://127.0.0.1:9", api_key=API_KEY, retry=None)
    with pytest.raises(APIConnectionError) as connection_error:
        get_customer.sync_detailed(customer_id(1), client=dead)
    for exc in (denied.value, connection_error.value):
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    texts += [record.getMessage() for record in caplog.records]
    assert any("retrying GET /customers/" in text for text in texts)  # the log was captured
    for text in texts:
        assert API_KEY not in text, text
