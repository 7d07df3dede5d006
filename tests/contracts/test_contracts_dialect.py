"""The harness dialect: a run uses its vendor's checks and auth, and leaves nothing behind."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.checks import CHECKS

from contracts import checks
from contracts.auth import HttpBasic, HttpBearer
from contracts.check_registry import CheckNameTaken, registered
from contracts.dialects import UnknownVendor, by_name
from contracts.settings import SPEC_PATH, Settings
from contracts.targets import open_target
from tests.contracts.conftest import fresh_emulator, run_harness

CHARGEOVER_CHECKS = {
    "chargeover_envelope",
    "chargeover_enums",
    "chargeover_paging",
    "chargeover_location",
}


def vendor_checks_registered() -> set[str]:
    return CHARGEOVER_CHECKS & set(CHECKS.get_all_names())


def test_importing_the_harness_registers_nothing() -> None:
    import contracts.dialects.chargeover
    import contracts.runner  # noqa: F401

    assert vendor_checks_registered() == set()


def test_chargeover_dialect() -> None:
    dialect = by_name("chargeover")
    assert set(dialect.check_names) == CHARGEOVER_CHECKS
    assert dialect.auth == HttpBasic()
    assert dialect.waivers  # the documented exceptions travel with the vendor
    assert by_name("ChargeOver") == dialect  # fresh, but equal
    with pytest.raises(UnknownVendor, match="nosuchvendor"):
        by_name("nosuchvendor")


def test_a_run_scopes_its_checks_to_itself() -> None:
    app, credentials = fresh_emulator(customers=2)
    report = run_harness(app, credentials, operation_ids=("getCustomer",), phases=("coverage",))
    assert report.ok, report.markdown()
    assert set(report.matrix["GET /customer/{customer_id}"]) >= CHARGEOVER_CHECKS
    header = next(line for line in report.markdown().splitlines() if "chargeover envelope" in line)
    assert header.index("not a server error") < header.index("chargeover envelope")
    assert vendor_checks_registered() == set()  # gone once the run is over


def test_a_run_without_vendor_checks_applies_none() -> None:
    app, credentials = fresh_emulator(customers=2)
    settings = Settings.from_env(
        {}, target="emulator-inprocess", operation_ids=("getCustomer",), phases=("coverage",),
        suites=("schemathesis",),
    )  # fmt: skip
    from contracts.reporting import Progress
    from contracts.runner import run

    bare = dataclasses.replace(by_name("chargeover"), checks=())
    progress = Progress(io.StringIO())
    report = run(settings, dialect=bare, app=app, credentials=credentials, progress=progress)
    row = report.matrix["GET /customer/{customer_id}"]
    assert "not_a_server_error" in row
    assert not CHARGEOVER_CHECKS & set(row)


def test_registered_checks_judge_only_their_own_schema() -> None:
    mine = schemathesis.openapi.from_path(SPEC_PATH)
    other = schemathesis.openapi.from_path(SPEC_PATH)
    seen: list[str] = []

    def chargeover_envelope(ctx: Any, response: Any, case: Any) -> None:
        seen.append(case.operation.label)

    with registered((chargeover_envelope,), mine):
        check: Any = CHECKS.get_one("chargeover_envelope")
        assert check(None, None, mine["/customer"]["GET"].Case()) is None
        # True: schemathesis reads it as "skipped" and records nothing for the other run
        assert check(None, None, other["/customer"]["GET"].Case()) is True
    assert seen == ["GET /customer"]
    assert vendor_checks_registered() == set()


def test_a_name_someone_else_registered_is_refused_and_kept() -> None:
    def chargeover_paging(ctx: Any, response: Any, case: Any) -> None:
        """Someone else's check with the same name."""

    schema = schemathesis.openapi.from_path(SPEC_PATH)
    CHECKS.register(chargeover_paging)
    try:
        with (
            pytest.raises(CheckNameTaken, match="chargeover_paging"),
            registered(checks.CHECKS, schema),
        ):
            pass  # pragma: no cover
        assert CHECKS.get_one("chargeover_paging") is chargeover_paging
        assert vendor_checks_registered() == {"chargeover_paging"}
    finally:
        CHECKS.unregister("chargeover_paging")


def test_checks_are_removed_when_the_run_fails() -> None:
    schema = schemathesis.openapi.from_path(SPEC_PATH)
    with pytest.raises(RuntimeError, match="boom"), registered(checks.CHECKS, schema):
        assert vendor_checks_registered() == CHARGEOVER_CHECKS
        raise RuntimeError("boom")
    assert vendor_checks_registered() == set()


# -- auth --------------------------------------------------------------------------------------
async def echo_authorization(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app answering with the Authorization header it received."""
    headers = dict(scope["headers"])
    body = json.dumps({"authorization": headers.get(b"authorization", b"").decode()}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def authorization_sent(dialect: Any) -> str:
    settings = Settings.from_env({}, target="emulator-inprocess")
    with open_target(
        settings, dialect=dialect, app=echo_authorization, credentials=("key-id", "s3cret")
    ) as target:
        value: str = target.client().get("anything").json()["authorization"]
        return value


def test_chargeover_sends_basic_credentials() -> None:
    expected = httpx.BasicAuth("key-id", "s3cret")._auth_header
    assert authorization_sent(by_name("chargeover")) == expected
    assert HttpBasic().schemathesis_auth(("key-id", "s3cret")) == {
        "basic": {"username": "key-id", "password": "s3cret"}
    }


def test_a_bearer_vendor_sends_its_token() -> None:
    bearer = dataclasses.replace(by_name("chargeover"), auth=HttpBearer(scheme="JWT"))
    assert authorization_sent(bearer) == "Bearer s3cret"
    assert bearer.auth.schemathesis_auth(("key-id", "s3cret")) == {
        "openapi": {"JWT": {"bearer": "s3cret"}}
    }
