"""Stored list renderings (storage/rendered.py) always equal what a live read renders.

The witness is black-box: every item of a list page must equal the GET-one object of the same
id restricted to the list's fields, and GET one is rendered live from the row every time. Writes
of every kind run between reads: API updates, computed fields refreshed from other tables,
actions, and a service's own UPDATE statement (a deleted parent unlinks its children). A
negative control drops the trigger and shows the witness then catches a stale page.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.storage.rendered import RENDERED_PREFIX
from tests.conftest import SPEC_PATH
from tests.emulator.conftest import FIXED_NOW, chargeover_service, make_client
from tests.emulator.test_emu_api import INVOICE_EXAMPLE, make_customer, ok

RESOURCES = {"customer": "customer_id", "user": "user_id", "invoice": "invoice_id"}


def stale_items(client: TestClient) -> list[str]:
    """Every list item that differs from the live GET-one object of the same id."""
    problems = []
    for resource, key in RESOURCES.items():
        for item in ok(client.get(f"/api/v3/{resource}", params={"limit": 500})):
            live = ok(client.get(f"/api/v3/{resource}/{item[key]}"))
            expected = {name: live.get(name) for name in item}
            if item != expected:
                changed = sorted(n for n in item if item[n] != expected[n])
                problems.append(f"{resource} {item[key]}: {changed}")
    return problems


def stored_count(emulator: Emulator, table: str) -> int:
    conn = emulator.database.connection
    sql = f'SELECT COUNT(*) FROM temp."{RENDERED_PREFIX}{table}"'
    return int(conn.execute(sql).fetchone()[0])


def exercise(client: TestClient) -> None:
    """A list read between writes of every kind, so stored renderings exist when rows change."""
    parent = make_customer(client, external_key="parent", superuser_email="p@example.com")
    child = make_customer(client, parent_customer_id=parent, bill_country="Canada")
    assert stale_items(client) == []
    ok(client.put(f"/api/v3/customer/{child}", json={"company": "Renamed", "tags": ["x"]}), 202)
    assert stale_items(client) == []
    # a customer's totals and status are refreshed from its invoices
    invoice = ok(
        client.post("/api/v3/invoice", json={**INVOICE_EXAMPLE, "customer_id": child}), 201
    )["id"]
    assert stale_items(client) == []
    ok(client.post(f"/api/v3/invoice/{invoice}/_action/void", json={}))
    ok(client.post(f"/api/v3/customer/{child}/_action/setInactive", json={}))
    assert stale_items(client) == []
    # the contact behind superuser_* changes through the user resource
    user = ok(client.get(f"/api/v3/customer/{parent}"))["superuser_id"]
    ok(client.put(f"/api/v3/user/{user}", json={"first_name": "Changed"}), 202)
    assert stale_items(client) == []
    # a customer delete unlinks children with its own UPDATE (CustomerDirectory.forget_parent)
    ok(client.delete(f"/api/v3/customer/{parent}"))
    assert ok(client.get(f"/api/v3/customer/{child}"))["parent_customer_id"] is None


def test_list_pages_match_live_reads_after_every_kind_of_write(
    client: TestClient, emulator: Emulator
) -> None:
    exercise(client)
    assert stale_items(client) == []
    assert stored_count(emulator, "customer") > 0, "list reads should have stored renderings"


def test_a_missing_trigger_would_be_caught(client: TestClient, emulator: Emulator) -> None:
    """Negative control: without the trigger a stored page goes stale and the witness says so."""
    customer = make_customer(client)
    assert stale_items(client) == []
    emulator.database.connection.execute('DROP TRIGGER "tr_customer_rendered_update"')
    ok(client.put(f"/api/v3/customer/{customer}", json={"company": "Renamed"}), 202)
    assert stale_items(client) == [f"customer {customer}: ['company', 'display_as']"]


def test_users_and_invoices_store_renderings_too(client: TestClient, emulator: Emulator) -> None:
    """Their list views leave the child arrays out, so they depend on the row alone as well."""
    customer = make_customer(client, superuser_email="a@example.com")
    ok(client.post("/api/v3/invoice", json={**INVOICE_EXAMPLE, "customer_id": customer}), 201)
    for resource in ("user", "invoice"):
        ok(client.get(f"/api/v3/{resource}"))
        assert stored_count(emulator, resource) == 1


def test_renderings_never_reach_the_database_file(
    client: TestClient, emulator: Emulator, settings: Settings
) -> None:
    """They live in the connection's TEMP database: another connection (or process) sees none."""
    make_customer(client)
    ok(client.get("/api/v3/customer"))
    assert stored_count(emulator, "customer") == 1
    with sqlite3.connect(settings.db) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]
    assert not [name for name in names if RENDERED_PREFIX in name or "rendered" in name]


