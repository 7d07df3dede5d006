"""Retries with backoff on 429/5xx for idempotent methods, timeouts and transport errors."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from chargeover_client.api.customers import create_customer, get_customer, list_customers
from chargeover_client.lib import (
    APIConnectionError,
    APITimeoutError,
    AsyncChargeOverTransport,
    ChargeOverTransport,
    RateLimitError,
    RetryPolicy,
    ServerError,
    SignatureAuth,
    connect,
    unwrap,
)
from chargeover_client.models import CustomerCreate
from tests.client.conftest import PRIVATE_KEY, PUBLIC_KEY

BASE = "https://example.chargeover.com/api/v3"
OK_LIST = {"code": 200, "status": "OK", "message": "", "response": []}
BUSY = {"code": 429, "status": "Error", "message": "Rate limit exceeded", "response": False}
FAIL = {"code": 500, "status": "Error", "message": "boom", "response": False}


class Script:
    """A MockTransport handler answering from a list of (status, body), recording requests."""

    def __init__(self, *answers: tuple[int, object]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.authorizations: list[str | None] = []  # as sent: the request object is reused

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.authorizations.append(request.headers.get("Authorization"))
        status, body = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return httpx.Response(status, json=body)


def test_backoff_is_exponential_bounded_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=1.0, max_delay=5.0, jitter=0.5)
    assert [policy.delay(n, rand=lambda: 0.0) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.delay(1, rand=lambda: 1.0) == 1.0  # full jitter takes off up to half
    assert policy.delay(0, "3") == 3.0
    assert policy.delay(0, "600") == 5.0
    assert policy.delay(0, "Wed, 21 Oct 2015 07:28:00 GMT", rand=lambda: 0.0) == 1.0


def test_policy_bounds_are_validated() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=1000)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=2)


def test_connect_retries_get_on_429_and_5xx_then_succeeds() -> None:
    script = Script((429, BUSY), (503, FAIL), (200, OK_LIST))
    client = connect(
        BASE, transport=httpx.MockTransport(script), retry=RetryPolicy(initial_delay=0)
    )
    assert unwrap(list_customers.sync_detailed(client=client)) == []
    assert len(script.requests) == 3


def test_waits_follow_the_policy() -> None:
    script, slept = Script((429, BUSY), (503, FAIL), (200, OK_LIST)), list[float]()
    transport = ChargeOverTransport(
        httpx.MockTransport(script), retry=RetryPolicy(jitter=0), sleep=slept.append
    )
    with httpx.Client(base_url=BASE, transport=transport) as http:
        assert http.get("/customer").status_code == 200
    assert slept == [0.5, 1.0]


def test_retries_are_bounded() -> None:
    script = Script((503, FAIL))
    transport = ChargeOverTransport(
        httpx.MockTransport(script), retry=RetryPolicy(max_retries=2), sleep=lambda _: None
    )
    client = connect(BASE)
    client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport))
    with pytest.raises(ServerError):
        unwrap(get_customer.sync_detailed(1, client=client))
    assert len(script.requests) == 3


def test_post_is_not_retried() -> None:
    script = Script((429, BUSY))
    transport = ChargeOverTransport(
        httpx.MockTransport(script), retry=RetryPolicy(), sleep=lambda _: None
    )
    client = connect(BASE)
    client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport))
    with pytest.raises(RateLimitError):
        unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(company="A")))
    assert len(script.requests) == 1


def test_retry_none_disables_retries() -> None:
    script = Script((503, FAIL))
    with pytest.raises(ServerError):
        unwrap(
            list_customers.sync_detailed(
                client=connect(BASE, transport=httpx.MockTransport(script), retry=None)
            )
        )
    assert len(script.requests) == 1


def test_each_attempt_is_signed_with_a_fresh_nonce() -> None:
    script = Script((429, BUSY), (200, OK_LIST))
    transport = ChargeOverTransport(
        httpx.MockTransport(script),
        auth=SignatureAuth(PUBLIC_KEY, PRIVATE_KEY),
        retry=RetryPolicy(),
        sleep=lambda _: None,
    )
    client = connect(BASE)
    client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport))
    unwrap(list_customers.sync_detailed(client=client))
    nonces = [re.findall(r'co_nonce="(\w+)"', header or "") for header in script.authorizations]
    assert len(nonces) == 2
    assert all(len(found) == 1 for found in nonces)
    assert nonces[0] != nonces[1]


def test_timeout_becomes_api_timeout_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = connect(BASE, transport=httpx.MockTransport(handler), timeout=0.5)
    with pytest.raises(APITimeoutError) as caught:
        list_customers.sync_detailed(client=client)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert str(caught.value) == "ReadTimeout: request failed (GET /api/v3/customer)"


def test_connection_error_becomes_api_connection_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(APIConnectionError) as caught:
        list_customers.sync_detailed(client=connect(BASE, transport=httpx.MockTransport(handler)))
    assert not isinstance(caught.value, APITimeoutError)


def test_timeout_is_configurable() -> None:
    client = connect(BASE, timeout=2.5)
    assert client.get_httpx_client().timeout == httpx.Timeout(2.5)
    assert client.get_async_httpx_client().timeout == httpx.Timeout(2.5)


def test_async_retry_and_success() -> None:
    script, slept = Script((500, FAIL), (200, OK_LIST)), list[float]()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    transport = AsyncChargeOverTransport(
        httpx.MockTransport(script), retry=RetryPolicy(jitter=0), sleep=sleep
    )
    client = connect(BASE)
    client.set_async_httpx_client(httpx.AsyncClient(base_url=BASE, transport=transport))

    async def run() -> object:
        return unwrap(await list_customers.asyncio_detailed(client=client))

    assert asyncio.run(run()) == []
    assert slept == [0.5]
    assert len(script.requests) == 2
