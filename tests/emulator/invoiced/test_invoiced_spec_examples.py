"""Every example of the Invoiced spec sent to the emulator under the `strict` policy: each request
body and parameter example is served with the operation's documented status, and every answer
(success or error) validates against the response schema the spec declares for its status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import invoiced_client, invoiced_settings
from tests.spec_document import Operation, load_spec, operations, resolve, schema_errors

SPEC_PATH = Path(__file__).resolve().parents[3] / "spec" / "invoiced" / "openapi.yaml"
SPEC = load_spec(SPEC_PATH)
OPS = list(operations(SPEC))


def _examples(node: dict[str, Any]) -> dict[str, Any]:
    return {name: resolve(ex, SPEC)["value"] for name, ex in (node.get("examples") or {}).items()}


def _cases() -> Iterator[Any]:
    for op in OPS:
        if "requestBody" in op.body:
            content = resolve(op.body["requestBody"], SPEC)["content"]["application/json"]
            for name, value in _examples(content).items():
                yield pytest.param(op, {}, value, id=f"{op.body['operationId']}-body-{name}")
        for parameter in op.parameters:
            if parameter["in"] != "query":
                continue
            for name, value in _examples(parameter).items():
                if isinstance(value, dict):  # deepObject: filter[number]=...
                    query = {f"{parameter['name']}[{k}]": str(v) for k, v in value.items()}
                else:
                    query = {parameter["name"]: str(value)}
                body = _minimal_body(op)
                yield pytest.param(op, query, body, id=f"{op.body['operationId']}-query-{name}")


def _minimal_body(op: Operation) -> Any:
    if op.method in {"post", "patch"}:
        return (
            {"name": "Example"}
            if op.body["operationId"] != "sendCustomerStatementText"
            else {"to": [{"phone": "+15125551212"}]}
        )
    return None


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """A strict emulator with a customer (with a billing address) and one of its contacts."""
    emulator = Emulator(invoiced_settings(tmp_path, validation="strict"))
    client = invoiced_client(emulator)
    customer = client.post(
        "/customers",
        json={"name": "Acme", "email": "billing@acmecorp.com", "address1": "5301 Southwest Pkwy",
              "city": "Austin", "state": "TX", "postal_code": "78735",
              "metadata": {"account_rep": "Jan"}, "number": "CUST-0001"},
    ).json()  # fmt: skip
    contact = client.post(f"/customers/{customer['id']}/contacts", json={"name": "N"}).json()
    yield client, {"id": customer["id"], "customer_id": customer["id"], "contact_id": contact["id"]}
    emulator.close()


def _check_answer(op: Operation, answer: Any) -> None:
    responses = op.body["responses"]
    assert str(answer.status_code) in responses, answer.text
    declared = resolve(responses[str(answer.status_code)], SPEC)
    media = declared.get("content", {}).get("application/json")
    if media is None:
        assert answer.content == b""
        return
    assert schema_errors(media["schema"], answer.json(), path=SPEC_PATH) == []
    for header, spec in declared.get("headers", {}).items():
        if resolve(spec, SPEC).get("required"):
            assert header in answer.headers


@pytest.mark.parametrize(("op", "query", "body"), list(_cases()))
def test_every_example_is_served_with_the_documented_status(
    strict: tuple[TestClient, dict[str, int]], op: Operation, query: dict[str, str], body: Any
) -> None:
    client, ids = strict
    path = op.path.format(**ids)
    answer = client.request(op.method.upper(), path, params=query, json=body)
    status = op.body["x-kit-operation"].get("status") or min(
        int(code) for code in op.body["responses"] if code.startswith("2")
    )
    assert answer.status_code == status, answer.text
    _check_answer(op, answer)


@pytest.mark.parametrize("op", OPS, ids=[op.body["operationId"] for op in OPS])
def test_every_operation_answers_in_its_documented_shapes(
    strict: tuple[TestClient, dict[str, int]], op: Operation
) -> None:
    """The plain call, an unknown object (404 where documented) and no credentials (401)."""
    client, ids = strict
    plain = client.request(op.method.upper(), op.path.format(**ids), json=_minimal_body(op))
    _check_answer(op, plain)
    if "{" in op.path:
        missing = client.request(
            op.method.upper(), op.path.format(id=999, customer_id=999, contact_id=999),
            json=_minimal_body(op),
        )  # fmt: skip
        assert missing.status_code == 404
        _check_answer(op, missing)
    client.auth = None
    anonymous = client.request(op.method.upper(), op.path.format(**ids))
    assert anonymous.status_code == 401
    _check_answer(op, anonymous)


def test_the_documented_error_examples_are_what_the_emulator_sends(
    strict: tuple[TestClient, dict[str, int]],
) -> None:
    client, ids = strict
    responses = SPEC["components"]["responses"]
    name_missing = _examples(responses["BadRequest"]["content"]["application/json"])["nameMissing"]
    assert client.post("/customers", json={"email": "x@example.com"}).json() == name_missing
    not_found = _examples(responses["NotFound"]["content"]["application/json"])
    assert client.get("/customers/51123223").json() == not_found["customer"]
    contact = client.get(f"/customers/{ids['id']}/contacts/10403").json()
    assert contact == not_found["contact"]
    client.auth = None
    unauthorized = _examples(responses["Unauthorized"]["content"]["application/json"])
    assert client.get("/customers").json() == unauthorized["missingKey"] | {
        "type": "authentication_error"
    }
