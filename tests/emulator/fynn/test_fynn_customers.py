"""Fynn customers over the emulator: create, read, list with `meta.pagination`, UUID ids, ISO
8601 timestamps, PUT semantics, archive, delete and its preconditions, 404s."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.fynn.conftest import make_client, new_customer


def test_create_answers_201_with_the_bare_customer_and_a_uuid_id(api: TestClient) -> None:
    customer = new_customer(api, firstName="Anna", companyName="Acme GmbH", street="Hauptstr")
    assert uuid.UUID(customer["id"]).version == 4
    assert customer["status"] == "STATUS_ACTIVE"
    assert customer["createdAt"] == "2025-03-14T09:26:53+00:00"
    assert dt.datetime.fromisoformat(customer["createdAt"]).utcoffset() == dt.timedelta(0)
    assert customer["defaultEmailAddress"]["email"] == "anna@example.com"
    assert customer["defaultAddress"]["street"] == "Hauptstr"
    assert customer["businessCustomer"] is True
    assert "data" not in customer


def test_get_returns_the_same_bare_object_the_create_returned(api: TestClient) -> None:
    created = new_customer(api)
    response = api.get(f"/customers/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_unknown_and_malformed_ids_are_404_in_fynns_shape(api: TestClient) -> None:
    for path in (f"/customers/{uuid.uuid4()}", "/customers/not-a-uuid"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["detail"] == "Not Found"
        assert response.json()["title"] == "An error occurred"


def _pages(client: TestClient, limit: int, **filters: str) -> list[dict[str, Any]]:
    pages = []
    page = 1
    while True:
        body = client.get("/customers", params={"page": page, "limit": limit, **filters}).json()
        pages.append(body)
        if page >= body["meta"]["pagination"]["lastPage"]:
            return pages
        page += 1


def test_pagination_agrees_with_data_and_totals_over_all_pages(api: TestClient) -> None:
    created = [new_customer(api, f"c{i}@example.com")["id"] for i in range(7)]
    pages = _pages(api, 3)
    assert len(pages) == 3
    seen = [item["id"] for body in pages for item in body["data"]]
    assert seen == created  # creation order, each exactly once
    for number, body in enumerate(pages, start=1):
        meta = body["meta"]["pagination"]
        assert meta == {
            "totalItems": 7,
            "itemsPerPage": 3,
            "currentPage": number,
            "lastPage": 3,
            "pageTotalItems": len(body["data"]),
        }


def test_list_items_omit_the_fields_the_spec_names(api: TestClient) -> None:
    new_customer(api)
    item = api.get("/customers").json()["data"][0]
    assert not {"taxExempt", "emailAddresses", "addresses", "customerGroup"} & set(item)
    assert "defaultEmailAddress" in item


@pytest.mark.parametrize(
    ("query", "meta"),
    [
        ("limit=0", {"itemsPerPage": 0, "pageTotalItems": 0, "lastPage": 1, "totalItems": 2}),
        ("limit=", {"itemsPerPage": 0, "pageTotalItems": 0, "lastPage": 1, "totalItems": 2}),
        ("limit=1&page=9", {"itemsPerPage": 1, "pageTotalItems": 0, "currentPage": 9}),
        ("limit=500", {"itemsPerPage": 100, "pageTotalItems": 2}),
        ("", {"itemsPerPage": 30, "currentPage": 1, "pageTotalItems": 2}),
    ],
)
def test_paging_edges(api: TestClient, query: str, meta: dict[str, int]) -> None:
    new_customer(api, "a@example.com")
    new_customer(api, "b@example.com")
    response = api.get(f"/customers?{query}")
    assert response.status_code == 200
    pagination = response.json()["meta"]["pagination"]
    assert {key: pagination[key] for key in meta} == meta
    assert len(response.json()["data"]) == pagination["pageTotalItems"]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("page=0", "Page should not be less than 1"),
        ("page=", "Page should not be less than 1"),
        ("page=2&limit=0", "Page should not be greater than 1 if limit is equal to 0"),
        ("limit=-1", "Limit should not be less than 0"),
        ("page=abc", "Page should not be less than 1"),
    ],
)
def test_invalid_paging_is_a_400(api: TestClient, query: str, detail: str) -> None:
    response = api.get(f"/customers?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_limit_overflow_reject_and_strict_refuse_above_100(
    fynn_factory: Callable[..., Emulator],
) -> None:
    for explicit in ({"limit_overflow": "reject"}, {"validation": "strict"}):
        client = make_client(fynn_factory(**explicit))
        response = client.get("/customers?limit=101")
        assert response.status_code == 400
        assert response.json()["detail"] == "Limit should not be greater than 100"


def test_filters_the_spec_declares(api: TestClient) -> None:
    anna = new_customer(
        api,
        "anna@example.com",
        firstName="Anna",
        companyName="Acme GmbH",
        customerNumber="K-1",
        vatId="DE123456789",
    )
    bert = new_customer(api, "bert@example.com", firstName="Bert", companyName="Beta AG")

    def ids(**query: str) -> list[str]:
        return [item["id"] for item in api.get("/customers", params=query).json()["data"]]

    assert ids(search="acme") == [anna["id"]]
    assert ids(search="BERT@") == [bert["id"]]
    assert ids(customerNumber="K-1") == [anna["id"]]
    assert ids(customerNumber="K") == []  # exact
    assert ids(companyName="beta") == [bert["id"]]  # case-insensitive substring
    assert ids(**{"emailAddresses.email": "anna@example.com"}) == [anna["id"]]
    assert ids(**{"emailAddresses.email": "anna@"}) == []
    assert ids(isVatIdValid="true") == [anna["id"]]
    assert ids(isVatIdValid="0") == [bert["id"]]
    assert ids(isVatIdValid="maybe") == [anna["id"], bert["id"]]  # ignored, as APIP does
    assert ids(firstName="ann", companyName="beta") == []  # ANDed
    assert ids(**{"customerGroup.name": "x"}) == []
    assert ids(search="") == [anna["id"], bert["id"]]


def test_put_merges_omitted_fields_and_null_clears(api: TestClient) -> None:
    customer = new_customer(api, firstName="Anna", phone="+49 1", companyName="Acme GmbH")
    body = {"countryCode": "AT", "timeZone": "Europe/Vienna", "language": "en", "phone": None}
    response = api.put(f"/customers/{customer['id']}", json=body)
    assert response.status_code == 200
    updated = response.json()
    assert (updated["countryCode"], updated["language"], updated["phone"]) == ("AT", "en", None)
    assert updated["firstName"] == "Anna"
    assert updated["companyName"] == "Acme GmbH"
    assert api.get(f"/customers/{customer['id']}").json() == updated


def test_put_replace_setting_clears_omitted_optional_fields(
    fynn_factory: Callable[..., Emulator],
) -> None:
    client = make_client(fynn_factory(options={"put_semantics": "replace"}))
    customer = new_customer(client, firstName="Anna", companyName="Acme GmbH")
    body = {"countryCode": "DE", "timeZone": "Europe/Berlin", "language": "de", "lastName": "X"}
    updated = client.put(f"/customers/{customer['id']}", json=body).json()
    assert (updated["firstName"], updated["companyName"], updated["lastName"]) == (None, None, "X")
    assert updated["defaultEmailAddress"]["email"] == "anna@example.com"  # not a PUT field


def test_put_without_the_required_trio_is_a_422_and_changes_nothing(api: TestClient) -> None:
    customer = new_customer(api, firstName="Anna")
    response = api.put(f"/customers/{customer['id']}", json={"firstName": "Other"})
    assert response.status_code == 422
    paths = [v["propertyPath"] for v in response.json()["violations"]]
    assert paths == ["countryCode", "timeZone", "language"]
    assert api.get(f"/customers/{customer['id']}").json() == customer


def test_archive_is_a_soft_delete_still_readable_and_listed(api: TestClient) -> None:
    customer = new_customer(api)
    response = api.put(f"/customers/{customer['id']}/archive")
    assert response.status_code == 200
    assert response.json()["status"] == "STATUS_ARCHIVED"
    again = api.put(f"/customers/{customer['id']}/archive")
    assert again.json() == response.json()
    assert api.get(f"/customers/{customer['id']}").json()["status"] == "STATUS_ARCHIVED"
    assert [c["id"] for c in api.get("/customers").json()["data"]] == [customer["id"]]


def test_delete_answers_204_without_a_body_and_the_customer_is_gone(api: TestClient) -> None:
    customer = new_customer(api)
    response = api.delete(f"/customers/{customer['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/customers/{customer['id']}").status_code == 404
    assert api.get("/customers").json()["meta"]["pagination"]["totalItems"] == 0
    # the login email is free again
    assert new_customer(api)["defaultEmailAddress"]["email"] == "anna@example.com"


def test_delete_is_refused_while_the_customer_has_dependants(api: TestClient) -> None:
    parent = new_customer(api, "p@example.com")
    child = new_customer(api, "c@example.com")
    api.put(f"/customers/{child['id']}/set-parent", json={"parentCustomerId": parent["id"]})
    response = api.delete(f"/customers/{parent['id']}")
    assert response.status_code == 422
    assert response.json()["violations"] == [
        {
            "propertyPath": "",
            "message": "The customer has child customers and cannot be deleted.",
            "code": "customer_has_children",
        }
    ]
    assert api.get(f"/customers/{parent['id']}").status_code == 200


def test_delete_is_refused_for_invoices_subscriptions_and_payments(
    fynn: Emulator, api: TestClient
) -> None:
    customer = new_customer(api)
    service: Any = fynn.services["customer"]
    with fynn.database.transaction() as conn:
        counts = {"invoiceCount": 2, "activeSubscriptionCount": 1, "bookedPaymentCount": 1}
        service.table.update(conn, customer["id"], counts)
    response = api.delete(f"/customers/{customer['id']}")
    assert response.status_code == 422
    codes = [v["code"] for v in response.json()["violations"]]
    assert codes == [
        "customer_has_invoices",
        "customer_has_active_subscriptions",
        "customer_has_booked_payments",
    ]
    assert api.get(f"/customers/{customer['id']}").status_code == 200


def test_duplicate_login_email_and_customer_number_are_422(api: TestClient) -> None:
    new_customer(api, customerNumber="K-1")
    response = api.post("/customers", json={"email": "anna@example.com", "customerNumber": "K-1"})
    assert response.status_code == 422
    assert [(v["propertyPath"], v["code"]) for v in response.json()["violations"]] == [
        ("email", "23bd9dbf-6b9b-41cd-a99e-4844bcf3077f"),
        ("customerNumber", "23bd9dbf-6b9b-41cd-a99e-4844bcf3077f"),
    ]
    assert api.get("/customers").json()["meta"]["pagination"]["totalItems"] == 1
