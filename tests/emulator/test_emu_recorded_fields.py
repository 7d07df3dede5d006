"""Fields the real API returned in recorded traffic (issue 12 item 7), and old database files.

Customer `bill_notes`, `ship_notes`, `custtype_id` and invoice `delay_datetime` are in the read
schemas, so the emulator returns them (null when unset). A database file created before they
were declared lacks their columns: start-up adds them (`Table.add_missing_columns`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from tests.emulator.conftest import make_client

CUSTOMER_FIELDS = ("bill_notes", "ship_notes", "custtype_id")
INVOICE_FIELDS = ("delay_datetime",)
LINE = {"item_id": 1, "line_rate": 10, "line_quantity": 1}


def response(reply: Any) -> Any:
    assert reply.status_code in (200, 201, 202), reply.text
    return reply.json()["response"]


def create_customer_and_invoice(client: Any, **customer: Any) -> tuple[int, int]:
    customer_id = response(client.post("/api/v3/customer", json={"company": "Rec", **customer}))
    invoice_id = response(
        client.post(
            "/api/v3/invoice", json={"customer_id": customer_id["id"], "line_items": [LINE]}
        )
    )
    return int(customer_id["id"]), int(invoice_id["id"])


def test_a_fresh_emulator_returns_the_recorded_fields_as_null(client: Any) -> None:
    customer_id, invoice_id = create_customer_and_invoice(client)
    customer = response(client.get(f"/api/v3/customer/{customer_id}"))
    [listed] = response(client.get("/api/v3/customer"))
    invoice = response(client.get(f"/api/v3/invoice/{invoice_id}"))
    [invoice_item] = response(client.get("/api/v3/invoice"))
    for field in CUSTOMER_FIELDS:
        assert field in customer and customer[field] is None, field
        assert field in listed and listed[field] is None, field
    for field in INVOICE_FIELDS:
        assert field in invoice and invoice[field] is None, field
        assert field in invoice_item and invoice_item[field] is None, field


def test_custtype_id_is_written_as_the_csharp_sdk_sends_it(client: Any) -> None:
    """The C# SDK's customer model carries `custtype_id`: stored on create and on update."""
    customer_id, _ = create_customer_and_invoice(client, custtype_id=3)
    assert response(client.get(f"/api/v3/customer/{customer_id}"))["custtype_id"] == 3
    response(client.put(f"/api/v3/customer/{customer_id}", json={"custtype_id": 4}))
    assert response(client.get(f"/api/v3/customer/{customer_id}"))["custtype_id"] == 4


@pytest.mark.parametrize("policy", ["faithful", "strict"])
def test_the_notes_and_delay_are_read_only(tmp_path: Path, policy: str) -> None:
    """No source writes them: `faithful` ignores and reports them, `strict` names the rule."""
    settings = Settings.from_env(
        {}, db=str(tmp_path / "ro.sqlite3"), rate_limit="off", validation=policy
    )
    emulator = Emulator(settings)
    try:
        client = make_client(create_app(emulator=emulator))
        customer_id, invoice_id = create_customer_and_invoice(client)
        writes = [
            (f"/api/v3/customer/{customer_id}", {"bill_notes": "x", "company": "Rec 2"}),
            (f"/api/v3/invoice/{invoice_id}", {"delay_datetime": "2025-01-01", "memo": "m"}),
        ]
        for path, body in writes:
            reply = client.put(path, json=body)
            if policy == "strict":
                assert reply.status_code == 400
                assert reply.json()["details"]["rule"] == "additionalProperties"
                continue
            assert reply.status_code == 202, reply.text
            assert (
                "accepted: unknown-and-read-only-fields-are-ignored"
                in reply.headers["X-Emulator-Violations"]
            )
            read = response(client.get(path))
            assert read.get("bill_notes") is None and read.get("delay_datetime") is None
    finally:
        emulator.close()


def drop_columns(path: Path, table: str, columns: tuple[str, ...]) -> None:
    """Make the file look as an earlier version left it: the table without `columns`."""
    with sqlite3.connect(path) as conn:
        for column in columns:
            conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def test_an_emulator_over_an_older_database_file_adds_the_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    settings = Settings.from_env({}, db=str(db), rate_limit="off")
    first = Emulator(settings)
    client = make_client(create_app(emulator=first))
    customer_id, invoice_id = create_customer_and_invoice(client, bill_city="Storrs")
    first.close()
    drop_columns(db, "customer", CUSTOMER_FIELDS)
    drop_columns(db, "invoice", INVOICE_FIELDS)

    second = Emulator(settings)
    try:
        client = make_client(create_app(emulator=second))
        customer = response(client.get(f"/api/v3/customer/{customer_id}"))
        assert customer["bill_city"] == "Storrs", "existing rows keep their data"
        assert all(customer[field] is None for field in CUSTOMER_FIELDS)
        assert response(client.get(f"/api/v3/invoice/{invoice_id}"))["delay_datetime"] is None
        assert all(item["bill_notes"] is None for item in response(client.get("/api/v3/customer")))
        # the new column is writable and sortable like any other
        response(client.put(f"/api/v3/customer/{customer_id}", json={"custtype_id": 7}))
        assert response(client.get(f"/api/v3/customer/{customer_id}"))["custtype_id"] == 7
        listed = client.get("/api/v3/customer", params={"order": "custtype_id:DESC"})
        assert [c["customer_id"] for c in response(listed)] == [customer_id]
    finally:
        second.close()
