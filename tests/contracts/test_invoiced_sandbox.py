"""The Invoiced harness against a target it does not host, as against a sandbox account: a
`faithful` emulator behind a real URL (`INVOICED_URL` with no path, `INVOICED_API_KEY`).

Read-only by default (the model only reads, schemathesis only sends GETs); with writes allowed,
the model's customers carry the run's number prefix, its contacts hang under them, and the run
deletes them all at the end; the documented leniencies are answered as documented, and the one
example that would create an untagged customer is refused by the write guard, not sent.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator

import httpx
import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings as EmulatorSettings
from chargeover_emulator.dialects import vendors
from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import Settings
from tests.contracts.conftest import SMALL
from tests.threaded_server import serve_in_thread

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "invoiced" not in vendors(), reason="the Invoiced emulator dialect is not merged yet"
    ),
]


@pytest.fixture
def sandbox() -> Iterator[tuple[str, str]]:
    """(URL, API key) of a `faithful` Invoiced emulator over real HTTP."""
    key = f"sk_test_{secrets.token_hex(8)}"
    settings = EmulatorSettings.from_env(
        {}, vendor="invoiced", db=":memory:", rate_limit="off", api_key=key
    )
    assert settings.validation == "faithful"
    with serve_in_thread(create_app(settings)) as origin:
        yield origin, key


def url_run(url: str, key: str, *, suites: tuple[str, ...], allow_writes: bool) -> RunReport:
    environ = {"INVOICED_URL": url, "INVOICED_API_KEY": key}
    settings = Settings.from_env(
        environ, vendor="invoiced", target="url", suites=suites, allow_writes=allow_writes,
        operation_ids=("listCustomers", "retrieveCustomer", "createCustomer", "deleteCustomer"),
        phases=("coverage",), seed=1, rate_limit_per_minute=100_000, profile_override=SMALL,
    )  # fmt: skip
    return run(settings, progress=Progress(io.StringIO()))


def customers(url: str, key: str) -> list[dict[str, object]]:
    answer = httpx.get(f"{url}/customers", auth=(key, ""), params={"per_page": 100})
    assert answer.status_code == 200, answer.text
    records: list[dict[str, object]] = answer.json()
    return records


def test_read_only_by_default(sandbox: tuple[str, str]) -> None:
    url, key = sandbox
    httpx.post(f"{url}/customers", auth=(key, ""), json={"name": "Someone else's"})
    report = url_run(url, key, suites=("schemathesis", "model"), allow_writes=False)
    unexpected = list(report.failures)
    assert not unexpected and not report.errors and not report.leftovers, report.markdown()
    assert [c["name"] for c in customers(url, key)] == ["Someone else's"]  # nothing written
    assert report.matrix["model customers"]["model_read_back"].passed > 0  # it read instead


def test_with_writes_it_touches_and_leaves_only_its_own(sandbox: tuple[str, str]) -> None:
    url, key = sandbox
    httpx.post(f"{url}/customers", auth=(key, ""), json={"name": "Someone else's"})
    report = url_run(url, key, suites=("model", "leniencies"), allow_writes=True)
    assert report.ok, report.markdown()
    assert report.matrix["model customers"]["model_create"].passed > 0
    assert report.leftovers == []
    # everything the run created is gone again (cleanup), the account's own customer is not
    assert [c["name"] for c in customers(url, key)] == ["Someone else's"]
    leniencies = next(suite for suite in report.suites if suite.name == "leniencies")
    assert leniencies.tests == 2 and "unknown-fields-are-ignored (the write guard" in (
        leniencies.detail
    ), leniencies.detail
