"""Every request example embedded in the spec, replayed against a fresh emulator.

Acceptance item of the emulator issue: each documented request (create/update customer,
`where` queries including escapes, paging, bulk with JSONPath) gives the documented success
status and an envelope that validates against that response's schema in the spec.

The cases are collected by walking the spec: one case per request-body example, and one per
parameter example name (parameter examples that share a name, such as `docsPaging` on `limit`
and `offset`, form one request). The objects those examples refer to are built explicitly by
`documented_objects` before each case.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.spec_document import load_spec, operations, resolve, schema_errors

_PATH_PARAM = re.compile(r"\{([a-z_]+)\}")


@dataclasses.dataclass(frozen=True)
class Case:
    """One documented request and the success response the spec promises for it."""

    operation_id: str
    example: str
    method: str
    path: str
    query: dict[str, Any]
    body: Any
    status: int
    schema: dict[str, Any]
    response_example: Any

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.example}"


def _success(operation: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """The operation's one documented 2xx: status code, JSON schema, named examples."""
    documented = [code for code in operation["responses"] if code.startswith("2")]
    assert len(documented) == 1, f"{operation['operationId']}: 2xx responses {documented}"
    response = resolve(operation["responses"][documented[0]])
    media = response["content"]["application/json"]
    examples = {name: resolve(e)["value"] for name, e in (media.get("examples") or {}).items()}
    return int(documented[0]), media["schema"], examples


def collect_cases() -> list[Case]:
    """Every request-body example and every parameter example (grouped by name) in the spec."""
    cases: list[Case] = []
    for op in operations(load_spec()):
        operation_id = op.body["operationId"]
        status, schema, response_examples = _success(op.body)
        requests: dict[str, tuple[dict[str, Any], Any]] = {}
        for parameter in op.parameters:
            if parameter["in"] != "query":
                continue
            for name, example in (parameter.get("examples") or {}).items():
                query, _ = requests.setdefault(name, ({}, None))
                query[parameter["name"]] = resolve(example)["value"]
        if "requestBody" in op.body:
            content = resolve(op.body["requestBody"])["content"]["application/json"]
            for name, example in (content.get("examples") or {}).items():
                assert name not in requests, f"{operation_id}: example name {name} used twice"
                requests[name] = ({}, resolve(example)["value"])
        for name, (query, body) in requests.items():
            cases.append(
                Case(
                    operation_id,
                    name,
                    op.method.upper(),
                    op.path,
                    query,
                    body,
                    status,
                    schema,
                    response_examples.get(name),
                )
            )
    return cases


CASES = collect_cases()


@dataclasses.dataclass(frozen=True)
class Objects:
    """Primary keys of the fixtures, by path parameter, for the operations that address one."""

    path_ids: dict[str, int]
    #: per operationId, where the docs' example addresses a specific object
    overrides: dict[str, dict[str, int]]

    def path_for(self, case: Case) -> str:
        ids = {**self.path_ids, **self.overrides.get(case.operation_id, {})}
        return _PATH_PARAM.sub(lambda m: str(ids[m.group(1)]), case.path)


def _ok(response: Any, status: int) -> Any:
    body = response.json()
    assert response.status_code == status, body
    return body["response"]


def _next_id(emulator: Emulator, table: str, key: int) -> None:
    """Make the next AUTOINCREMENT key of `table` equal `key` (ids the docs' examples use)."""
    with emulator.database.transaction() as conn:
        (current,) = conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = ?", [table]
        ).fetchone()
        assert current < key, f"{table}: id {key} is already taken"
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, key - 1])


def _customer(client: TestClient, emulator: Emulator, key: int, **fields: Any) -> None:
    _next_id(emulator, "customer", key)
    response = client.post("/api/v3/customer", json={"company": f"Customer {key}", **fields})
    assert _ok(response, 201) == {"id": key}


def _invoice(client: TestClient, customer_id: int, date: str, items: list[int]) -> int:
    lines = [{"item_id": item, "line_quantity": 1} for item in items]
    body = {"customer_id": customer_id, "date": date, "line_items": lines}
    return int(_ok(client.post("/api/v3/invoice", json=body), 201)["id"])


