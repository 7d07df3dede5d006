"""Fault injection (chargeover_emulator/faults.py) over real HTTP: off by default, the vendor's
own error shapes, Retry-After on 429, drops, delays, seeded per-run rules, nothing written."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import BadRequest, ConfigError
from chargeover_emulator.faults import MAX_DELAY_SECONDS, Fault
from tests.emulator_process import EmulatorProcess
from tests.threaded_server import serve_in_thread
from tests.toy.dialect import TOKEN, ToyDialect

AUTH = (DEFAULT_USERNAME, DEFAULT_PASSWORD)
FAULT = "X-Emulator-Fault"
CUSTOMER = {"company": "Fault Co"}


@contextlib.contextmanager
def served(tmp_path: Path, **settings: Any) -> Iterator[httpx.Client]:
    """The ChargeOver emulator under uvicorn; a client rooted at the server's origin."""
    emulator = Emulator(
        Settings(db=str(tmp_path / "faults.sqlite3"), rate_limit=RateLimit(0, 60.0), **settings)
    )
    try:
        with (
            serve_in_thread(create_app(emulator=emulator)) as origin,
            httpx.Client(base_url=origin, auth=AUTH, timeout=10.0) as client,
        ):
            yield client
    finally:
        emulator.close()


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[httpx.Client]:
    with served(tmp_path, faults=True) as client:
        yield client


def customers(client: httpx.Client) -> int:
    return int(client.get("/api/v3/customer/_count").json()["response"])


# -- parsing -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("429", Fault(status=429)),
        ("status=503", Fault(status=503)),
        ("status=429, retry-after=5", Fault(status=429, retry_after=5)),
        ("delay=300ms", Fault(delay_seconds=0.3)),
        ("delay=2s", Fault(delay_seconds=2.0)),
        ("delay=1.5", Fault(delay_seconds=1.5)),
        ("timeout", Fault(delay_seconds=MAX_DELAY_SECONDS)),
        ("drop", Fault(drop=True)),
        ("503; delay=10ms", Fault(status=503, delay_seconds=0.01)),
    ],
)
def test_faults_parse(text: str, expected: Fault) -> None:
    assert Fault.parse(text) == expected
    assert Fault.parse(expected.describe()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "200",
        "status=404",
        "teapot",
        "delay=fast",
        "delay=61s",
        "drop=1",
        "drop,503",
        "retry-after=2",
    ],
)
def test_bad_faults_are_refused(text: str) -> None:
    with pytest.raises(BadRequest):
        Fault.parse(text)


def test_fault_rules_need_faults_on_and_must_parse() -> None:
    with pytest.raises(ConfigError, match="need faults on"):
        Settings.from_env({}, fault_rules="*:0.1:503")
    with pytest.raises(ConfigError, match="fault_rules"):
        Settings.from_env({}, faults="on", fault_rules="*:2:503")
    settings = Settings.from_env({"CHARGEOVER_EMULATOR_FAULTS": "on"}, fault_rules="*:0.1:503")
    assert settings.faults and settings.fault_rules == "*:0.1:503"


# -- off by default ------------------------------------------------------------------------------
def test_faults_are_off_by_default(tmp_path: Path) -> None:
    with served(tmp_path) as client:
        answer = client.get("/api/v3/teapot", headers={FAULT: "503"})
        assert answer.status_code == 200  # the header is ignored, as a real API ignores it
        assert client.get("/_emulator/faults").status_code == 404
        assert client.put("/_emulator/faults", json={"rules": []}).status_code == 404


# -- per request: the header ----------------------------------------------------------------------
def test_injected_429_has_retry_after_and_the_vendors_envelope(faulty: httpx.Client) -> None:
    answer = faulty.get("/api/v3/teapot", headers={FAULT: "429"})
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"
    assert answer.json() == {
        "code": 429,
        "status": "Error",
        "message": "Rate limit exceeded",
        "details": {},
        "response": False,
    }
    later = faulty.get("/api/v3/teapot", headers={FAULT: "status=429,retry-after=7"})
    assert later.headers["Retry-After"] == "7"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_injected_5xx_is_an_envelope_and_writes_nothing(faulty: httpx.Client, status: int) -> None:
    answer = faulty.post("/api/v3/customer", json=CUSTOMER, headers={FAULT: str(status)})
    assert answer.status_code == status
    body = answer.json()
    assert (body["code"], body["status"], body["response"]) == (status, "Error", False)
    assert customers(faulty) == 0
    assert faulty.post("/api/v3/customer", json=CUSTOMER).status_code == 201


def test_a_bad_fault_header_is_a_400_in_the_vendors_shape(faulty: httpx.Client) -> None:
    answer = faulty.post("/api/v3/customer", json=CUSTOMER, headers={FAULT: "status=200"})
    assert answer.status_code == 400
    assert "429 or 5xx" in answer.json()["message"]
    assert customers(faulty) == 0


def test_unauthenticated_requests_cannot_inject(faulty: httpx.Client) -> None:
    answer = faulty.get("/api/v3/teapot", headers={FAULT: "503"}, auth=("nobody", "wrong"))
    assert answer.status_code == 401


