"""The validation policy: `strict` rejects every spec violation, `faithful` accepts and reports
exactly the leniencies ChargeOver's list names (chargeover_emulator/quirks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import BadRequest, ConfigError
from chargeover_emulator.quirks import LENIENCIES
from chargeover_emulator.specdoc import SpecDocument, locate_spec
from chargeover_emulator.validation import (
    HEADER,
    RequestValidator,
    ViolationLedger,
    declared_parameters,
)
from tests.emulator.conftest import policy_emulator

# (request path, the violation's where, its rule, the leniency faithful applies)
LENIENT_QUERIES = [
    ("/api/v3/customer?limit=abc", "query/limit", "type", "unreadable-paging-value-is-the-default"),
    ("/api/v3/customer?offset=", "query/offset", "type", "unreadable-paging-value-is-the-default"),
    ("/api/v3/customer?limit=501", "query/limit", "maximum", "limit-above-maximum-is-clamped"),
    (
        "/api/v3/user/1/_action/password?_flag_emails=28",
        "query/_flag_emails",
        "enum",
        "email-flag-outside-0-1-is-ignored",
    ),
    # The legacy URL is held to its own operation's parameters (`userLegacyAction` declares
    # `_flag_emails` for every action), even for an action whose current-style operation does
    # not declare the flag: the contract run caught strict ignoring it here.
    (
        "/api/v3/user/1?action=getLoginURL&_flag_emails=9999999999999999999",
        "query/_flag_emails",
        "enum",
        "email-flag-outside-0-1-is-ignored",
    ),
    (
        "/api/v3/user/1?action=password&_flag_emails=2",
        "query/_flag_emails",
        "enum",
        "email-flag-outside-0-1-is-ignored",
    ),
    (
        "/api/v3/customer/1/_revision?limit=0",
        "query/limit",
        "minimum",
        "revision-limit-zero-is-the-default",
    ),
]


def policy_client(tmp_path: Path, policy: str) -> tuple[TestClient, Emulator]:
    client, emulator = policy_emulator(tmp_path, policy)
    client.post("/api/v3/customer", json={"company": "Policy Co."})
    client.post("/api/v3/user", json={"customer_id": 1, "first_name": "Pat"})
    return client, emulator


@pytest.fixture(params=["faithful", "strict"])
def policy(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def send(client: TestClient, path: str) -> Any:
    action = "_action" in path or "action=" in path
    return client.post(path, json={}) if action else client.get(path)


@pytest.mark.parametrize(("path", "where", "rule", "leniency"), LENIENT_QUERIES)
def test_a_lenient_query_is_accepted_and_reported_under_faithful(
    tmp_path: Path, path: str, where: str, rule: str, leniency: str
) -> None:
    client, emulator = policy_client(tmp_path, "faithful")
    try:
        response = send(client, path)
        assert response.status_code == 200, response.json()
        assert response.headers[HEADER] == f"{where} {rule} accepted: {leniency}"
        assert emulator.violations.total() == 1
        counted = client.get("/_emulator/violations").json()
        assert counted["total"] == 1
        assert counted["violations"][0]["leniency"] == leniency
    finally:
        emulator.close()


@pytest.mark.parametrize(("path", "where", "rule", "leniency"), LENIENT_QUERIES)
def test_the_same_query_is_the_vendors_400_under_strict(
    tmp_path: Path, path: str, where: str, rule: str, leniency: str
) -> None:
    client, emulator = policy_client(tmp_path, "strict")
    try:
        response = send(client, path)
        body = response.json()
        assert (response.status_code, body["code"], body["status"]) == (400, 400, "Error")
        assert body["response"] is False
        assert body["message"].startswith(f"Missing or invalid parameter: {where}: ")
        assert body["message"].endswith(f"(rule: {rule})")
        component, pointer = where.split("/", 1)
        assert body["details"] == {"component": component, "pointer": f"/{pointer}", "rule": rule}
        assert HEADER not in response.headers
        assert emulator.violations.total() == 0
    finally:
        emulator.close()


def test_a_violation_no_leniency_covers_is_rejected_under_both(tmp_path: Path, policy: str) -> None:
    """A negative offset is no known leniency: 400 under faithful too, and nothing counted."""
    client, emulator = policy_client(tmp_path, policy)
    try:
        response = client.get("/api/v3/customer?offset=-3")
        assert response.status_code == 400
        assert "query/offset" in response.json()["message"]
        assert emulator.violations.total() == 0
    finally:
        emulator.close()


def test_a_spec_valid_request_reports_nothing(tmp_path: Path, policy: str) -> None:
    client, emulator = policy_client(tmp_path, policy)
    try:
        response = client.get("/api/v3/customer?limit=500&offset=0&_flag_emails=0")
        assert response.status_code == 200
        assert HEADER not in response.headers
        assert emulator.violations.total() == 0
    finally:
        emulator.close()


def test_a_bad_where_keeps_the_grammar_message_under_faithful(tmp_path: Path) -> None:
    """`where` is deferred to its parser, whose message names the condition."""
    client, emulator = policy_client(tmp_path, "faithful")
    try:
        message = client.get("/api/v3/customer?where=nope:EQUALS:1").json()["message"]
        assert message.startswith(
            'Invalid where condition "nope:EQUALS:1": "nope" is not a filterable field '
            "(filterable: customer_id, parent_customer_id, "
        )
    finally:
        emulator.close()


def test_a_bad_where_names_the_rule_under_strict(tmp_path: Path) -> None:
    client, emulator = policy_client(tmp_path, "strict")
    try:
        body = client.get("/api/v3/customer?where=nope:EQUALS:1").json()
        assert body["details"] == {"component": "query", "pointer": "/where", "rule": "pattern"}
    finally:
        emulator.close()


def test_a_body_violation_names_component_pointer_and_rule(tmp_path: Path, policy: str) -> None:
    client, emulator = policy_client(tmp_path, policy)
    try:
        body = client.post("/api/v3/customer", json={"company": 5}).json()
        assert body["code"] == 400
        assert body["details"] == {"component": "body", "pointer": "/company", "rule": "type"}
        assert client.get("/api/v3/customer/_count").json()["response"] == 1
    finally:
        emulator.close()


def test_every_leniency_says_why() -> None:
    assert all(leniency.evidence for leniency in LENIENCIES)
    assert len({leniency.name for leniency in LENIENCIES}) == len(LENIENCIES)


def test_an_unknown_policy_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="faithful or strict"):
        Settings.from_env({}, db=str(tmp_path / "x.sqlite3"), validation="lenient")


# -- path parameters ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "rule"), [("/api/v3/customer/abc", "type"), ("/api/v3/customer/0", "minimum")]
)
def test_an_unreadable_id_is_the_vendors_400_under_strict(
    tmp_path: Path, path: str, rule: str
) -> None:
    client, emulator = policy_client(tmp_path, "strict")
    try:
        body = client.get(path).json()
        assert body["code"] == 400
        assert body["details"] == {"component": "path", "pointer": "/customer_id", "rule": rule}
    finally:
        emulator.close()


def test_an_unreadable_id_is_not_found_and_reported_under_faithful(tmp_path: Path) -> None:
    client, emulator = policy_client(tmp_path, "faithful")
    try:
        response = client.get("/api/v3/customer/abc")
        assert (response.status_code, response.json()["response"]) == (404, None)
        assert response.headers[HEADER] == (
            "path/customer_id type accepted: unreadable-id-is-not-found"
        )
        assert emulator.violations.total() == 1
    finally:
        emulator.close()


def test_documented_lookup_forms_are_no_violation(tmp_path: Path, policy: str) -> None:
    """`external_key:` and `token:` in an id parameter: `x-kit-resource.lookup-keys` names them."""
    client, emulator = policy_client(tmp_path, policy)
    try:
        client.put("/api/v3/customer/1", json={"external_key": "ext-1"})
        response = client.put("/api/v3/customer/external_key:ext-1", json={"company": "Renamed"})
        assert response.status_code == 202
        assert HEADER not in response.headers
        assert client.get("/api/v3/customer/external_key:nope").status_code == 404
        assert emulator.violations.total() == 0
    finally:
        emulator.close()


def test_a_missing_required_header_is_a_violation() -> None:
    """The engine checks declared headers; ChargeOver declares none, so this uses one directly."""
    document = SpecDocument.load(locate_spec())
    required = declared_parameters(
        [{"name": "X-Trace", "in": "header", "required": True, "schema": {"type": "string"}}],
        document.value_kind,
        document.validator,
        location="header",
    )
    strict = RequestValidator("strict", (), ViolationLedger())
    with pytest.raises(BadRequest, match="header/x-trace: is required"):
        strict.headers("op", required, {})
    assert strict.headers("op", required, {"x-trace": "abc"}) == []
