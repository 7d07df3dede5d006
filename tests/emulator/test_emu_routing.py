"""Routes come from the spec's `paths` and `x-kit-operation`, never from operationIds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chargeover_emulator.app import create_app
from chargeover_emulator.config import RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import ConfigError
from chargeover_emulator.routing import RouteTable, Segment
from chargeover_emulator.specdoc import SpecDocument, locate_spec
from tests.emulator.conftest import make_client

SPEC = locate_spec()


def edited_emulator(tmp_path: Path, edit: Any) -> Emulator:
    """An emulator over a copy of the spec changed by `edit(document)`."""
    document = yaml.safe_load(SPEC.read_text())
    edit(document)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    settings = Settings(db=str(tmp_path / "e.sqlite3"), spec_path=path, rate_limit=RateLimit(0, 60))
    return Emulator(settings)


def test_a_literal_segment_beats_a_parameter_whatever_the_order() -> None:
    table: RouteTable[str] = RouteTable()
    table.add("GET", "/customer/{customer_id}", "get")
    table.add("GET", "/customer/external_key:{external_key}", "by-key")
    table.add("GET", "/customer/_count", "count")
    assert table.match("GET", ["customer", "_count"]).target == "count"  # type: ignore[union-attr]
    by_key = table.match("GET", ["customer", "external_key:a:b"])
    assert by_key is not None
    assert (by_key.target, by_key.params) == ("by-key", {"external_key": "a:b"})
    plain = table.match("GET", ["customer", "42"])
    assert plain is not None
    assert (plain.target, plain.params) == ("get", {"customer_id": "42"})
    assert table.match("PUT", ["customer", "42"]) is None
    assert table.methods(["customer", "42"]) == {"GET"}


def test_an_empty_prefixed_parameter_does_not_match() -> None:
    assert Segment.parse("token:{token}").match("token:") is None
    with pytest.raises(ValueError, match="must end its segment"):
        Segment.parse("{id}.json")


def test_two_operations_on_one_route_are_refused() -> None:
    table: RouteTable[str] = RouteTable()
    table.add("GET", "/a/{x}", "one")
    with pytest.raises(ValueError, match="two operations"):
        table.add("get", "/a/{y}", "two")


def test_renaming_an_operation_id_keeps_the_endpoint(tmp_path: Path) -> None:
    """The old dispatcher matched operationIds with regexes: a rename turned GET into a 400."""

    def rename(document: dict[str, Any]) -> None:
        document["paths"]["/customer"]["get"]["operationId"] = "fetchEveryCustomer"
        document["paths"]["/customer/_count"]["get"]["operationId"] = "howManyCustomers"

    emulator = edited_emulator(tmp_path, rename)
    try:
        client = make_client(create_app(emulator=emulator))
        assert client.get("/api/v3/customer").status_code == 200
        assert client.get("/api/v3/customer/_count").json()["response"] == 0
    finally:
        emulator.close()


def test_the_success_status_comes_from_the_documented_responses(tmp_path: Path) -> None:
    """The spec says 202 for an update; a spec saying 200 makes the emulator answer 200."""

    def update_is_200(document: dict[str, Any]) -> None:
        responses = document["paths"]["/customer/{customer_id}"]["put"]["responses"]
        responses["200"] = responses.pop("202")

    emulator = edited_emulator(tmp_path, update_is_200)
    try:
        client = make_client(create_app(emulator=emulator))
        created = client.post("/api/v3/customer", json={"company": "Routes Inc."})
        assert created.status_code == 201
        assert created.headers["Location"].endswith("/api/v3/customer/1")
        updated = client.put("/api/v3/customer/1", json={"company": "Routes Ltd."})
        assert (updated.status_code, updated.json()["code"]) == (200, 200)
        assert updated.headers["Location"].endswith("/api/v3/customer/1")
    finally:
        emulator.close()


def test_an_operation_without_a_kind_is_a_start_up_error(tmp_path: Path) -> None:
    def drop_kind(document: dict[str, Any]) -> None:
        del document["paths"]["/customer"]["get"]["x-kit-operation"]

    with pytest.raises(ConfigError, match="listCustomers: no x-kit-operation"):
        edited_emulator(tmp_path, drop_kind)


def test_a_kind_without_a_handler_is_a_start_up_error(tmp_path: Path) -> None:
    def odd_kind(document: dict[str, Any]) -> None:
        document["paths"]["/customer"]["get"]["x-kit-operation"]["kind"] = "teleport"

    with pytest.raises(ConfigError, match="teleport"):
        edited_emulator(tmp_path, odd_kind)


def test_action_aliases_route_like_the_action(client: Any) -> None:
    client.post("/api/v3/customer", json={"company": "Alias Co."})
    created = client.post("/api/v3/user", json={"customer_id": 1, "first_name": "Al"})
    user = created.json()["response"]["id"]
    for path in (
        f"/api/v3/user/{user}/_action/reset_password",
        f"/api/v3/user/{user}/_action/password",
    ):
        response = client.post(path)
        assert (response.status_code, response.json()["response"]) == (200, True)
    legacy = client.post(f"/api/v3/user/{user}?action=reset_password")
    assert legacy.status_code == 200


@pytest.mark.parametrize(
    "spec", ["spec/chargeover.openapi.yaml", "spec/invoiced/openapi.yaml", "spec/fynn/openapi.yaml"]
)
def test_every_vendor_spec_files_each_operation_once(repo_root: Path, spec: str) -> None:
    """The engine's reader takes all three vendors' specs; no two operations share a slot."""
    document = SpecDocument((repo_root / spec).read_bytes())
    owned = {op.operation_id for op in document.operations.values() if op.resource is not None}
    filed = {
        operation.operation_id
        for resource in document.resources.values()
        for operation in (*resource.operations.values(), *resource.actions.values())
    }
    assert filed == owned


def test_an_x_kit_status_picks_among_documented_successes(repo_root: Path) -> None:
    invoiced = SpecDocument((repo_root / "spec/invoiced/openapi.yaml").read_bytes())
    assert invoiced.operations["createCustomer"].status == 201  # 200 and 201 are documented


def test_two_operations_in_one_slot_are_a_start_up_error(tmp_path: Path) -> None:
    def duplicate_count(document: dict[str, Any]) -> None:
        document["paths"]["/customer/_count"]["get"]["x-kit-operation"]["kind"] = "list"

    with pytest.raises(ConfigError, match="are both the 'list' operation of customer"):
        edited_emulator(tmp_path, duplicate_count)


def test_an_undocumented_status_choice_is_a_start_up_error(tmp_path: Path) -> None:
    def choose_204(document: dict[str, Any]) -> None:
        document["paths"]["/customer"]["post"]["x-kit-operation"]["status"] = 204

    with pytest.raises(ConfigError, match="status 204 is not documented"):
        edited_emulator(tmp_path, choose_204)
