"""Fynn's business rules: the customer hierarchy (no cycles, at most 3 levels, no archived
parent, the feature flag), addresses (default per type), email addresses, the default payment
method. Every refused change leaves the data as it was."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.fynn.conftest import make_client, new_customer


def _chain(api: TestClient, length: int) -> list[str]:
    """Customers c0 <- c1 <- ... (each the parent of the next)."""
    keys = [new_customer(api, f"c{i}@example.com")["id"] for i in range(length)]
    for parent, child in itertools.pairwise(keys):
        response = api.put(f"/customers/{child}/set-parent", json={"parentCustomerId": parent})
        assert response.status_code == 200, response.text
        assert response.json() == {"id": child}
    return keys


def _refused(api: TestClient, child: str, parent: str, detail: str) -> None:
    before = api.get(f"/customers/{child}/hierarchy").json()
    response = api.put(f"/customers/{child}/set-parent", json={"parentCustomerId": parent})
    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert api.get(f"/customers/{child}/hierarchy").json() == before


def test_three_levels_are_allowed_and_the_tree_is_served_from_its_root(api: TestClient) -> None:
    root, middle, leaf = _chain(api, 3)
    tree = api.get(f"/customers/{leaf}/hierarchy").json()["root"]
    assert (tree["id"], tree["isCurrentCustomer"]) == (root, False)
    assert tree["children"][0]["id"] == middle
    assert tree["children"][0]["children"][0]["isCurrentCustomer"] is True
    assert [c["id"] for c in api.get(f"/customers/{root}/children").json()] == [middle]
    assert api.get(f"/customers/{leaf}/children").json() == []


def test_a_fourth_level_is_refused_from_either_end(api: TestClient) -> None:
    root, _, leaf = _chain(api, 3)
    extra = new_customer(api, "x@example.com")["id"]
    _refused(api, extra, leaf, "A customer hierarchy has at most 3 levels.")
    _refused(api, root, extra, "A customer hierarchy has at most 3 levels.")


def test_cycles_self_parents_archived_and_unknown_parents_are_refused(api: TestClient) -> None:
    root, middle = _chain(api, 2)
    _refused(api, root, middle, "The parent customer is a descendant of this customer (a cycle).")
    _refused(api, root, root, "A customer cannot be its own parent.")
    archived = new_customer(api, "a@example.com")["id"]
    api.put(f"/customers/{archived}/archive")
    _refused(api, middle, archived, "An archived customer cannot be a parent.")
    _refused(api, middle, str(uuid.uuid4()), "The parent customer does not exist in this tenant.")


def test_remove_parent_detaches_and_is_idempotent(api: TestClient) -> None:
    root, child = _chain(api, 2)
    for _ in range(2):
        response = api.put(f"/customers/{child}/remove-parent")
        assert (response.status_code, response.json()) == (200, {"id": child})
    assert api.get(f"/customers/{root}/children").json() == []
    assert api.delete(f"/customers/{root}").status_code == 204


def test_the_feature_flag_off_answers_empty_children_and_501(
    fynn_factory: Callable[..., Emulator],
) -> None:
    client = make_client(fynn_factory(options={"hierarchy": "off"}))
    parent = new_customer(client, "p@example.com")["id"]
    child = new_customer(client, "c@example.com")["id"]
    response = client.put(f"/customers/{child}/set-parent", json={"parentCustomerId": parent})
    assert response.status_code == 501
    assert response.json()["detail"] == "The feature customer.hierarchy is not enabled."
    assert client.get(f"/customers/{parent}/children").json() == []
    assert client.get(f"/customers/{child}/hierarchy").status_code == 501
    assert client.put(f"/customers/{child}/remove-parent").status_code == 501


def test_a_new_address_becomes_the_default_of_its_type(api: TestClient) -> None:
    customer = new_customer(api, street="Alte Str")
    key = customer["id"]
    first_invoice = api.post(
        f"/customers/{key}/addresses", json={"type": "TYPE_INVOICE", "street": "Rechnungsweg"}
    )
    assert first_invoice.status_code == 201
    second = api.post(f"/customers/{key}/addresses", json={"street": "Neue Str"}).json()
    assert (second["type"], second["default"], second["status"]) == ("TYPE_DEFAULT", True, "active")
    assert second["countryCode"] == customer["countryCode"]
    assert second["city"] == ""  # omitted strings are empty
    read = api.get(f"/customers/{key}").json()
    assert read["defaultAddress"]["id"] == second["id"]
    assert read["defaultInvoiceAddress"]["id"] == first_invoice.json()["id"]
    defaults = {a["id"]: a["default"] for a in read["addresses"]}
    assert defaults == {
        customer["defaultAddress"]["id"]: False,
        first_invoice.json()["id"]: True,
        second["id"]: True,
    }


def test_set_default_answers_201_and_moves_the_flag_within_the_type(api: TestClient) -> None:
    customer = new_customer(api)
    old = customer["defaultAddress"]["id"]
    newer = api.post(f"/customers/{customer['id']}/addresses", json={"street": "Neue Str"}).json()
    response = api.post(f"/customer-addresses/{old}/default")
    assert response.status_code == 201
    assert response.json()["default"] is True
    read = api.get(f"/customers/{customer['id']}").json()
    assert read["defaultAddress"]["id"] == old
    assert {a["id"]: a["default"] for a in read["addresses"]} == {old: True, newer["id"]: False}


def test_address_under_an_unknown_customer_is_404_and_writes_nothing(
    fynn: Emulator, api: TestClient
) -> None:
    response = api.post(f"/customers/{uuid.uuid4()}/addresses", json={"street": "x"})
    assert response.status_code == 404
    with fynn.database.transaction() as conn:
        assert conn.execute("SELECT COUNT(*) FROM customer_address").fetchone()[0] == 0


def test_email_addresses_are_created_read_and_embedded(api: TestClient) -> None:
    customer = new_customer(api, invoiceEmail="rechnung@example.com")
    assert customer["defaultInvoiceEmailAddress"]["email"] == "rechnung@example.com"
    assert customer["defaultInvoiceEmailAddress"]["type"] == "TYPE_INVOICE"
    key = customer["id"]
    response = api.post(
        f"/customers/{key}/email-addresses",
        json={"email": "neu@example.com", "isDefault": True, "receiverName": "N"},
    )
    assert response.status_code == 201
    email = response.json()
    assert set(email) == {
        "id",
        "email",
        "receiverName",
        "isInvoiceEmail",
        "isDunningEmail",
        "default",
    }
    assert uuid.UUID(email["id"]).version == 4
    assert api.get(f"/customer-email-addresses/{email['id']}").json() == email
    read = api.get(f"/customers/{key}").json()
    assert read["defaultEmailAddress"]["id"] == email["id"]
    assert [e["default"] for e in read["emailAddresses"]] == [False, False, True]


def test_the_older_type_field_means_invoice_email(api: TestClient) -> None:
    key = new_customer(api)["id"]
    email = api.post(
        f"/customers/{key}/email-addresses",
        json={"email": "alt@example.com", "type": "TYPE_INVOICE"},
    ).json()
    assert email["isInvoiceEmail"] is True


def test_default_payment_method_must_be_one_of_the_customers(
    fynn: Emulator, api: TestClient
) -> None:
    mine = new_customer(api, "a@example.com")["id"]
    other = new_customer(api, "b@example.com")["id"]
    service: Any = fynn.services["customer"]
    with fynn.database.transaction() as conn:
        ctx = fynn.context(conn, ipaddr="127.0.0.1", base_url="")
        method = service.payment_methods.add(ctx, mine, "sepa_debit")
        foreign = service.payment_methods.add(ctx, other, "card")
    refused = api.patch(f"/customers/{mine}/payment-method", json={"paymentMethodId": foreign})
    assert refused.status_code == 422
    assert refused.json()["violations"][0]["propertyPath"] == "paymentMethodId"
    assert api.get(f"/customers/{mine}").json()["defaultPaymentMethod"] is None
    response = api.patch(f"/customers/{mine}/payment-method", json={"paymentMethodId": method})
    assert response.status_code == 200
    assert response.json() == {"id": method, "type": "sepa_debit", "status": "active"}
    assert api.get(f"/customers/{mine}").json()["defaultPaymentMethod"] == response.json()


@pytest.mark.parametrize("reference", ["contactPerson", "customerGroup"])
def test_unknown_references_are_422_on_the_property(api: TestClient, reference: str) -> None:
    response = api.post("/customers", json={"email": "a@example.com", reference: str(uuid.uuid4())})
    assert response.status_code == 422
    assert response.json()["violations"][0]["propertyPath"] == reference
    assert api.get("/customers").json()["data"] == []
