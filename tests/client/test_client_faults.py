"""The generated ChargeOver client against injected faults over real HTTP: its retries cope
with 429 and 5xx (and honour Retry-After), and its timeout fires on an injected delay."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chargeover_client import Client
from chargeover_client.api.customers import get_customer
from chargeover_client.lib import (
    APIConnectionError,
    APITimeoutError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    connect,
    unwrap,
)
from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from tests.threaded_server import serve_in_thread

# quick retries: the waits are what RetryPolicy computes, capped so the test stays short
QUICK = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.05, jitter=0.0)
FAULT = "X-Emulator-Fault"


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[str]:
    settings = Settings(
        db=str(tmp_path / "client-faults.sqlite3"), rate_limit=RateLimit(0, 60.0), faults=True
    )
    emulator = Emulator(settings)
    try:
        with serve_in_thread(create_app(emulator=emulator)) as served:
            yield served
    finally:
        emulator.close()


def rules(origin: str, *rules: dict[str, object]) -> None:
    httpx.put(f"{origin}/_emulator/faults", json={"rules": list(rules)}).raise_for_status()


def fired(origin: str) -> list[int]:
    return [rule["fired"] for rule in httpx.get(f"{origin}/_emulator/faults").json()["rules"]]


_OPEN: list[Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        opened = _OPEN.pop()
        opened.get_httpx_client().close()


def client(origin: str, **options: Any) -> Client:
    """A connected generated client (closed after the test)."""
    made = connect(
        f"{origin}/api/v3", username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD, **options
    )
    _OPEN.append(made)
    return made


def a_customer(origin: str) -> int:
    answer = httpx.post(
        f"{origin}/api/v3/customer",
        json={"company": "Retry Co"},
        auth=(DEFAULT_USERNAME, DEFAULT_PASSWORD),
    )
    return int(answer.json()["response"]["id"])


def retries_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]


@pytest.mark.parametrize("fault", ["429", "503", "500"])
def test_retries_cope_with_transient_faults(
    origin: str, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    customer_id = a_customer(origin)
    rules(origin, {"operation": "getCustomer", "fraction": 1, "fault": fault, "times": 2})
    caplog.set_level(logging.INFO, logger="chargeover_client")
    customer = unwrap(get_customer.sync_detailed(customer_id, client=client(origin, retry=QUICK)))
    assert customer.company == "Retry Co"
    assert fired(origin) == [2]  # two faulted attempts, then the third succeeded
    assert len(retries_logged(caplog)) == 2


def test_retry_after_of_an_injected_429_is_honoured(
    origin: str, caplog: pytest.LogCaptureFixture
) -> None:
    customer_id = a_customer(origin)
    rules(
        origin,
        {"operation": "getCustomer", "fraction": 1, "fault": "429,retry-after=1", "times": 1},
    )
    caplog.set_level(logging.INFO, logger="chargeover_client")
    patient = RetryPolicy(max_retries=1, initial_delay=0.0, max_delay=5.0, jitter=0.0)
    unwrap(get_customer.sync_detailed(customer_id, client=client(origin, retry=patient)))
    # the computed backoff would be 0 s: the wait logged is the server's Retry-After
    assert retries_logged(caplog) and retries_logged(caplog)[0].endswith("in 1.00s")


@pytest.mark.parametrize(("fault", "error"), [("429", RateLimitError), ("503", ServerError)])
def test_a_fault_that_persists_surfaces_after_the_last_retry(
    origin: str, fault: str, error: type[Exception], caplog: pytest.LogCaptureFixture
) -> None:
    customer_id = a_customer(origin)
    caplog.set_level(logging.INFO, logger="chargeover_client")
    persistent = client(origin, retry=QUICK, headers={FAULT: fault})
    with pytest.raises(error):
        unwrap(get_customer.sync_detailed(customer_id, client=persistent))
    assert len(retries_logged(caplog)) == QUICK.max_retries


def test_without_retries_the_first_fault_surfaces(origin: str) -> None:
    customer_id = a_customer(origin)
    rules(origin, {"operation": "getCustomer", "fraction": 1, "fault": "503", "times": 1})
    with pytest.raises(ServerError):
        unwrap(get_customer.sync_detailed(customer_id, client=client(origin, retry=None)))


def test_the_timeout_fires_on_an_injected_delay(origin: str) -> None:
    customer_id = a_customer(origin)
    slow = client(origin, timeout=0.3, retry=QUICK, headers={FAULT: "delay=5s"})
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        get_customer.sync_detailed(customer_id, client=slow)
    assert time.monotonic() - started < 4.0  # the client gave up; it did not wait out the delay


def test_a_dropped_connection_is_a_connection_error(origin: str) -> None:
    customer_id = a_customer(origin)
    dropping = client(origin, retry=QUICK, headers={FAULT: "drop"})
    with pytest.raises(APIConnectionError):
        get_customer.sync_detailed(customer_id, client=dropping)
