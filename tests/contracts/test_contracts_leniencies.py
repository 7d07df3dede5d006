"""The `leniencies` suite: each documented leniency's example, judged per target.

A hosted (strict) emulator must reject every example for the rule its leniency covers; a
faithful emulator behind a URL must answer each one as documented; a target stricter than
documented, or a strict one laxer than strict, is reported naming the leniency.
"""

from __future__ import annotations

import io
import secrets
from typing import Any

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings as EmulatorSettings
from chargeover_emulator.dialects import load_dialect
from chargeover_emulator.dialects.chargeover import ChargeOverDialect
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.validation import HEADER, LeniencyProbe
from contracts import cli
from contracts.leniencies import AS_DOCUMENTED, STRICT_REJECTS, _judge
from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import Settings
from tests.contracts.conftest import ASGIApp, fresh_emulator, run_harness
from tests.threaded_server import serve_in_thread

Credentials = tuple[str, str]
LENIENCIES = tuple(load_dialect("chargeover").leniencies)
NAMES = [leniency.name for leniency in LENIENCIES]


def _faithful_settings(credentials: Credentials) -> EmulatorSettings:
    settings = EmulatorSettings.from_env(
        {}, db=":memory:", rate_limit="off", username=credentials[0], password=credentials[1]
    )
    assert settings.validation == "faithful"
    return settings


def _credentials() -> Credentials:
    return (f"test{secrets.token_hex(6)}", secrets.token_hex(12))


def url_run(app: ASGIApp, credentials: Credentials, *, allow_writes: bool = True) -> RunReport:
    """The suite against `app` served over real HTTP, as a URL target."""
    with serve_in_thread(app) as origin:
        settings = Settings.from_env(
            {},
            target="url",
            base_url=f"{origin}/api/v3",
            username=credentials[0],
            password=credentials[1],
            allow_writes=allow_writes,
            suites=("leniencies",),
            rate_limit_per_minute=100_000,  # our own server; a sandbox keeps the default 200
        )
        return run(settings, progress=Progress(io.StringIO()))


