"""The Fynn spec's examples served: every request example accepted with its documented status,
every error example reproduced by the request it describes, and every operation's answers
(success and error) valid against the response schema the spec documents for that status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.fynn.conftest import READ_ONLY, make_client, new_customer
from tests.spec_document import embedded_examples, load_spec, operations, resolve, schema_errors

SPEC = Path(__file__).resolve().parents[3] / "spec" / "fynn" / "openapi.yaml"
_SPEC = load_spec(SPEC)
_OPERATIONS = {op.body["operationId"]: op for op in operations(_SPEC)}


def _request_example(operation_id: str) -> Any:
    content = resolve(_OPERATIONS[operation_id].body["requestBody"], _SPEC)["content"]
    (example,) = content["application/json"]["examples"].values()
    return resolve(example, _SPEC)["value"]


def _documented(operation_id: str, status: int) -> dict[str, Any] | None:
    """The response schema the spec documents for this operation and status."""
    responses = _OPERATIONS[operation_id].body["responses"]
    assert str(status) in responses, f"{operation_id} does not document {status}"
    response = resolve(responses[str(status)], _SPEC)
    schema: dict[str, Any] | None = (
        response.get("content", {}).get("application/json", {}).get("schema")
    )
    return schema


def conforms(operation_id: str, response: Any) -> Any:
    """Assert the answer has a documented status and validates against its schema."""
    schema = _documented(operation_id, response.status_code)
    if schema is None:
        assert response.content == b""
        return None
    body = response.json()
    assert schema_errors(schema, body, SPEC) == [], (operation_id, body)
    return body


def test_every_request_example_is_accepted_with_its_documented_status(api: TestClient) -> None:
    created = api.post("/customers", json=_request_example("createCustomer"))
    customer = conforms("createCustomer", created)
    assert created.status_code == 201
    key = customer["id"]
    updated = api.put(f"/customers/{key}", json=_request_example("updateCustomer"))
    assert updated.status_code == 200
    assert conforms("updateCustomer", updated)["language"] == "en"
    address = api.post(f"/customers/{key}/addresses", json=_request_example("addCustomerAddress"))
    assert address.status_code == 201
    assert conforms("addCustomerAddress", address)["type"] == "TYPE_INVOICE"
    email = api.post(
        f"/customers/{key}/email-addresses", json=_request_example("createCustomerEmailAddress")
    )
    assert email.status_code == 201
    assert conforms("createCustomerEmailAddress", email)["isInvoiceEmail"] is True


def _example(component: str, name: str) -> Any:
    media = _SPEC["components"]["responses"][component]["content"]["application/json"]
    return media["examples"][name]["value"]


def test_the_not_blank_example_is_what_a_create_without_email_answers(api: TestClient) -> None:
    response = api.post("/customers", json={})
    assert response.status_code == 422
    assert response.json() == _example("UnprocessableEntity", "notBlank")


def test_the_page_below_one_example_is_what_page_0_answers(api: TestClient) -> None:
    response = api.get("/customers", params={"page": 0})
    assert response.status_code == 400
    assert response.json() == _example("InvalidPaging", "pageBelowOne")


def test_the_has_invoices_example_is_what_deleting_an_invoiced_customer_answers(
    fynn: Emulator, api: TestClient
) -> None:
    customer = new_customer(api)
    service: Any = fynn.services["customer"]
    with fynn.database.transaction() as conn:
        service.table.update(conn, customer["id"], {"invoiceCount": 1})
    response = api.delete(f"/customers/{customer['id']}")
    assert response.status_code == 422
    example = _example("CustomerDeleteRefused", "hasInvoices")
    assert {key: response.json()[key] for key in example} == example


def test_every_embedded_example_validates_against_its_schema() -> None:
    examples = list(embedded_examples(_SPEC))
    assert len(examples) >= 15
    for example in examples:
        assert schema_errors(example.schema, example.value, SPEC) == [], example.where


def test_every_operation_answers_in_its_documented_shapes(fynn: Emulator, api: TestClient) -> None:
    """All 15 operations, success and the errors each documents, against the spec's schemas."""
    parent = conforms("createCustomer", api.post("/customers", json={"email": "p@example.com"}))
    child = conforms("createCustomer", api.post("/customers", json={"email": "c@example.com"}))
    pid, cid = parent["id"], child["id"]
    missing = "00000000-0000-4000-8000-000000000000"
    conforms("listCustomers", api.get("/customers", params={"limit": 1}))
    conforms("listCustomers", api.get("/customers", params={"page": 0}))
    conforms("getCustomer", api.get(f"/customers/{pid}"))
    conforms("getCustomer", api.get(f"/customers/{missing}"))
    trio = {"countryCode": "DE", "timeZone": "Europe/Berlin", "language": "de"}
    conforms("updateCustomer", api.put(f"/customers/{pid}", json=trio))
    conforms("updateCustomer", api.put(f"/customers/{pid}", json={}))
    conforms("updateCustomer", api.put(f"/customers/{pid}", json={**trio, "phone": 5}))
    conforms(
        "setCustomerParent", api.put(f"/customers/{cid}/set-parent", json={"parentCustomerId": pid})
    )
    conforms(
        "setCustomerParent", api.put(f"/customers/{cid}/set-parent", json={"parentCustomerId": cid})
    )
    conforms("setCustomerParent", api.put(f"/customers/{cid}/set-parent", json={}))
    conforms("listCustomerChildren", api.get(f"/customers/{pid}/children"))
    conforms("getCustomerHierarchy", api.get(f"/customers/{cid}/hierarchy"))
    conforms("deleteCustomer", api.delete(f"/customers/{pid}"))  # refused: it has a child
    conforms("removeCustomerParent", api.put(f"/customers/{cid}/remove-parent"))
    address = conforms("addCustomerAddress", api.post(f"/customers/{pid}/addresses", json={}))
    conforms("addCustomerAddress", api.post(f"/customers/{pid}/addresses", json={"street": "x"}))
    conforms("setCustomerAddressDefault", api.post(f"/customer-addresses/{address['id']}/default"))
    conforms("setCustomerAddressDefault", api.post(f"/customer-addresses/{missing}/default"))
    email = conforms(
        "createCustomerEmailAddress",
        api.post(f"/customers/{pid}/email-addresses", json={"email": "x@example.com"}),
    )
    conforms("getCustomerEmailAddress", api.get(f"/customer-email-addresses/{email['id']}"))
    conforms("getCustomerEmailAddress", api.get(f"/customer-email-addresses/{missing}"))
    service: Any = fynn.services["customer"]
    with fynn.database.transaction() as conn:
        method = service.payment_methods.add(
            fynn.context(conn, ipaddr="", base_url=""), pid, "card"
        )
    conforms(
        "setCustomerDefaultPaymentMethod",
        api.patch(f"/customers/{pid}/payment-method", json={"paymentMethodId": method}),
    )
    conforms(
        "setCustomerDefaultPaymentMethod",
        api.patch(f"/customers/{pid}/payment-method", json={"paymentMethodId": missing}),
    )
    conforms("archiveCustomer", api.put(f"/customers/{pid}/archive"))
    conforms("deleteCustomer", api.delete(f"/customers/{cid}"))
    denied = make_client(fynn, READ_ONLY)
    conforms("createCustomer", denied.post("/customers", json={"email": "d@example.com"}))
    conforms("listCustomers", make_client(fynn, None).get("/customers"))


@pytest.mark.parametrize("flag", ["off"])
def test_hierarchy_disabled_answers_are_documented(fynn_factory: Any, flag: str) -> None:
    client = make_client(fynn_factory(options={"hierarchy": flag}))
    key = new_customer(client)["id"]
    assert conforms("listCustomerChildren", client.get(f"/customers/{key}/children")) == []
    for operation_id, response in (
        ("getCustomerHierarchy", client.get(f"/customers/{key}/hierarchy")),
        ("removeCustomerParent", client.put(f"/customers/{key}/remove-parent")),
        (
            "setCustomerParent",
            client.put(f"/customers/{key}/set-parent", json={"parentCustomerId": key}),
        ),
    ):
        assert response.status_code == 501
        conforms(operation_id, response)