def documented_objects(client: TestClient, emulator: Emulator) -> Objects:
    """The customers, contacts and invoices the spec's examples refer to, built via the API."""
    # Customer 1: createInvoice's `customer_id: 1`; it owns the external key abcd1234, so the
    # third request of the bulk `mixed` example fails as documented (duplicate external_key).
    _customer(client, emulator, 1, external_key="abcd1234")
    _customer(client, emulator, 2, company="Test Customer 2")  # bulk `mixed`: GET /customer/2
    # PUT /customer/3 in the docs; a primary contact, so superuser_* update that contact.
    _customer(client, emulator, 3, superuser_name="Jane Doe", superuser_email="jane@example.com")
    _customer(client, emulator, 16)  # "Get a specific customer" (customer 16)
    # Users: createUser links to customer 44; `first_name:EQUALS:Keith` and
    # `customers.customer_id:EQUALS:44` find its primary contact.
    _customer(client, emulator, 44, superuser_name="Keith Palmer")
    # Customer `where` examples (country, email, contains, escaped `Example\:ID`) all match 6319,
    # and `customer_id:EQUALS:6319,invoice_status_state:EQUALS:o` finds its open invoices.
    _customer(
        client,
        emulator,
        6319,
        company="Test Company 6319",
        bill_country="Canada",
        external_key="Example:ID",
        superuser_name="John Doe",
        superuser_email="johndoe@example.com",
    )
    first = _invoice(client, 6319, "2015-02-01", [1, 293, 307])
    # updateInvoice keeps line 4 (`line_items: [{line_item_id: 4}]`): the second invoice's line.
    second = _invoice(client, 6319, "2015-02-05", [307])
    lines = _ok(client.get(f"/api/v3/invoice/{second}"), 200)["line_items"]
    assert [line["line_item_id"] for line in lines] == [4], f"invoice {first} took line 4"
    contact = _ok(client.get("/api/v3/customer/44"), 200)["superuser_id"]
    return Objects(
        path_ids={"customer_id": 16, "user_id": int(contact), "invoice_id": second},
        overrides={"updateCustomer": {"customer_id": 3}},
    )


def test_the_spec_documents_the_seed_examples() -> None:
    """Guard: the walk finds the examples the acceptance item names."""
    found = {case.id for case in CASES}
    expected = {
        "createCustomer-testCompany",
        "updateCustomer-update3",
        "listCustomers-escaped",
        "listCustomers-docsPaging",
        "bulk-mixed",
        "bulk-jsonPath",
    }
    assert expected <= found


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_documented_example_gives_documented_response(
    case: Case, client: TestClient, emulator: Emulator
) -> None:
    objects = documented_objects(client, emulator)
    response = client.request(
        case.method,
        "/api/v3" + objects.path_for(case),
        params=case.query,
        json=case.body,
    )
    envelope = response.json()
    assert response.status_code == case.status, envelope
    assert envelope["code"] == case.status and envelope["status"] == "OK", envelope
    assert schema_errors(case.schema, envelope) == []
    if "where" in case.query:
        # Every documented filter matches something in the fixtures, so the grammar was applied
        # (an empty list would also validate).
        assert envelope["response"], f"{case.query['where']} matched nothing"
    if case.id == "bulk-mixed":
        # The 200 response documents this very batch under the same example name.
        assert case.response_example is not None
        _assert_like_documented_bulk(envelope, case.response_example)
    if case.id == "bulk-jsonPath":
        _assert_jsonpath_invoice_belongs_to_new_customer(client, envelope)


def _assert_like_documented_bulk(envelope: dict[str, Any], documented: dict[str, Any]) -> None:
    """Inner codes, statuses and messages as the docs' bulk response shows (ids differ)."""

    def shape(items: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
        return [(item["code"], item["status"], item["message"]) for item in items]

    got = shape(envelope["response"]["_bulk"])
    assert got == shape(documented["response"]["_bulk"])
    assert [code for code, _, _ in got] == [200, 201, 400]


def _assert_jsonpath_invoice_belongs_to_new_customer(
    client: TestClient, envelope: dict[str, Any]
) -> None:
    customer, invoice = envelope["response"]["_bulk"]
    assert (customer["code"], invoice["code"]) == (201, 201), envelope
    created = _ok(client.get(f"/api/v3/invoice/{invoice['response']['id']}"), 200)
    assert created["customer_id"] == customer["response"]["id"]
    assert _ok(client.get(f"/api/v3/customer/{created['customer_id']}"), 200)["company"] == (
        "My test JSONPath customer"
    )
