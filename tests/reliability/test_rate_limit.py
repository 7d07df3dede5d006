"""Rate limit: exactly N requests per window pass, then 429 envelopes; the client backs off."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
import pytest

from chargeover_client.api.customers import create_customer, list_customers
from chargeover_client.lib import RateLimitError, RetryPolicy, connect, unwrap
from chargeover_client.models import CustomerCreate
from chargeover_emulator.config import RateLimit
from chargeover_emulator.ratelimit import RateLimiter
from tests.emulator_process import EmulatorProcess
from tests.reliability.envelope import envelope_problems
from tests.reliability.inprocess import InProcessEmulator
from tests.reliability.ledger import Ledger, Row

LIMIT = 5
READS = 2 * LIMIT + 2  # more than one window's worth: the client must back off at least once


class _Clock:
    """A hand-moved clock, so the window is exact and the test does not wait."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def window_problems(emulator: InProcessEmulator, clock: _Clock, limit: int) -> list[str]:
    """Send limit + 3 requests per window for three windows; what broke exactness."""
    problems: list[str] = []
    for window in range(3):
        before = emulator.dump()
        statuses = []
        for n in range(limit + 3):
            # creates: a refused one must not create anything
            exchange = emulator.request(
                "POST", "/api/v3/customer", json_body={"company": f"w{window}-{n}"}
            )
            statuses.append(exchange.status)
            if exchange.status == 429:
                problems += envelope_problems(429, exchange.headers, exchange.content, expected=429)
                if exchange.json()["message"] != "Rate limit exceeded":
                    problems.append("429 message is not the documented wording")
        if statuses != [201] * limit + [429] * 3:
            problems.append(f"window {window}: statuses {statuses}")
        count = emulator.request("GET", "/api/v3/customer/_count")  # refused too (window full)
        if count.status != 429:
            problems.append(f"window {window}: read after the limit got {count.status}")
        created = sum(
            1 for line in emulator.dump() if line not in before and 'INSERT INTO "customer"' in line
        )
        if created != limit:
            problems.append(f"window {window}: {created} customers stored, expected {limit}")
        clock.now += 60.001  # the next window
    return problems


def test_exactly_the_limit_passes_per_window(emulator: InProcessEmulator, ledger: Ledger) -> None:
    clock = _Clock()
    emulator.emulator.limiter = RateLimiter(RateLimit(LIMIT, 60.0), clock=clock)
    assert window_problems(emulator, clock, LIMIT) == []
    ledger.record(
        Row(
            family="rate limit",
            scenario=f"{LIMIT}/min, 3 windows x {LIMIT + 4} requests (in-process clock)",
            load_held=f"exactly {LIMIT} per window",
            bad_inputs_tried=3 * 4,
            notes="over-limit requests: 429 envelope, nothing stored",
        )
    )


class _OffByOneLimiter(RateLimiter):
    """A weakened emulator: `>` instead of `>=`, one request too many per window."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        super().__init__(RateLimit(limit.requests + 1, limit.period_seconds), clock=clock)


def test_window_check_detects_an_off_by_one_limiter(
    emulator: InProcessEmulator, ledger: Ledger
) -> None:
    """Can fail: one extra request per window is reported."""
    clock = _Clock()
    emulator.emulator.limiter = _OffByOneLimiter(RateLimit(LIMIT, 60.0), clock)
    problems = window_problems(emulator, clock, LIMIT)
    assert any("statuses" in problem for problem in problems), problems
    ledger.record(
        Row(
            family="can fail",
            scenario="rate limit vs. off-by-one limiter",
            notes=f"detected: {len(problems)} problems",
        )
    )


def test_real_server_limit_and_client_backoff(
    spawn: Callable[..., EmulatorProcess], ledger: Ledger, caplog: pytest.LogCaptureFixture
) -> None:
    """Over HTTP at 5/s: a burst gets exactly 5 through; a retrying client gets every answer."""
    process = spawn(rate_limit=f"{LIMIT}/s")
    time.sleep(1.05)  # the readiness probe counted in the window; start from an empty one
    # Fill the window with raw requests (no client smarts), and see it refuse the rest.
    with httpx.Client(base_url=process.base_url, auth=process.auth) as http:
        statuses = [http.get("/customer").status_code for _ in range(LIMIT + 3)]
        refused = http.get("/customer")
    assert statuses[:LIMIT] == [200] * LIMIT and set(statuses[LIMIT:]) == {429}, statuses
    assert envelope_problems(429, dict(refused.headers), refused.content, expected=429) == []

    policy = RetryPolicy(max_retries=8, initial_delay=0.1, max_delay=1.0, jitter=0.5)
    caplog.set_level(logging.INFO, logger="chargeover_client")
    with connect(
        process.base_url, username=process.username, password=process.password, retry=policy
    ) as client:
        # The window is still full. A create is not idempotent: not retried, a typed 429 error.
        with pytest.raises(RateLimitError) as refusal:
            unwrap(
                create_customer.sync_detailed(client=client, body=CustomerCreate(company="late"))
            )
        # Reads are retried with backoff until the window lets them through.
        started = time.monotonic()
        answers = [list_customers.sync_detailed(client=client).status_code for _ in range(READS)]
        elapsed = time.monotonic() - started
    retries = [
        r for r in caplog.records if r.name == "chargeover_client" and "retrying" in r.getMessage()
    ]
    assert answers == [200] * READS
    assert retries, "the client never had to back off: the limit was not exercised"
    waits = [float(r.getMessage().rsplit(" in ", 1)[1].rstrip("s")) for r in retries]
    assert all(0 < wait <= policy.max_delay for wait in waits), waits
    assert refusal.value.status_code == 429
    ledger.record(
        Row(
            family="rate limit",
            scenario=f"real server at {LIMIT}/s; generated client with RetryPolicy",
            load_held=f"{READS} reads all answered in {elapsed:.1f}s",
            faults_survived=len(retries),
            seconds=round(elapsed, 1),
            notes=f"burst: exactly {LIMIT} passed, then 429 envelopes; {len(retries)} backoffs "
            f"(max wait {max(waits):.2f}s); POST not retried, RateLimitError",
        )
    )
