"""Against a target the harness does not host, the dialect's listed leniencies are waived, and
nothing else: a `faithful` emulator behind a real URL passes a read-only run because of them."""

from __future__ import annotations

import dataclasses
import io
import secrets
from collections.abc import Iterator

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings as EmulatorSettings
from contracts.dialects import by_name
from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import Settings
from tests.contracts.conftest import SMALL
from tests.threaded_server import serve_in_thread

Credentials = tuple[str, str]


@pytest.fixture
def faithful_url() -> Iterator[tuple[str, Credentials]]:
    """A `faithful` emulator (the default of `serve`) over real HTTP, as a team would start it."""
    credentials = (f"test{secrets.token_hex(6)}", secrets.token_hex(12))
    settings = EmulatorSettings.from_env(
        {}, db=":memory:", rate_limit="off", username=credentials[0], password=credentials[1]
    )
    assert settings.validation == "faithful"
    with serve_in_thread(create_app(settings)) as origin:
        yield f"{origin}/api/v3", credentials


def read_only_run(url: str, credentials: Credentials, *, waivers: bool) -> RunReport:
    settings = Settings.from_env(
        {},
        target="url",
        base_url=url,
        username=credentials[0],
        password=credentials[1],
        operation_ids=("listCustomers", "listCustomerRevisions"),
        phases=("coverage",),
        seed=1,
        rate_limit_per_minute=100_000,  # our own server; a sandbox keeps the default 200
        profile_override=SMALL,
    )
    dialect = by_name("chargeover")
    if not waivers:
        dialect = dataclasses.replace(dialect, waivers=())
    return run(settings, dialect=dialect, progress=Progress(io.StringIO()))


def test_a_faithful_target_passes_with_exactly_its_leniencies_waived(
    faithful_url: tuple[str, Credentials],
) -> None:
    report = read_only_run(*faithful_url, waivers=True)
    assert report.ok, report.markdown()
    assert "documented-leniency" in report.markdown()


def test_without_the_waiver_the_same_run_reports_the_accepted_violations(
    faithful_url: tuple[str, Credentials],
) -> None:
    report = read_only_run(*faithful_url, waivers=False)
    assert not report.ok
    assert "Schema-violating request accepted" in report.markdown()


def test_a_generated_object_is_judged_as_the_repeated_parameter_it_was_sent_as() -> None:
    """Issue 19 item 6: schemathesis sometimes generates `limit` as an object, which goes on the
    wire as repeated `limit=` values; a faithful target reads those as the documented leniency
    (an unreadable paging value is the default), yet the waiver looked at the generated object
    and refused it, so the failure came and went with the random draw."""
    from types import SimpleNamespace

    from contracts.waivers import _documented_leniency

    negative = SimpleNamespace(mode=SimpleNamespace(value="negative"))
    case = SimpleNamespace(
        meta=SimpleNamespace(components={"query": negative}),
        query={"limit": {"\U0001c9a9": "i\u00a2", "": "\u00be"}, "offset": 242080290},
        path_parameters={},
        body=None,
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": "listItems"})),
    )
    sent = "http://127.0.0.1:1/api/v3/item?limit=%F1%9C%A6%A9&limit=i%C2%A2&limit=&limit=%C2%BE"
    response = SimpleNamespace(request=SimpleNamespace(url=sent + "&offset=242080290"))
    assert _documented_leniency("chargeover", None, case, response) is True  # type: ignore[arg-type]
    # a violation outside the leniencies is still not waived
    refused = SimpleNamespace(request=SimpleNamespace(url=sent + "&offset=-1"))
    assert _documented_leniency("chargeover", None, case, refused) is False  # type: ignore[arg-type]
