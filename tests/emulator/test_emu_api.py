"""The emulator through its ASGI app: resources, computed fields, actions, bulk, errors."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import SERVE_RATE_LIMIT, RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.specdoc import SpecDocument, locate_spec
from tests.emulator.conftest import FIXED_NOW, chargeover_service, make_client

CUSTOMER_EXAMPLE = {
    "company": "Test Company Name",
    "bill_addr1": "16 Dog Lane",
    "bill_addr2": "Suite D",
    "bill_city": "Storrs",
    "bill_state": "CT",
    "superuser_name": "Karli Marie",
    "superuser_phone": "860-647-8567",
    "superuser_email": "karli@example.com",
    "tags": ["tag1", "tag2"],
}
INVOICE_EXAMPLE = {
    "customer_id": 1,
    "bill_addr1": "72 E Blue Grass Road",
    "bill_city": "Willington",
    "bill_state": "Connecticut",
    "bill_postcode": "06279",
    "line_items": [
        {
            "item_id": 307,
            "descrip": "My description goes here",
            "line_rate": 29.95,
            "line_quantity": 12,
        },
        {"item_id": 293, "descrip": "Another description", "line_rate": 12.95, "line_quantity": 2},
    ],
}


def ok(response: Any, code: int = 200) -> Any:
    """Assert an OK envelope with `code` and return its `response`."""
    body = response.json()
    assert response.status_code == code, body
    assert body["code"] == code and body["status"] == "OK" and body["message"] == ""
    return body["response"]


def err(response: Any, code: int, message: str | None = None) -> str:
    """Assert an error envelope and return its message."""
    body = response.json()
    assert response.status_code == code, body
    assert body["code"] == code and body["status"] == "Error"
    assert body["response"] is (None if code == 404 else False)
    if message is not None:
        assert body["message"] == message
    return str(body["message"])


def make_customer(client: TestClient, **fields: Any) -> int:
    return int(ok(client.post("/api/v3/customer", json={"company": "Acme", **fields}), 201)["id"])


def test_create_customer_docs_example(client: TestClient, emulator: Emulator) -> None:
    response = client.post("/api/v3/customer", json=CUSTOMER_EXAMPLE)
    assert ok(response, 201) == {"id": 1}
    assert response.headers["location"] == "http://testserver/api/v3/customer/1"
    customer = ok(client.get("/api/v3/customer/1"))
    assert set(customer) == set(emulator.spec.resources["customer"].properties)
    assert customer["bill_block"] == "16 Dog Lane\nSuite D\nStorrs CT"
    assert customer["display_as"] == "Test Company Name"
    assert (customer["superuser_first_name"], customer["superuser_last_name"]) == ("Karli", "Marie")
    assert customer["superuser_email"] == "karli@example.com" and customer["tags"] == [
        "tag1",
        "tag2",
    ]
    assert (
        len(customer["token"]) == 12 and customer["token"].isalnum() and customer["token"].islower()
    )
    assert customer["write_datetime"] == FIXED_NOW.strftime("%Y-%m-%d %H:%M:%S")
    assert customer["write_ipaddr"] == "testclient"
    assert (customer["customer_status_str"], customer["customer_status_state"]) == (
        "active-current",
        "a",
    )
    assert customer["ship_addr1"] is None and customer["ship_block"] == ""
    contact = ok(client.get(f"/api/v3/user/{customer['superuser_id']}"))
    assert contact["name"] == "Karli Marie" and contact["customers"] == [
        {"customer_id": 1, "company": "Test Company Name"}
    ]


def test_update_customer_docs_example(client: TestClient) -> None:
    make_customer(client, superuser_name="Old Name")
    update = {
        "company": "Test API Company, LLC",
        "bill_addr1": "220 ChargeOver Street",
        "bill_addr2": "Suite 10",
        "bill_city": "Minneapolis",
        "bill_state": "MN",
        "bill_postcode": "55416",
        "bill_country": "USA",
        "external_key": "abcd3325",
        "superuser_name": "David Palmer",
        "superuser_email": "david@palmer.com",
        "superuser_phone": "860-634-1111",
    }
    response = client.put("/api/v3/customer/1", json=update)
    assert ok(response, 202) == {"id": 1}
    assert response.headers["location"] == "http://testserver/api/v3/customer/1"
    customer = ok(client.get("/api/v3/customer/external_key:abcd3325"))
    assert (
        customer["company"] == "Test API Company, LLC"
        and customer["superuser_name"] == "David Palmer"
    )
    assert customer["bill_block"] == "220 ChargeOver Street\nSuite 10\nMinneapolis MN 55416\nUSA"
    assert ok(client.get(f"/api/v3/customer/token:{customer['token']}"))["customer_id"] == 1
    assert ok(
        client.put("/api/v3/customer/external_key:abcd3325", json={"company": "By key"}), 202
    ) == {"id": 1}
    notes = [r["revision_note"] for r in ok(client.get("/api/v3/customer/1/_revision"))]
    assert notes == ["Customer updated", "Customer updated", "Customer created"]
    assert len(ok(client.get("/api/v3/customer/1/_revision?limit=1"))) == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v3/customer/999", "This customer does not exist."),
        ("/api/v3/customer/external_key:nope", "This customer does not exist."),
        ("/api/v3/customer/token:nope", "This customer does not exist."),
        ("/api/v3/user/999", "This user does not exist."),
        ("/api/v3/invoice/999", "This invoice does not exist."),
    ],
)
def test_not_found(client: TestClient, path: str, message: str) -> None:
    err(client.get(path), 404, message)
    err(client.put(path, json={"company": "x"}), 404)
    err(client.delete(path), 404, message)


def test_external_key_unique_and_never_reused(client: TestClient) -> None:
    make_customer(client, external_key="abcd1234")
    duplicate = 'A customer already exists with the external_key value "abcd1234"'
    err(
        client.post("/api/v3/customer", json={"company": "B", "external_key": "abcd1234"}),
        400,
        duplicate,
    )
    assert ok(client.delete("/api/v3/customer/1")) is True
    err(
        client.post("/api/v3/customer", json={"company": "C", "external_key": "abcd1234"}),
        400,
        duplicate,
    )


def test_list_where_order_paging_count(client: TestClient) -> None:
    for index, (company, country) in enumerate(
        [
            ("CA Test Customer 1", "Canada"),
            ("test two", "USA"),
            ("Other", "Canada"),
            ("Ex:ID", None),
        ]
    ):
        make_customer(
            client,
            company=company,
            external_key=f"k{index}",
            **({"bill_country": country} if country else {}),
        )
    ids = lambda r: [c["customer_id"] for c in ok(r)]  # noqa: E731
    assert ids(client.get("/api/v3/customer?where=bill_country:EQUALS:Canada")) == [1, 3]
    assert ids(client.get("/api/v3/customer?where=company:CONTAINS:test")) == [1, 2]
    assert ids(client.get("/api/v3/customer", params={"where": r"company:EQUALS:Ex\:ID"})) == [4]
    assert ids(client.get("/api/v3/customer?where=bill_country:IS:NULL")) == [4]
    assert ids(client.get("/api/v3/customer?where=bill_country:ISNOT:NULL,customer_id:GT:1")) == [
        2,
        3,
    ]
    assert ids(client.get("/api/v3/customer?where=customer_id:GTE:2,customer_id:LTE:3")) == [2, 3]
    assert ids(client.get("/api/v3/customer?where=customer_id:LT:2")) == [1]
    assert ids(client.get("/api/v3/customer?where=bill_country:NOTEQUALS:Canada")) == [2]
    assert ids(client.get("/api/v3/customer?order=customer_id:DESC")) == [4, 3, 2, 1]
    assert ids(client.get("/api/v3/customer?order=bill_country:ASC,customer_id:DESC")) == [
        4,
        3,
        1,
        2,
    ]
    assert ids(
        client.get(
            "/api/v3/customer?offset=1&limit=2&_dummy=1&_flag_emails=0&on_behalf_addr=1.2.3.4"
        )
    ) == [2, 3]
    assert ids(client.get("/api/v3/customer?limit=0")) == [1, 2, 3, 4]
    assert ids(client.get("/api/v3/customer?offset=100")) == []
    assert "tags" not in ok(client.get("/api/v3/customer"))[0]
    assert ok(client.get("/api/v3/customer/_count")) == 4
    assert ok(client.get("/api/v3/customer/_count?where=bill_country:EQUALS:canada")) == 2
    err(client.get("/api/v3/customer?where=mrr:EQUALS:1"), 400)
    err(client.get("/api/v3/customer?order=tags:ASC"), 400)
    err(client.get("/api/v3/customer?limit=-1"), 400)


def test_limit_clamped_to_500(client: TestClient, emulator: Emulator) -> None:
    from chargeover_emulator.seeding import seed

    seed(emulator, 7, 510)
    assert len(ok(client.get("/api/v3/customer?limit=1000"))) == 500
    assert len(ok(client.get("/api/v3/customer"))) == 10


def test_user_crud_and_relation_filter(client: TestClient) -> None:
    customer = make_customer(client)
    created = client.post(
        "/api/v3/user",
        json={"name": "John Doe", "email": "jd@example.com", "customer_id": customer},
    )
    user_id = ok(created, 201)["id"]
    user = ok(client.get(f"/api/v3/user/{user_id}"))
    assert (user["first_name"], user["last_name"], user["username"], user["user_type_name"]) == (
        "John",
        "Doe",
        "jd@example.com",
        "Billing",
    )
    ok(client.post("/api/v3/user", json={"first_name": "Solo"}), 201)
    found = ok(client.get(f"/api/v3/user?where=customers.customer_id:EQUALS:{customer}"))
    assert [u["user_id"] for u in found] == [user_id]
    assert "customers" not in found[0] and "mobile" not in found[0]
    ok(client.put(f"/api/v3/user/{user_id}", json={"first_name": "Jim"}), 202)
    assert ok(client.get(f"/api/v3/user/{user_id}"))["name"] == "Jim Doe"
    err(client.post("/api/v3/user", json={"first_name": "X", "customer_id": 999}), 400)
    assert ok(client.delete(f"/api/v3/user/{user_id}")) is True


def test_user_actions(client: TestClient) -> None:
    user_id = ok(client.post("/api/v3/user", json={"first_name": "A"}), 201)["id"]
    assert (
        ok(client.post(f"/api/v3/user/{user_id}/_action/password", json={"password": "s3cret"}))
        is True
    )
    assert ok(client.post(f"/api/v3/user/{user_id}?action=reset_password")) is True
    url = ok(
        client.post(f"/api/v3/user/{user_id}/_action/getLoginURL", json={"destination": "invoices"})
    )
    assert url.startswith("http://testserver/") and url.endswith("destination=invoices")
    assert ok(client.post(f"/api/v3/user/{user_id}?action=login")).startswith("http://")


def test_invoice_totals_status_void_pay(client: TestClient) -> None:
    make_customer(client)
    response = client.post("/api/v3/invoice", json=INVOICE_EXAMPLE)
    assert ok(response, 201) == {"id": 1} and response.headers["location"].endswith(
        "/api/v3/invoice/1"
    )
    invoice = ok(client.get("/api/v3/invoice/1"))
    assert (invoice["subtotal"], invoice["total"], invoice["balance"]) == (385.3, 385.3, 385.3)
    assert (invoice["invoice_status_str"], invoice["invoice_status_state"], invoice["is_paid"]) == (
        "open-unpaid",
        "o",
        False,
    )
    assert [line["item_id"] for line in invoice["line_items"]] == [307, 293]
    assert "line_items" not in ok(client.get("/api/v3/invoice"))[0]
    assert [
        i["invoice_id"]
        for i in ok(client.get("/api/v3/invoice?where=line_items.item_id:EQUALS:293"))
    ] == [1]
    assert ok(client.get("/api/v3/invoice?where=line_items.item_id:EQUALS:1")) == []
    assert ok(client.get("/api/v3/customer/1"))["balance"] == 385.3
    err(client.delete("/api/v3/customer/1"), 400)
    card = {
        "number": "4111111111111111",
        "expdate_year": "2030",
        "expdate_month": "12",
        "name": "K M",
    }
    expired = {**card, "expdate_year": "2020"}
    err(
        client.post("/api/v3/invoice/1/_action/pay", json=expired),
        400,
        "This transaction could not be processed: Your card has expired.",
    )
    assert (
        ok(client.post("/api/v3/invoice/1/_action/pay", json={"use_customer_balance": True}))
        is False
    )
    assert ok(client.post("/api/v3/invoice/1/_action/pay", json=card)) is True
    paid = ok(client.get("/api/v3/invoice/1"))
    assert (paid["invoice_status_str"], paid["balance"], paid["payments"], paid["is_paid"]) == (
        "closed-paid",
        0,
        385.3,
        True,
    )
    assert ok(client.get("/api/v3/customer/1"))["paid"] == 385.3
    assert ok(client.delete("/api/v3/customer/1")) is True


def test_void_both_url_styles_and_unknown_action(client: TestClient) -> None:
    make_customer(client)
    ok(client.post("/api/v3/invoice", json=INVOICE_EXAMPLE), 201)
    ok(client.post("/api/v3/invoice", json=INVOICE_EXAMPLE), 201)
    assert ok(client.post("/api/v3/invoice/1/_action/void", json={})) is True
    assert ok(client.post("/api/v3/invoice/2?action=void")) is True
    void = ok(client.get("/api/v3/invoice/1"))
    assert (
        void["invoice_status_str"],
        void["invoice_status_state"],
        void["is_void"],
        void["is_paid"],
        void["balance"],
    ) == (
        "closed-void",
        "c",
        True,
        True,
        0,
    )
    assert void["void_datetime"] == FIXED_NOW.strftime("%Y-%m-%d %H:%M:%S")
    err(
        client.post("/api/v3/invoice/1/_action/explode"),
        400,
        'Unknown action "explode" for invoice.',
    )
    err(client.post("/api/v3/invoice/1?action=explode"), 400)
    for name in ("email", "print"):
        assert ok(client.post(f"/api/v3/invoice/1/_action/{name}")) is True
    schedule = {"schedule": [{"amount": 10, "date": "2025-04-01", "paymethod": "any"}]}
    assert ok(client.post("/api/v3/invoice/1/_action/schedule", json=schedule)) is True


@pytest.mark.parametrize("validation", ["faithful", "strict"])
def test_whitespace_body_is_invalid_json_not_no_body(
    tmp_path: Any, validation: Literal["faithful", "strict"]
) -> None:
    """Issue 19 item 6: a body of spaces on a body-less action was read as no body (200), so
    schemathesis reported it as an accepted invalid body in the runs that happened to draw it."""
    settings = Settings(
        db=str(tmp_path / "ws.sqlite3"), rate_limit=RateLimit(0, 60.0), validation=validation
    )
    client = make_client(create_app(settings))
    make_customer(client)
    ok(client.post("/api/v3/invoice", json=INVOICE_EXAMPLE), 201)
    json_type = {"Content-Type": "application/json"}
    for blank in (b" ", b"\n\t "):
        response = client.post("/api/v3/invoice/1/_action/void", content=blank, headers=json_type)
        assert "Invalid JSON" in err(response, 400)
        assert ok(client.get("/api/v3/invoice/1"))["is_void"] is False
    # an empty body is still no body
    assert ok(client.post("/api/v3/invoice/1/_action/void", content=b"", headers=json_type))


def test_error_messages_echo_the_request_and_name_what_is_valid(client: TestClient) -> None:
    """Issue 19 item 8: three messages that read badly or said too little."""
    make_customer(client)
    assert (
        err(client.get("/api/v3/customer?order=nope:ASC"), 400)
        == 'Invalid order "nope:ASC": "nope" is not a sortable field.'
    )
    message = err(client.get("/api/v3/customer?where=nope:EQUALS:1"), 400)
    filterable = SpecDocument.load(locate_spec()).resources["customer"].filterable
    assert "company" in filterable and "nope" not in filterable
    assert message.endswith(
        f'"nope" is not a filterable field (filterable: {", ".join(filterable)}).'
    ), message
    for body, kind in ((b"[1]", "object"), (b'{"a": 1}', "array")):
        path = "/api/v3/customer" if kind == "object" else "/api/v3/_bulk"
        response = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert err(response, 400).endswith(f"the request body must be a JSON {kind}."), kind


def test_overdue_invoice_makes_customer_overdue(client: TestClient) -> None:
    make_customer(client)
    ok(client.post("/api/v3/invoice", json={**INVOICE_EXAMPLE, "date": "2015-02-05"}), 201)
    invoice = ok(client.get("/api/v3/invoice?where=date:EQUALS:2015-02-05"))[0]
    assert invoice["invoice_status_str"] == "open-overdue" and invoice["is_overdue"] is True
    customer = ok(client.get("/api/v3/customer/1"))
    assert (customer["customer_status_str"], customer["customer_status_name"]) == (
        "active-overdue",
        "Over Due",
    )


def test_customer_actions(client: TestClient) -> None:
    parent = make_customer(client)
    child = make_customer(client, parent_customer_id=parent)
    assert ok(client.post(f"/api/v3/customer/{child}?action=setInactive")) is True
    customer = ok(client.get(f"/api/v3/customer/{child}"))
    assert (customer["customer_status_str"], customer["customer_status_state"]) == (
        "inactive-manual",
        "i",
    )
    assert ok(client.post(f"/api/v3/customer/{child}/_action/setActive", json={})) is True
    assert ok(client.get(f"/api/v3/customer/{child}"))["customer_status_str"] == "active-current"
    body = {"paymethod": "crd", "creditcard_id": 51}
    assert ok(client.post(f"/api/v3/customer/{child}/_action/setPayMethod", json=body)) is True
    assert ok(client.post(f"/api/v3/customer/{child}/_action/disconnectParent")) is True
    customer = ok(client.get(f"/api/v3/customer/{child}"))
    assert (
        customer["default_paymethod"],
        customer["default_creditcard_id"],
        customer["parent_customer_id"],
    ) == ("crd", 51, None)


def test_invoice_unknown_item_and_customer_rejected(client: TestClient, settings: Settings) -> None:
    make_customer(client)
    bad_item = {"customer_id": 1, "line_items": [{"item_id": 4242}]}
    err(
        client.post("/api/v3/invoice", json=bad_item),
        400,
        "Invalid item_id: item 4242 does not exist.",
    )
    err(client.post("/api/v3/invoice", json={**bad_item, "customer_id": 99}), 400)
    assert ok(client.get("/api/v3/invoice/_count")) == 0


def test_bulk_docs_examples(client: TestClient) -> None:
    make_customer(client)
    make_customer(client, company="Test Customer 2")
    batch = [
        {"request_method": "GET", "uri": "/api/v3/customer/2", "payload": None},
        {
            "request_method": "POST",
            "uri": "/api/v3/customer",
            "payload": {"company": "My new bulk customer 928"},
        },
        {
            "request_method": "POST",
            "uri": "/api/v3/customer",
            "payload": {"company": "Test Company 464", "external_key": "abcd1234"},
        },
        {
            "request_method": "POST",
            "uri": "/api/v3/customer",
            "payload": {"company": "Again", "external_key": "abcd1234"},
        },
    ]
    results = ok(client.post("/api/v3/_bulk", json=batch))["_bulk"]
    assert [r["code"] for r in results] == [200, 201, 201, 400]
    assert results[0]["response"]["company"] == "Test Customer 2" and "details" not in results[0]
    assert results[3] == {
        "code": 400,
        "status": "Error",
        "response": False,
        "message": 'A customer already exists with the external_key value "abcd1234"',
    }
    jsonpath = [
        {
            "request_method": "POST",
            "uri": "/api/v3/customer",
            "payload": {"company": "My test JSONPath customer"},
            "id": "the_customer",
        },
        {
            "request_method": "POST",
            "uri": "/api/v3/invoice",
            "id": None,
            "payload": {
                "customer_jsonpath": "the_customer:$.response.id",
                "line_items": [{"item_id": 1, "line_rate": 2.95, "line_quantity": 2}],
            },
        },
    ]
    results = ok(client.post("/api/v3/_bulk", json=jsonpath))["_bulk"]
    customer_id = results[0]["response"]["id"]
    assert results[1]["code"] == 201
    assert (
        ok(client.get(f"/api/v3/invoice/{results[1]['response']['id']}"))["customer_id"]
        == customer_id
    )
    too_many = [{"request_method": "GET", "uri": "/api/v3/teapot"}] * 26
    assert "maximum is 25" in err(client.post("/api/v3/_bulk", json=too_many), 400)


def test_teapot_openapi_and_auth_envelopes(
    client: TestClient, anon: TestClient, emulator: Emulator
) -> None:
    assert ok(client.get("/api/v3/teapot")) is True
    assert anon.get("/openapi.yaml").content == emulator.spec_path.read_bytes()
    err(
        anon.get("/api/v3/teapot"),
        401,
        "Invalid or incorrect authorization [Missing (basic) authorization header.]",
    )
    err(
        anon.get("/api/v3/customer", auth=("x", "y")),
        401,
        "Invalid or incorrect authorization [Invalid API username or password.]",
    )


def test_rate_limit_429(tmp_path: Any) -> None:
    settings = Settings(db=str(tmp_path / "rl.sqlite3"), rate_limit=RateLimit(3, 60.0))
    client = make_client(create_app(settings))
    for _ in range(3):
        ok(client.get("/api/v3/teapot"))
    response = client.get("/api/v3/teapot")
    assert response.status_code == 429
    # whole seconds until the window has room again (at most the 60 s period)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json() == {
        "code": 429,
        "status": "Error",
        "message": "Rate limit exceeded",
        "details": {},
        "response": False,
    }


BAD_REQUESTS = [
    ("POST", "/api/v3/customer", b"{not json", 400),
    ("POST", "/api/v3/customer", b"[1, 2]", 400),
    ("POST", "/api/v3/customer", b"{}", 400),
    ("POST", "/api/v3/customer", b'{"company": 5}', 400),
    ("POST", "/api/v3/customer", b'{"company": "x", "no_taxes": "yes"}', 400),
    ("POST", "/api/v3/customer", b'{"company": NaN}', 400),
    ("POST", "/api/v3/invoice", b'{"customer_id": 1, "line_items": []}', 400),
    ("PUT", "/api/v3/customer/1", b'{"currency_id": 1}', 400),
    ("PUT", "/api/v3/customer", b'{"company": "x"}', 400),
    ("DELETE", "/api/v3/customer", b"", 400),
    ("PATCH", "/api/v3/customer/1", b"{}", 400),
    ("GET", "/api/v3/nothing", b"", 400),
    ("GET", "/api/v3/customer/1/_nothing", b"", 400),
    ("GET", "/api/v3/customer?where=company:BETWEEN:a", b"", 400),
    ("GET", "/api/v3/customer?where=company", b"", 400),
    ("GET", "/api/v3/customer?order=company:SIDEWAYS", b"", 400),
    ("POST", "/api/v3/_bulk", b'{"not": "a list"}', 400),
    ("POST", "/api/v3/_bulk", b'[{"request_method": "GET"}]', 400),
    ("POST", "/api/v3/customer/1/_action/setPayMethod", b'{"paymethod": "cash"}', 400),
    ("GET", "/elsewhere", b"", 404),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), BAD_REQUESTS)
def test_bad_input_gives_envelope_and_no_write(
    client: TestClient, method: str, path: str, body: bytes, status: int
) -> None:
    make_customer(client)
    before = client.get("/api/v3/customer/1").json()
    response = client.request(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )
    err(response, status)
    assert client.get("/api/v3/customer/1").json() == before
    assert ok(client.get("/api/v3/customer/_count")) == 1


def test_oversized_body_rejected(tmp_path: Any) -> None:
    settings = Settings(
        db=str(tmp_path / "big.sqlite3"), max_body_bytes=1000, rate_limit=RateLimit(0, 60.0)
    )
    client = make_client(create_app(settings))
    assert "too large" in err(client.post("/api/v3/customer", json={"company": "x" * 2000}), 400)


def test_failed_bulk_item_leaves_no_partial_write(client: TestClient) -> None:
    batch = [
        {
            "request_method": "POST",
            "uri": "/api/v3/invoice",
            "payload": {"customer_id": 1, "line_items": [{"item_id": 9999}]},
        }
    ]
    make_customer(client)
    assert ok(client.post("/api/v3/_bulk", json=batch))["_bulk"][0]["code"] == 400
    assert ok(client.get("/api/v3/invoice/_count")) == 0
    assert [r["revision_note"] for r in ok(client.get("/api/v3/customer/1/_revision"))] == [
        "Customer created"
    ]


def test_reset_and_persistence(settings: Settings) -> None:
    client = make_client(create_app(settings))
    make_customer(client)
    reopened = make_client(create_app(settings))
    assert ok(reopened.get("/api/v3/customer/_count")) == 1
    assert ok(reopened.post("/_emulator/reset")) is True
    assert ok(reopened.get("/api/v3/customer/_count")) == 0
    assert make_customer(reopened) == 1


def test_seeding_is_deterministic(tmp_path: Any) -> None:
    from chargeover_emulator.seeding import seed

    dumps = []
    for name in ("a", "b"):
        state = Emulator(Settings(db=str(tmp_path / f"{name}.sqlite3")), clock=lambda: FIXED_NOW)
        seed(state, 42, 20)
        client = make_client(create_app(emulator=state))
        dumps.append(
            (
                ok(client.get("/api/v3/customer?limit=500")),
                ok(client.get("/api/v3/invoice?limit=500")),
            )
        )
        state.close()
    assert dumps[0] == dumps[1] and len(dumps[0][0]) == 20


@pytest.mark.parametrize(
    "payment",
    [
        {"number": "41111111111111²1", "expdate_year": "2030", "expdate_month": "12"},
        {"number": "٤١١١١١١١١١١١١١١١", "expdate_year": "2030", "expdate_month": "12"},
        {"number": "123456789", "routing": "12345678²"},
    ],
    ids=["superscript-digit", "arabic-indic-digits", "routing-superscript"],
)
def test_pay_rejects_non_ascii_digits(client: TestClient, payment: dict[str, str]) -> None:
    """str.isdigit() accepts '²' and '٤', which int() then refuses: a 400, never a 500."""
    make_customer(client)
    ok(client.post("/api/v3/invoice", json=INVOICE_EXAMPLE), 201)
    err(client.post("/api/v3/invoice/1/_action/pay", json=payment), 400)
    assert ok(client.get("/api/v3/invoice/1"))["payments"] == 0


def test_create_writes_every_derived_field_before_the_insert(
    client: TestClient, emulator: Emulator
) -> None:
    """A created customer needs nothing from refresh but its own URL (which needs the id).

    create fills the derived columns before the INSERT with the function refresh uses; a
    divergence between the two would show as further changes when refresh runs again.
    """
    plain = make_customer(client, bill_city="Storrs", bill_country="USA", terms_id=2)
    with_contact = make_customer(client, superuser_email="c@example.com", currency_id=2)
    service = chargeover_service(emulator, "customer")
    statements: list[str] = []
    conn = emulator.database.connection
    for key in (plain, with_contact):
        with emulator.database.transaction() as tx:
            ctx = emulator.context(tx, ipaddr="testclient", base_url="http://testserver")
            conn.set_trace_callback(statements.append)
            try:
                service.refresh(ctx, key)
            finally:
                conn.set_trace_callback(None)
    assert [s for s in statements if s.startswith("UPDATE")] == []


def test_in_process_emulator_has_no_rate_limit_by_default(tmp_path: Any) -> None:
    """Issue 19: `Settings()` (in process, tests) leaves the rate limit off; `serve` turns on
    the real API's 250/min (tests/test_cli.py)."""
    client = make_client(create_app(Settings(db=str(tmp_path / "default.sqlite3"))))
    codes = {client.get("/api/v3/teapot").status_code for _ in range(SERVE_RATE_LIMIT.requests + 5)}
    assert codes == {200}
