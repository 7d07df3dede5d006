"""Issue 19 item 1: a rate-limited target is waited out by every suite, never failed.

The emulator serves real HTTP with a 30-per-minute limit, far below the harness's own 200/min
pace, so a run meets a storm of 429s, each with a `Retry-After` of up to a minute. Time is a
fake clock the emulator's limiter reads and the harness's waits advance, so the minute-long
windows cost no real time; the requests themselves are real.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest

from chargeover_emulator.config import RateLimit
from chargeover_emulator.ratelimit import RateLimiter as EmulatorRateLimiter
from contracts.dialects import by_name
from contracts.reporting import Progress, RunReport
from contracts.runner import run_schemathesis
from contracts.safety import RateLimiter
from contracts.settings import Settings
from contracts.stateful import run_model
from contracts.targets import Target
from tests.contracts.conftest import SMALL, fresh_emulator, run_harness
from tests.threaded_server import serve_in_thread


class FakeClock:
    """Seconds that pass only when someone waits (thread safe)."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()
        self.waited = 0.0

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            self.waited += seconds


def counting(app: Any, statuses: list[int]) -> Any:
    """The app, remembering the status of every response it sends."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def tracking(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            await send(message)

        await app(scope, receive, tracking)

    return wrapped


@pytest.mark.parametrize("writes", [False, True], ids=["read-only", "allow-writes"])
def test_a_429_storm_is_waited_out_by_schemathesis_and_the_model(writes: bool) -> None:
    app, credentials = fresh_emulator(customers=3)
    clock = FakeClock()
    emulator: Any = app
    emulator.state.emulator.limiter = EmulatorRateLimiter(RateLimit(30, 60.0), clock=clock.now)
    statuses: list[int] = []
    with serve_in_thread(counting(app, statuses)) as address:
        settings = Settings.from_env(
            {},
            target="url",
            base_url=f"{address}/api/v3",
            username=credentials[0],
            password=credentials[1],
            allow_writes=writes,
            seed=19,
            phases=("examples", "fuzzing"),
            operation_ids=("listCustomers", "getCustomer", "countCustomers", "teapot"),
            profile_override=SMALL,
        )
        target = Target(
            kind="url",
            base_url=settings.base_url or "",
            credentials=credentials,
            is_emulator=False,
            settings=settings,
            dialect=by_name("chargeover"),
            limiter=RateLimiter(200, clock=clock.now, sleep=clock.sleep),
        )
        report = RunReport(target="url", base_url=target.base_url, profile="fast")
        progress = Progress(io.StringIO())
        try:
            suites = [
                run_schemathesis(target, settings, report, progress),
                run_model(target, settings, report, progress),
            ]
        finally:
            leftovers = target.close()
    refused = statuses.count(429)
    # a storm happened: several windows' worth of refusals, waited out minute by minute
    assert refused >= 5 and clock.waited >= 60, (refused, clock.waited)
    assert leftovers == []
    assert [failure.title for failure in report.failures] == []
    assert report.errors == []
    assert [suite.status for suite in suites] == ["passed", "passed"]


def fails_once(app: Any) -> Any:
    """The app, answering its first customer create with a 503 (a hiccup that does not repeat)."""
    failed: list[bool] = []

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        first_create = (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == "/api/v3/customer"
            and not failed
        )
        if not first_create:
            await app(scope, receive, send)
            return
        failed.append(True)
        body = b'{"code":503,"status":"Error","message":"hiccup","response":false}'
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def test_a_failure_that_does_not_repeat_keeps_its_text_and_requests() -> None:
    """Before issue 19 a flaky model run was a suite error naming only `FlakyFailure`: the
    assertion text, the request sequence and any reproduction were lost."""
    app, credentials = fresh_emulator()
    report = run_harness(fails_once(app), credentials, suites=("model",), model_runs=20)
    (failure,) = [failure for failure in report.failures if failure.suite == "model"]
    assert "did not repeat on replay" in failure.message
    assert "customer create: expected HTTP 201, got 503" in failure.message
    assert failure.title.startswith("customer create: expected HTTP 201, got 503")
    lines = failure.reproduction.splitlines()
    assert lines and all(line.startswith("curl -X ") for line in lines), lines
    assert all('-H "Authorization: $AUTHORIZATION"' in line for line in lines)
    assert all('"$BASE_URL"' in line and "testserver" not in line for line in lines)
    assert report.seed == 1 and "seed: `1`" in report.markdown()
