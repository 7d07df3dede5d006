"""The generated client calls the item operations against the emulator (issue 12 item 8):
create an item, use it on an invoice line, list, count, get and update it."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import httpx

from chargeover_client.api.customers import create_customer
from chargeover_client.api.invoices import create_invoice, get_invoice
from chargeover_client.api.items import count_items, create_item, get_item, list_items, update_item
from chargeover_client.lib import NotFoundError, Where, acount, connect, unwrap
from chargeover_client.models import (
    CustomerCreate,
    InvoiceCreate,
    ItemCreate,
    ItemUpdate,
    LineItemCreate,
)
from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
from chargeover_emulator.emulator import Emulator

BASE = "http://emulator.test/api/v3"


def test_the_generated_client_drives_the_item_resource(tmp_path: Path) -> None:
    emulator = Emulator(Settings(db=str(tmp_path / "e.sqlite3"), rate_limit=RateLimit(0, 60.0)))
    client = connect(
        BASE,
        username=DEFAULT_USERNAME,
        password=DEFAULT_PASSWORD,
        retry=None,
        async_transport=httpx.ASGITransport(app=create_app(emulator=emulator)),
    )

    async def scenario() -> None:
        body = ItemCreate(name="Widget", units="hours", external_key="W-1")
        item_id = int(unwrap(await create_item.asyncio_detailed(client=client, body=body)).id)
        item = unwrap(await get_item.asyncio_detailed(item_id, client=client))
        assert (item.item_id, item.name, item.units, item.item_type) == (
            item_id,
            "Widget",
            "hours",
            "service",
        )
        assert item.tiersets == []

        company = CustomerCreate(company="Item Co.")
        customer = unwrap(await create_customer.asyncio_detailed(client=client, body=company))
        line = LineItemCreate(item_id=item_id, line_rate=Decimal("12.5"), line_quantity=Decimal(2))
        invoice_body = InvoiceCreate(customer_id=int(customer.id), line_items=[line])
        created = unwrap(await create_invoice.asyncio_detailed(client=client, body=invoice_body))
        invoice = unwrap(await get_invoice.asyncio_detailed(int(created.id), client=client))
        assert isinstance(invoice.line_items, list)
        [read_line] = invoice.line_items
        assert (read_line.item_id, read_line.item_name, read_line.line_total) == (
            item_id,
            "Widget",
            Decimal(25),
        )

        update = ItemUpdate(description="Two-hour widget")
        unwrap(await update_item.asyncio_detailed(item_id, client=client, body=update))
        item = unwrap(await get_item.asyncio_detailed(item_id, client=client))
        assert item.description == "Two-hour widget"

        where = str(Where().equals("external_key", "W-1"))
        listed = unwrap(await list_items.asyncio_detailed(client=client, where=where))
        assert [i.item_id for i in listed] == [item_id]
        # the five seeded items and this one
        assert await acount(count_items.asyncio_detailed, client=client) == 6
        try:
            unwrap(await get_item.asyncio_detailed(999, client=client))
        except NotFoundError as exc:
            assert exc.message == "This item does not exist."
        else:
            raise AssertionError("no NotFoundError for an unknown item")

    try:
        asyncio.run(scenario())
    finally:
        emulator.close()