def recording_violations(app: ASGIApp, seen: list[str]) -> ASGIApp:
    """Remember every X-Emulator-Violations header the app sends."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def spy(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                for key, value in message.get("headers", []):
                    if key.decode().lower() == HEADER.lower():
                        seen.append(value.decode())
            await send(message)

        await app(scope, receive, spy)

    return wrapped


def answering_400_to_limit_abc(app: ASGIApp) -> ASGIApp:
    """A target stricter than documented: `limit=abc` is refused, as a strict server would."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and b"limit=abc" in scope.get("query_string", b""):
            body = (
                b'{"code": 400, "status": "Error", "message": "Invalid limit", "details": {},'
                b' "response": false}'
            )
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ]
            await send({"type": "http.response.start", "status": 400, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


def reading_limit_abc_as_default(app: ASGIApp) -> ASGIApp:
    """A hosted emulator laxer than strict: `limit=abc` is dropped before strict sees it."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        query: bytes = scope.get("query_string", b"")
        if scope["type"] == "http" and b"limit=abc" in query:
            scope = dict(scope, query_string=query.replace(b"limit=abc", b""))
        await app(scope, receive, send)

    return wrapped


class WithoutDatetimes(ChargeOverDialect):
    """ChargeOver's dialect minus one leniency: the emulator no longer implements it."""

    leniencies = tuple(
        item for item in ChargeOverDialect.leniencies
        if item.name != "datetimes-are-read-as-their-date"
    )  # fmt: skip


def rows(report: RunReport, check: str) -> dict[str, str]:
    return {
        row.removeprefix("leniency "): cells[check].cell
        for row, cells in report.matrix.items()
        if check in cells
    }


def test_every_leniency_has_an_example() -> None:
    assert LENIENCIES
    assert all(isinstance(leniency.probe, LeniencyProbe) for leniency in LENIENCIES), [
        leniency.name for leniency in LENIENCIES if leniency.probe is None
    ]
    body_leniencies = {item.name for item in LENIENCIES if item.component == "body"}
    writes = {item.name for item in LENIENCIES if item.probe and item.probe.writes}
    assert body_leniencies | {"email-flag-outside-0-1-is-ignored"} <= writes


def test_the_suite_is_a_default_and_selectable() -> None:
    assert "leniencies" in Settings().suites
    parsed = cli._parser().parse_args(["--suite", "leniencies"])
    assert parsed.suite == ["leniencies"]


def test_a_hosted_strict_emulator_rejects_every_example() -> None:
    app, credentials = fresh_emulator()
    report = run_harness(app, credentials, suites=("leniencies",))
    assert report.ok, report.markdown()
    assert rows(report, STRICT_REJECTS) == dict.fromkeys(NAMES, "ok 1")
    assert "Documented leniencies" in report.markdown()
    [suite] = report.suites
    assert suite.detail == f"{len(NAMES)}/{len(NAMES)} rejected by strict"


def test_a_faithful_emulator_behind_a_url_answers_every_example_as_documented() -> None:
    credentials = _credentials()
    seen: list[str] = []
    app = recording_violations(create_app(_faithful_settings(credentials)), seen)
    report = url_run(app, credentials)
    assert report.ok, report.markdown()
    assert rows(report, AS_DOCUMENTED) == dict.fromkeys(NAMES, "ok 1")
    assert report.leftovers == []
    # each example shows its own leniency (the faithful emulator reports what it accepted)
    reported = " ".join(seen)
    assert [name for name in NAMES if f"accepted: {name}" not in reported] == []


def test_a_read_only_url_run_sends_no_write_example() -> None:
    credentials = _credentials()
    report = url_run(create_app(_faithful_settings(credentials)), credentials, allow_writes=False)
    assert report.ok, report.markdown()
    [suite] = report.suites
    writes = [item.name for item in LENIENCIES if item.probe and item.probe.writes]
    assert all(f"{name} (writes; read-only target)" in suite.detail for name in writes)
    assert rows(report, AS_DOCUMENTED)["unreadable-id-is-not-found"] == "ok 1"


def test_a_target_refusing_limit_abc_is_stricter_than_documented() -> None:
    credentials = _credentials()
    app = answering_400_to_limit_abc(create_app(_faithful_settings(credentials)))
    report = url_run(app, credentials)
    assert not report.ok
    [failure] = report.failures
    assert failure.operation == "leniency unreadable-paging-value-is-the-default"
    assert failure.message.startswith(
        "stricter than documented: leniency unreadable-paging-value-is-the-default (evidence: "
    )
    assert "was refused: HTTP 400 Invalid limit" in failure.message
    assert "limit=abc" in failure.reproduction


def test_an_emulator_missing_a_listed_leniency_is_stricter_than_documented() -> None:
    credentials = _credentials()
    emulator = Emulator(_faithful_settings(credentials), dialect=WithoutDatetimes())
    report = url_run(create_app(emulator=emulator), credentials)
    assert not report.ok
    [failure] = report.failures
    assert "stricter than documented: leniency datetimes-are-read-as-their-date" in (
        failure.message
    )
    assert "was refused: HTTP 400" in failure.message
    assert "rule: format" in failure.message
    assert "FAIL 1" in rows(report, AS_DOCUMENTED)["datetimes-are-read-as-their-date"]


def test_a_hosted_emulator_accepting_a_leniency_under_strict_is_caught() -> None:
    app, credentials = fresh_emulator()
    report = run_harness(reading_limit_abc_as_default(app), credentials, suites=("leniencies",))
    assert not report.ok
    [failure] = report.failures
    assert failure.title == (
        "leniency unreadable-paging-value-is-the-default accepted by a strict target"
    )
    assert "got HTTP 200" in failure.message


@pytest.mark.parametrize(
    ("details", "verdict"),
    [
        ({"component": "query", "pointer": "/limit", "rule": "type"}, ""),
        ({"component": "body", "pointer": "", "rule": "additionalProperties"}, "another rule"),
        (None, ""),  # no details to read: the 400 is enough
    ],
)
def test_a_strict_rejection_must_name_the_leniency_s_own_rule(
    details: dict[str, str] | None, verdict: str
) -> None:
    leniency = next(item for item in LENIENCIES if item.name.startswith("unreadable-paging"))
    assert leniency.probe is not None
    title = _judge(leniency, leniency.probe, True, 400, "Missing or invalid parameter", details)
    assert (verdict in title) if verdict else title == ""
