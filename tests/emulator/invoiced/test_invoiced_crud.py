"""Customers and contacts over real HTTP and in process: bare bodies, 201 creates, partial
PATCH, 204 with an empty body, 404s in Invoiced's error shape, generated unique numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import httpx
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import (
    FIXED_NOW,
    FIXED_TIMESTAMP,
    KEY,
    invoiced_client,
    invoiced_settings,
)


def test_customer_lifecycle_over_real_http(inv_url: str) -> None:
    with httpx.Client(base_url=inv_url, auth=(KEY, "")) as http:
        created = http.post("/customers", json={"name": "Acme", "email": "billing@acmecorp.com"})
        assert created.status_code == 201
        customer = created.json()
        assert customer["object"] == "customer"
        assert customer["name"] == "Acme"
        assert isinstance(customer["id"], int)
        assert customer["number"] == "CUST-0001"
        assert customer["metadata"] == []  # an empty map is sent as PHP's empty array
        got = http.get(f"/customers/{customer['id']}")
        assert got.status_code == 200
        assert got.json() == customer
        listed = http.get("/customers")
        assert listed.json() == [customer]
        assert listed.headers["X-Total-Count"] == "1"
        deleted = http.delete(f"/customers/{customer['id']}")
        assert (deleted.status_code, deleted.content) == (204, b"")
        gone = http.get(f"/customers/{customer['id']}")
        assert gone.status_code == 404
        assert gone.json() == {
            "type": "invalid_request",
            "message": f"Customer was not found: {customer['id']}",
        }


def test_create_stamps_unix_timestamps_and_defaults(inv: TestClient) -> None:
    customer = inv.post("/customers", json={"name": "Acme"}).json()
    assert customer["created_at"] == customer["updated_at"] == FIXED_TIMESTAMP
    assert (customer["autopay"], customer["chase"], customer["taxable"]) == (False, True, True)
    assert customer["type"] == "company"
    assert customer["statement_pdf_url"].endswith("/pdf")


def test_patch_changes_only_the_fields_sent(inv: TestClient) -> None:
    customer = inv.post(
        "/customers", json={"name": "Acme", "email": "a@example.com", "city": "Austin"}
    ).json()
    updated = inv.patch(f"/customers/{customer['id']}", json={"city": "Hill Valley"})
    assert updated.status_code == 200
    assert updated.json() == {**customer, "city": "Hill Valley"}
    assert inv.get(f"/customers/{customer['id']}").json() == updated.json()


def test_patch_moves_updated_at_and_an_empty_body_changes_nothing(tmp_path: Path) -> None:
    ticks = itertools.count()
    emulator = Emulator(
        invoiced_settings(tmp_path),
        clock=lambda: FIXED_NOW + dt.timedelta(seconds=next(ticks)),
    )
    client = invoiced_client(emulator)
    customer = client.post("/customers", json={"name": "Acme"}).json()
    answer = client.patch(f"/customers/{customer['id']}", json={})
    assert (answer.status_code, answer.json()) == (200, customer)
    unknown_only = client.patch(f"/customers/{customer['id']}", json={"collection_mode": "x"})
    assert unknown_only.json() == customer  # faithful drops the unknown field: nothing to write
    renamed = client.patch(f"/customers/{customer['id']}", json={"name": "Acme 2"}).json()
    assert renamed["updated_at"] > customer["updated_at"] == renamed["created_at"]
    emulator.close()


def test_null_clears_a_nullable_field(inv: TestClient) -> None:
    customer = inv.post("/customers", json={"name": "Acme", "email": "a@example.com"}).json()
    cleared = inv.patch(f"/customers/{customer['id']}", json={"email": None}).json()
    assert cleared["email"] is None


def test_generated_numbers_are_unique_and_skip_taken_ones(inv: TestClient) -> None:
    first = inv.post("/customers", json={"name": "A", "number": "CUST-0002"}).json()
    second = inv.post("/customers", json={"name": "B"}).json()
    assert first["number"] == "CUST-0002"
    assert second["number"] == "CUST-0003"  # its own id's number was taken


def test_a_duplicate_number_is_refused_and_writes_nothing(inv: TestClient) -> None:
    inv.post("/customers", json={"name": "A", "number": "X-1"})
    answer = inv.post("/customers", json={"name": "B", "number": "X-1"})
    assert answer.status_code == 400
    assert answer.json()["param"] == "number"
    assert answer.json()["type"] == "invalid_request"
    assert inv.get("/customers").headers["X-Total-Count"] == "1"
    other = inv.post("/customers", json={"name": "C"}).json()
    clash = inv.patch(f"/customers/{other['id']}", json={"number": "X-1"})
    assert (clash.status_code, clash.json()["param"]) == (400, "number")
    assert inv.get(f"/customers/{other['id']}").json() == other


def test_create_without_name_is_the_documented_400(inv: TestClient) -> None:
    answer = inv.post("/customers", json={"email": "a@example.com"})
    assert answer.status_code == 400
    assert answer.json() == {"type": "invalid_request", "message": "Name missing", "param": "name"}
    empty = inv.post("/customers", json={})
    assert empty.json() == {"type": "invalid_request", "message": "Name missing", "param": "name"}


def test_contacts_live_under_their_customer(inv: TestClient) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    other = inv.post("/customers", json={"name": "Other"}).json()
    created = inv.post(f"/customers/{acme['id']}/contacts", json={"name": "Nancy Talty"})
    assert created.status_code == 201
    contact = created.json()
    assert contact["object"] == "contact"
    assert (contact["primary"], contact["sms_enabled"]) == (False, None)
    assert inv.get(f"/customers/{acme['id']}/contacts/{contact['id']}").json() == contact
    elsewhere = inv.get(f"/customers/{other['id']}/contacts/{contact['id']}")
    assert elsewhere.status_code == 404
    assert elsewhere.json()["message"] == f"Contact was not found: {contact['id']}"
    assert inv.get(f"/customers/{other['id']}/contacts").json() == []
    assert inv.get(f"/customers/{acme['id']}/contacts").json() == [contact]
    missing_parent = inv.get("/customers/999/contacts")
    assert missing_parent.status_code == 404
    assert missing_parent.json()["message"] == "Customer was not found: 999"


def test_contact_patch_is_partial_and_null_primary_is_the_default(inv: TestClient) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    path = f"/customers/{acme['id']}/contacts"
    contact = inv.post(path, json={"name": "Nancy", "primary": True, "title": "CFO"}).json()
    updated = inv.patch(f"{path}/{contact['id']}", json={"phone": "+15125551212"}).json()
    assert updated == {**contact, "phone": "+15125551212"}
    reset = inv.patch(f"{path}/{contact['id']}", json={"primary": None}).json()
    assert reset["primary"] is False


def test_contact_delete_is_204_and_a_customer_delete_takes_its_contacts(
    inv: TestClient,
) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    path = f"/customers/{acme['id']}/contacts"
    first = inv.post(path, json={"name": "A"}).json()
    inv.post(path, json={"name": "B"})
    deleted = inv.delete(f"{path}/{first['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert [c["name"] for c in inv.get(path).json()] == ["B"]
    assert inv.delete(f"/customers/{acme['id']}").status_code == 204
    again = inv.post("/customers", json={"name": "Acme again"}).json()
    assert inv.get(f"/customers/{again['id']}/contacts").json() == []


def test_an_unknown_route_is_a_404_in_invoiced_shape(inv: TestClient) -> None:
    for method, path in (("GET", "/invoices"), ("GET", "/customers/1/notes"), ("GET", "/")):
        answer = inv.request(method, path)
        assert answer.status_code == 404
        assert answer.json() == {
            "type": "invalid_request",
            "message": f"Unknown endpoint: {method} {path}",
        }


def test_an_undocumented_method_on_a_documented_path_is_a_405(inv: TestClient) -> None:
    for method, path, allow in (
        ("PUT", "/customers/1", "DELETE, GET, PATCH"),
        ("TRACE", "/customers", "GET, POST"),
        ("DELETE", "/customers/1/balance", "GET"),
    ):
        answer = inv.request(method, path)
        assert answer.status_code == 405
        assert answer.headers["Allow"] == allow
        assert answer.json()["type"] == "invalid_request"


def test_a_required_body_is_optional_only_under_faithful(inv: TestClient, tmp_path: Path) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    assert inv.patch(f"/customers/{acme['id']}").status_code == 200
    strict = Emulator(invoiced_settings(tmp_path, "strict", validation="strict"))
    client = invoiced_client(strict)
    acme = client.post("/customers", json={"name": "Acme"}).json()
    refused = client.patch(f"/customers/{acme['id']}")
    assert refused.status_code == 400
    assert "request body is required" in refused.json()["message"]
    strict.close()