def test_a_dropped_connection_sends_no_body(faulty: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        faulty.post("/api/v3/customer", json=CUSTOMER, headers={FAULT: "drop"})
    assert customers(faulty) == 0


def test_a_delay_answers_normally_but_later(faulty: httpx.Client) -> None:
    answer = faulty.post("/api/v3/customer", json=CUSTOMER, headers={FAULT: "delay=50ms"})
    assert answer.status_code == 201
    assert customers(faulty) == 1


def test_a_client_that_gives_up_during_a_delay_has_nothing_run(faulty: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        faulty.post("/api/v3/customer", json=CUSTOMER, headers={FAULT: "timeout"}, timeout=0.3)
    # the server noticed the client had gone and did not create the customer later
    assert customers(faulty) == 0


# -- per run: rules ------------------------------------------------------------------------------
def test_rules_fault_only_their_operation_and_times(faulty: httpx.Client) -> None:
    rules = {"rules": [{"operation": "getCustomer", "fraction": 1, "fault": "503", "times": 2}]}
    assert faulty.put("/_emulator/faults", json=rules).status_code == 200
    created = faulty.post("/api/v3/customer", json=CUSTOMER).json()["response"]["id"]
    statuses = [faulty.get(f"/api/v3/customer/{created}").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert faulty.get("/_emulator/faults").json()["rules"][0]["fired"] == 2
    assert faulty.delete("/_emulator/faults").json()["rules"] == []


def test_a_seeded_fraction_draws_the_same_faults_again(faulty: httpx.Client) -> None:
    def draw() -> list[int]:
        rules = {"rules": [{"operation": "*", "fraction": 0.5, "fault": "429"}], "seed": 16}
        faulty.put("/_emulator/faults", json=rules)
        return [faulty.get("/api/v3/teapot").status_code for _ in range(40)]

    first = draw()
    assert first == draw()
    assert 5 < first.count(429) < 35  # a fraction, not all or nothing


def test_rules_from_settings_and_reset_restores_them(tmp_path: Path) -> None:
    with served(tmp_path, faults=True, fault_rules="teapot:1:502", fault_seed=1) as client:
        assert client.get("/api/v3/teapot").status_code == 502
        client.delete("/_emulator/faults")
        assert client.get("/api/v3/teapot").status_code == 200
        assert client.post("/_emulator/reset").status_code == 200
        assert client.get("/api/v3/teapot").status_code == 502


@pytest.mark.parametrize(
    "body",
    [
        {"rules": [{"operation": "*", "fraction": 2, "fault": "503"}]},
        {"rules": [{"operation": "*", "fraction": 1, "fault": "200"}]},
        {"rules": [{"operation": "*", "fraction": 1, "fault": "503", "times": -1}]},
        {"rules": "503"},
        {"rules": [], "seed": "one"},
        [],
    ],
)
def test_bad_rules_are_refused_and_change_nothing(faulty: httpx.Client, body: Any) -> None:
    answer = faulty.put("/_emulator/faults", json=body)
    assert answer.status_code == 400
    assert answer.json()["status"] == "Error"
    assert faulty.get("/_emulator/faults").json()["rules"] == []


# -- vendor-neutral: another dialect's error shape -----------------------------------------------
def test_faults_come_in_any_vendors_own_shape(tmp_path: Path) -> None:
    settings = Settings(
        db=str(tmp_path / "toy.sqlite3"), rate_limit=RateLimit(0, 60.0), faults=True
    )
    emulator = Emulator(settings, dialect=ToyDialect())
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with (
            serve_in_thread(create_app(emulator=emulator)) as origin,
            httpx.Client(base_url=f"{origin}/v1", headers=headers) as client,
        ):
            answer = client.get("/widgets", headers={FAULT: "429"})
            assert answer.status_code == 429
            assert answer.headers["Retry-After"] == "1"
            assert answer.json() == {
                "error": {"type": "TooManyRequests", "message": "Rate limit exceeded"}
            }
            assert client.get("/widgets", headers={FAULT: "503"}).json()["error"]["type"] == (
                "ServerError"
            )
    finally:
        emulator.close()


# -- the command line ----------------------------------------------------------------------------
def test_the_serve_command_takes_faults_and_rules(tmp_path: Path) -> None:
    arguments = ("--faults", "--fault-rules", "getCustomer:1:503", "--fault-seed", "3")
    with EmulatorProcess(
        tmp_path / "cli.sqlite3", log=tmp_path / "log", extra_args=arguments
    ) as process:
        url = process.base_url
        assert httpx.get(f"{url}/customer/1", auth=process.auth).status_code == 503
        answer = httpx.get(f"{url}/teapot", auth=process.auth, headers={FAULT: "429"})
        assert answer.status_code == 429
        rules = httpx.get(f"{url.removesuffix('/api/v3')}/_emulator/faults").json()
        assert rules["seed"] == 3 and rules["rules"][0]["fault"] == "status=503"


def test_the_serve_command_has_faults_off_by_default(tmp_path: Path) -> None:
    with EmulatorProcess(tmp_path / "cli.sqlite3", log=tmp_path / "log") as process:
        answer = httpx.get(f"{process.base_url}/teapot", auth=process.auth, headers={FAULT: "503"})
        assert answer.status_code == 200
