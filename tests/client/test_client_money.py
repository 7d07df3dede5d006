"""Issue 19 item 4: money is Decimal end to end. Amounts sent by the generated client reach the
emulator (real HTTP, uvicorn, SQLite file) and come back to the client unchanged, and the
totals the emulator computes from them are the exact decimal sums.

The specs mark money (and the quantities it is multiplied by) `format: decimal`
(spec/NOTES.md, spec/invoiced/NOTES.md): the client types them `Decimal`, sends them as JSON
numbers with their own digits and reads them back from the JSON text's digits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chargeover_client import Client
from chargeover_client.api.customers import create_customer
from chargeover_client.api.invoices import create_invoice, get_invoice
from chargeover_client.lib import connect, unwrap
from chargeover_client.models import CustomerCreate, InvoiceCreate, LineItemCreate
from chargeover_client.types import Unset, decode_json, encode_json
from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, Settings
from chargeover_emulator.emulator import Emulator
from tests.threaded_server import serve_in_thread

CENT = Decimal("0.01")
# Amounts with 2 decimals up to 99,999,999,999.99 and quantities with 2 decimals up to 9.99:
# every line total and invoice total stays within the 15 significant digits the emulator's REAL
# columns hold exactly (chargeover_emulator/protocol/amounts.py; spec/NOTES.md, "Money").
rates = st.integers(min_value=0, max_value=10**13 - 1).map(lambda cents: cents * CENT)
quantities = st.integers(min_value=1, max_value=999).map(lambda hundredths: hundredths * CENT)
lines = st.lists(st.tuples(rates, quantities), min_size=1, max_size=3)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    emulator = Emulator(Settings(db=str(tmp_path / "money.sqlite3")))
    try:
        with (
            serve_in_thread(create_app(emulator=emulator)) as url,
            connect(
                f"{url}/api/v3", username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD, retry=None
            ) as client,
        ):
            yield client
    finally:
        emulator.close()


@pytest.mark.slow
def test_invoice_amounts_round_trip_client_emulator_client(client: Client) -> None:
    customer = unwrap(
        create_customer.sync_detailed(client=client, body=CustomerCreate(company="Money"))
    ).id

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(lines)
    # 1.15 x 0.50 = 0.575: half up 0.58; round() on the double product (0.57499...) gave 0.57
    @example([(Decimal("1.15"), Decimal("0.50"))])
    def round_trip(sent: list[tuple[Decimal, Decimal]]) -> None:
        body = InvoiceCreate(
            customer_id=customer,
            line_items=[
                LineItemCreate(item_id=1, line_rate=rate, line_quantity=quantity)
                for rate, quantity in sent
            ],
        )
        key = unwrap(create_invoice.sync_detailed(client=client, body=body)).id
        invoice = unwrap(get_invoice.sync_detailed(key, client=client))
        assert not isinstance(invoice.line_items, Unset)
        read = [(line.line_rate, line.line_quantity) for line in invoice.line_items]
        assert read == sent
        assert all(isinstance(rate, Decimal) for rate, _ in read)
        # each line rounded to cents half up, then summed: exact decimal arithmetic
        line_totals = [(r * q).quantize(CENT, rounding=ROUND_HALF_UP) for r, q in sent]
        assert [line.line_total for line in invoice.line_items] == line_totals
        assert invoice.total == sum(line_totals, Decimal(0))
        assert isinstance(invoice.total, Decimal)

    round_trip()


def test_a_decimal_is_sent_as_a_json_number_with_its_digits() -> None:
    sent: list[bytes] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        body = {"code": 201, "status": "OK", "message": "", "response": {"id": 1}}
        return httpx.Response(201, json=body)

    client = connect(
        "http://x/api/v3", username="u", password="p", transport=httpx.MockTransport(server)
    )
    big = Decimal("123456789012345678901234567890.10")
    line = LineItemCreate(item_id=1, line_rate=big, line_quantity=Decimal("0.5"))
    unwrap(
        create_invoice.sync_detailed(
            client=client, body=InvoiceCreate(customer_id=1, line_items=[line])
        )
    )
    assert b'"line_rate":123456789012345678901234567890.10' in sent[0]
    assert json.loads(sent[0], parse_float=Decimal)["line_items"][0]["line_rate"] == big


@pytest.mark.parametrize(
    "text",
    ["0.1", "0.30", "19.99", "123456789012345678901234567890.10", "-0.01", "1E+2", "1.5e-7"],
)
def test_decimal_json_round_trips_its_digits(text: str) -> None:
    value = decode_json(f'{{"amount": {text}}}'.encode())["amount"]
    assert isinstance(value, Decimal) and value == Decimal(text)
    assert decode_json(encode_json({"amount": value}))["amount"] == Decimal(text)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_a_non_finite_decimal_is_not_sent(value: Decimal) -> None:
    with pytest.raises(ValueError, match="not a JSON number"):
        encode_json({"amount": value})