def test_a_rolled_back_transaction_takes_its_renderings_with_it(
    client: TestClient, emulator: Emulator
) -> None:
    """A page rendered from uncommitted changes must not outlive their rollback."""
    customer = make_customer(client, company="Committed")
    service = chargeover_service(emulator, "customer")
    with pytest.raises(RuntimeError), emulator.database.transaction() as conn:
        ctx = emulator.context(conn, ipaddr="testclient", base_url="http://testserver")
        service.update(ctx, customer, {"company": "Uncommitted"})
        service.list(ctx, {})  # renders and stores the uncommitted company
        raise RuntimeError("the request fails after the list")
    assert [c["company"] for c in ok(client.get("/api/v3/customer"))] == ["Committed"]
    assert stale_items(client) == []


def test_renderings_are_bounded_per_resource(client: TestClient, emulator: Emulator) -> None:
    """At most max_rows are stored: what is stored stays, and the rows past it are rendered on
    every read without being stored (pages stay right either way); a deletion makes room."""
    rendered = chargeover_service(emulator, "customer")._rendered
    assert rendered is not None
    rendered.max_rows = 3
    keys = [make_customer(client, company=f"C{n}") for n in range(6)]
    listed = ok(client.get("/api/v3/customer"))
    assert [c["customer_id"] for c in listed] == keys
    assert stored_count(emulator, "customer") == 3
    conn = emulator.database.connection
    sql = f'SELECT "_emulator_row_id" FROM temp."{RENDERED_PREFIX}customer" ORDER BY 1'
    assert [row[0] for row in conn.execute(sql)] == keys[:3]
    assert [c["customer_id"] for c in ok(client.get("/api/v3/customer"))] == keys
    assert [row[0] for row in conn.execute(sql)] == keys[:3]
    ok(client.delete(f"/api/v3/customer/{keys[0]}"))
    assert [c["customer_id"] for c in ok(client.get("/api/v3/customer"))] == keys[1:]
    assert [row[0] for row in conn.execute(sql)] == keys[1:4]
    assert stale_items(client) == []


def test_an_amount_beyond_int64_renders_through_the_fallback(client: TestClient) -> None:
    """A whole amount too large for orjson (1e29) takes the standard library, stored or not."""
    customer = make_customer(client)
    big: dict[str, Any] = {
        **INVOICE_EXAMPLE,
        "customer_id": customer,
        "line_items": [{"item_id": 307, "line_rate": 1e29, "line_quantity": 1}],
    }
    ok(client.post("/api/v3/invoice", json=big), 201)
    for _ in range(2):  # first read renders and stores, the second serves the stored bytes
        # the whole float 1e29 is rendered as the integer it is, as on the live path
        assert ok(client.get("/api/v3/invoice"))[0]["total"] == int(1e29)
    assert stale_items(client) == []


def test_a_deleted_row_takes_its_rendering_with_it(client: TestClient, emulator: Emulator) -> None:
    kept, deleted = make_customer(client), make_customer(client)
    ok(client.get("/api/v3/customer"))
    assert stored_count(emulator, "customer") == 2
    ok(client.delete(f"/api/v3/customer/{deleted}"))
    assert stored_count(emulator, "customer") == 1
    assert [c["customer_id"] for c in ok(client.get("/api/v3/customer"))] == [kept]


def test_list_items_with_child_arrays_are_rendered_live(tmp_path: Path) -> None:
    """A resource whose list items carry child rows (here: invoices with line_items listed, by
    a spec edit) depends on more than its row, so it takes the live path, never a stored one."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    [invoice] = [
        schema["x-kit-resource"]
        for schema in spec["components"]["schemas"].values()
        if schema.get("x-kit-resource", {}).get("name") == "invoice"
    ]
    invoice["list-omits"] = [name for name in invoice["list-omits"] if name != "line_items"]
    edited = tmp_path / "spec.yaml"
    edited.write_text(yaml.safe_dump(spec, sort_keys=False))
    settings = Settings(
        db=str(tmp_path / "e.sqlite3"), spec_path=edited, rate_limit=RateLimit(0, 60)
    )
    emulator = Emulator(settings, clock=lambda: FIXED_NOW)
    try:
        client = make_client(create_app(emulator=emulator))
        customer = make_customer(client)
        body: dict[str, Any] = {**INVOICE_EXAMPLE, "customer_id": customer}
        key = ok(client.post("/api/v3/invoice", json=body), 201)["id"]
        assert chargeover_service(emulator, "invoice")._rendered is None
        [listed] = ok(client.get("/api/v3/invoice"))
        assert listed["line_items"] == ok(client.get(f"/api/v3/invoice/{key}"))["line_items"]
        assert len(listed["line_items"]) == len(body["line_items"])
        assert stale_items(client) == []
    finally:
        emulator.close()
