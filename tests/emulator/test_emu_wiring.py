"""The resource services get their collaborators when built: no registry looked up at run time."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import ConfigError
from chargeover_emulator.resources.customers import CustomerService
from chargeover_emulator.resources.invoices import InvoiceService
from chargeover_emulator.resources.items import ItemService
from chargeover_emulator.resources.users import UserService
from chargeover_emulator.specdoc import SpecDocument
from tests.emulator.conftest import make_client
from tests.emulator.test_emu_api import err, make_customer, ok


def test_each_service_holds_what_it_was_built_with(emulator: Emulator) -> None:
    customers = emulator.services["customer"]
    users = emulator.services["user"]
    invoices = emulator.services["invoice"]
    items = emulator.services["item"]
    assert isinstance(items, ItemService)
    assert isinstance(customers, CustomerService)
    assert isinstance(users, UserService)
    assert isinstance(invoices, InvoiceService)
    directory = customers.directory
    assert customers.contacts is users and customers.invoices is invoices
    assert users.customers is directory and invoices.customers is directory
    # invoice lines ask the item service, the item table's one owner
    assert invoices.lines.items is items
    # one table object per table: the directory reads the very tables their owners write
    assert directory.table is customers.table
    assert directory.contacts is users.table and directory.invoices is invoices.table
    assert not any(hasattr(service, "services") for service in emulator.services.values())


def test_a_spec_without_invoices_serves_customers_and_users(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    load = SpecDocument.load

    def without_invoices(path: Path) -> SpecDocument:
        # load() shares one parsed document per process: change a copy, never the shared one
        document = copy.copy(load(path))
        document.resources = {k: v for k, v in document.resources.items() if k != "invoice"}
        return document

    monkeypatch.setattr(SpecDocument, "load", staticmethod(without_invoices))
    emulator = Emulator(settings)
    try:
        assert set(emulator.services) == {"customer", "user", "item"}
        customers = emulator.services["customer"]
        assert isinstance(customers, CustomerService) and customers.invoices is None
        client = make_client(create_app(emulator=emulator))
        key = make_customer(client, superuser_email="a@example.com")
        assert ok(client.get(f"/api/v3/customer/{key}"))["total"] == 0
        ok(client.delete(f"/api/v3/customer/{key}"))
        err(client.get(f"/api/v3/customer/{key}"), 404)
    finally:
        emulator.close()


def test_a_spec_with_invoices_but_no_items_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    load = SpecDocument.load

    def without_items(path: Path) -> SpecDocument:
        document = copy.copy(load(path))
        document.resources = {k: v for k, v in document.resources.items() if k != "item"}
        return document

    monkeypatch.setattr(SpecDocument, "load", staticmethod(without_items))
    with pytest.raises(ConfigError, match="item"):
        Emulator(settings)


def test_deleting_a_customer_removes_its_invoices_with_their_lines_and_payments(
    client: TestClient, emulator: Emulator
) -> None:
    customer = make_customer(client)
    body = {"customer_id": customer, "line_items": [{"item_id": 307}]}
    paid = int(ok(client.post("/api/v3/invoice", json=body), 201)["id"])
    card = {"number": "4111111111111111", "expdate_year": "2030", "expdate_month": "12"}
    assert ok(client.post(f"/api/v3/invoice/{paid}/_action/pay", json=card)) is True
    schedule = {"schedule": [{"date": "2030-01-01", "amount": 1}]}
    void = int(ok(client.post("/api/v3/invoice", json=body), 201)["id"])
    assert ok(client.post(f"/api/v3/invoice/{void}/_action/schedule", json=schedule)) is True
    assert ok(client.post(f"/api/v3/invoice/{void}/_action/void")) is True
    ok(client.delete(f"/api/v3/customer/{customer}"))
    conn = emulator.database.connection
    for table in ("invoice", "line_item", "payment", "scheduled_payment"):
        left = conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE invoice_id IN (?, ?)", [paid, void]
        ).fetchone()[0]
        assert left == 0, table
