"""The item catalogue as a resource, driven over raw HTTP as the official C# SDK's suite does
(issue 12 item 8): create an item, then an invoice that uses it; list, get and update items.

Both validation policies: `faithful` (the default) and `strict` agree on everything the spec
allows; they differ only on what the spec refuses (unknown fields).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.resources.catalogue import ITEMS
from chargeover_emulator.validation import HEADER
from tests.emulator.conftest import policy_emulator
from tests.emulator.test_emu_api import err, make_customer, ok

JSON = {"Content-Type": "application/json"}


@pytest.fixture(params=["faithful", "strict"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """A fresh emulator under each validation policy."""
    http, emulator = policy_emulator(tmp_path, request.param)
    yield http
    emulator.close()


def create_item(client: TestClient, body: str) -> int:
    """POST /item with a raw JSON body; returns the new id after checking 201 and Location."""
    response = client.post("/api/v3/item", content=body, headers=JSON)
    key = int(ok(response, 201)["id"])
    assert response.headers["location"] == f"http://testserver/api/v3/item/{key}"
    return key


def test_the_seeded_catalogue_is_the_item_resources_first_rows(client: TestClient) -> None:
    items = ok(client.get("/api/v3/item?limit=500"))
    assert [item["item_id"] for item in items] == [row[0] for row in ITEMS]
    assert ok(client.get("/api/v3/item/_count")) == len(ITEMS)
    # seed 002's escape-syntax query finds the docs' example item by its external key
    [test_product] = ok(client.get("/api/v3/item?where=external_key:EQUALS:Example\\:ID"))
    assert (test_product["item_id"], test_product["name"]) == (3, "Test Product")
    assert test_product["item_type"] == "service" and test_product["enabled"] is True
    assert test_product["tiersets"] == []
    assert ok(client.get("/api/v3/item/3")) == test_product


def test_create_an_item_then_an_invoice_that_uses_it(client: TestClient) -> None:
    key = create_item(client, '{"name":"Widget","units":"hours","external_key":"W-1"}')
    assert key == 308, "created items follow the seeded ids"
    item = ok(client.get(f"/api/v3/item/{key}"))
    assert {k: item[k] for k in ("item_id", "name", "units", "external_key")} == {
        "item_id": key,
        "name": "Widget",
        "units": "hours",
        "external_key": "W-1",
    }
    assert item["item_type"] == "service" and item["enabled"] is True
    assert len(item["token"]) == 12 and item["write_datetime"] == item["mod_datetime"]

    customer = make_customer(client)
    body = (
        f'{{"customer_id":{customer},"line_items":[{{"item_id":{key},"descrip":"Two hours",'
        '"line_rate":40.5,"line_quantity":2}]}'
    )
    invoice = int(ok(client.post("/api/v3/invoice", content=body, headers=JSON), 201)["id"])
    got = ok(client.get(f"/api/v3/invoice/{invoice}"))
    [line] = got["line_items"]
    assert (line["item_id"], line["item_name"], line["item_external_key"]) == (key, "Widget", "W-1")
    assert line["item_token"] == item["token"] and line["line_total"] == 81
    assert got["total"] == 81
    # the invoice filter on the line's item finds it
    found = ok(client.get(f"/api/v3/invoice?where=line_items.item_id:EQUALS:{key}"))
    assert [row["invoice_id"] for row in found] == [invoice]


def test_a_created_item_has_no_price_so_a_line_without_a_rate_is_zero(client: TestClient) -> None:
    key = create_item(client, '{"name":"Free text item"}')
    customer = make_customer(client)
    body = {"customer_id": customer, "line_items": [{"item_id": key}]}
    invoice = int(ok(client.post("/api/v3/invoice", json=body), 201)["id"])
    [line] = ok(client.get(f"/api/v3/invoice/{invoice}"))["line_items"]
    assert (line["line_rate"], line["line_quantity"], line["descrip"]) == (0, 1, "Free text item")


def test_list_filter_order_and_page_items(client: TestClient) -> None:
    for name in ("Beta", "Alpha", "Gamma"):
        create_item(client, f'{{"name":"{name}","item_type":"product"}}')
    products = ok(client.get("/api/v3/item?where=item_type:EQUALS:product&order=name:ASC"))
    assert [item["name"] for item in products] == ["Alpha", "Beta", "Gamma"]
    assert ok(client.get("/api/v3/item/_count?where=item_type:EQUALS:product")) == 3
    page = ok(client.get("/api/v3/item?order=item_id:DESC&limit=2&offset=1"))
    assert [item["item_id"] for item in page] == [309, 308]
    assert ok(client.get("/api/v3/item?where=name:CONTAINS:amm")) == [
        ok(client.get("/api/v3/item/310"))
    ]


def test_update_an_item_changes_only_the_fields_sent(client: TestClient) -> None:
    key = create_item(client, '{"name":"Widget","description":"old","custom_1":"a"}')
    before = ok(client.get(f"/api/v3/item/{key}"))
    response = client.put(f"/api/v3/item/{key}", content='{"description":"new"}', headers=JSON)
    assert ok(response, 202) == {"id": key}
    assert response.headers["location"] == f"http://testserver/api/v3/item/{key}"
    after = ok(client.get(f"/api/v3/item/{key}"))
    assert after == {**before, "description": "new", "mod_datetime": after["mod_datetime"]}
    # a seeded item is an item like any other, and the external key form names it too
    ok(client.put("/api/v3/item/external_key:item-setup", json={"enabled": False}), 202)
    assert ok(client.get("/api/v3/item/293"))["enabled"] is False
    # the list item is the same object as the GET (stored renderings follow the write)
    [listed] = ok(client.get("/api/v3/item?where=item_id:EQUALS:293"))
    assert listed == ok(client.get("/api/v3/item/293"))


def test_item_errors(client: TestClient) -> None:
    err(client.get("/api/v3/item/999"), 404, "This item does not exist.")
    err(client.put("/api/v3/item/999", json={"name": "x"}), 404, "This item does not exist.")
    err(client.post("/api/v3/item", json={}), 400, "A required parameter was missing: No data.")
    err(client.put("/api/v3/item/1", json={}), 400, "A required parameter was missing: No data.")
    assert "name" in err(client.post("/api/v3/item", json={"units": "hours"}), 400)
    err(
        client.post("/api/v3/item", json={"name": "Copy", "external_key": "Example:ID"}),
        400,
        'An item already exists with the external_key value "Example:ID"',
    )
    # items are not deleted through this API (no source shows it)
    assert "not supported" in err(client.delete("/api/v3/item/1"), 400)
    # an invoice line still needs an existing item
    customer = make_customer(client)
    body = {"customer_id": customer, "line_items": [{"item_id": 999}]}
    err(client.post("/api/v3/invoice", json=body), 400, "Invalid item_id: item 999 does not exist.")


def test_unknown_item_fields_follow_the_policy(tmp_path: Path) -> None:
    """`type` and a `pricemodel` object are not in the fact sheet: faithful ignores and reports
    them, strict names the rule."""
    body = '{"name":"Priced","type":"service","pricemodel":{"base":10,"paycycle":"mon"}}'
    faithful, faithful_state = policy_emulator(tmp_path, "faithful")
    strict, strict_state = policy_emulator(tmp_path, "strict")
    try:
        response = faithful.post("/api/v3/item", content=body, headers=JSON)
        key = int(ok(response, 201)["id"])
        assert "unknown-and-read-only-fields-are-ignored" in response.headers[HEADER]
        assert ok(faithful.get(f"/api/v3/item/{key}"))["tiersets"] == []
        response = strict.post("/api/v3/item", content=body, headers=JSON)
        message = err(response, 400)
        assert response.json()["details"]["rule"] == "additionalProperties"
        assert "pricemodel" in message and "type" in message
    finally:
        faithful_state.close()
        strict_state.close()


def test_pay_method_resources_are_not_modelled(client: TestClient) -> None:
    """No source gives a `creditcard` or `ach` resource's fields or masking (spec/NOTES.md)."""
    card = {"customer_id": 1, "number": "4111111111111111", "expdate_month": 12}
    assert "not supported" in err(client.post("/api/v3/creditcard", json=card), 400)
    assert "not supported" in err(client.post("/api/v3/ach", json={"customer_id": 1}), 400)
