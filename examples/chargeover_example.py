"""A typed ChargeOver client session: create a customer and an invoice, read both back.

Checked by `mypy --strict` and run against the emulator in tests/client/test_client_typing.py.
By hand: `contract-kit serve --port 8080` and `python examples/chargeover_example.py`.
"""

from __future__ import annotations

import sys
from decimal import Decimal

from chargeover_client import Client
from chargeover_client.api.customers import create_customer, get_customer
from chargeover_client.api.invoices import create_invoice, get_invoice
from chargeover_client.lib import connect, unwrap
from chargeover_client.models import CustomerCreate, InvoiceCreate, LineItemCreate
from chargeover_client.types import Unset


def invoice_for_new_customer(client: Client) -> list[str]:
    """Create a customer and a two-line invoice; return the invoice's line descriptions."""
    body = CustomerCreate(company="Typed, Inc.", external_key="typed:1")
    customer_id: int = unwrap(create_customer.sync_detailed(client=client, body=body)).id
    customer = unwrap(get_customer.sync_detailed(customer_id, client=client))
    assert customer.company == "Typed, Inc."
    lines = [
        # money and quantities are Decimal (`format: decimal`): sent and read with their digits
        LineItemCreate(
            item_id=1, descrip="Setup", line_rate=Decimal("99.90"), line_quantity=Decimal(1)
        ),
        LineItemCreate(
            item_id=2,
            descrip="Support hours",
            line_rate=Decimal("80.15"),
            line_quantity=Decimal("2.5"),
        ),
    ]
    invoice_body = InvoiceCreate(customer_id=customer_id, line_items=lines)
    invoice_id: int = unwrap(create_invoice.sync_detailed(client=client, body=invoice_body)).id
    invoice = unwrap(get_invoice.sync_detailed(invoice_id, client=client))
    assert invoice.total == Decimal("300.28")  # 99.90 + 200.375 rounded half up to 200.38
    # `line_items` is `list[LineItem] | Unset`: UNSET when the response left the field out (list
    # items do), None never. Narrow it before use; `Unset` is falsy, so `or []` narrows too.
    if isinstance(invoice.line_items, Unset):
        return []
    return [line.descrip or "" for line in invoice.line_items]


def main(base_url: str = "http://127.0.0.1:8080/api/v3") -> list[str]:
    with connect(
        base_url,
        # the docs' example keys, the emulator's default credentials
        username="PjID8u5VOCfJk3iYKzTMo7emstRLnEp9",
        password="xgEWspuItV7A2D6miwZFk94dTrBLSKQO",
    ) as client:
        return invoice_for_new_customer(client)


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
