"""Deterministic Fynn demo data: customers (with addresses, email addresses, payment methods,
some children) from one seed number; the same seed gives the same ids and timestamps."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tqdm import tqdm

from chargeover_emulator.dialect import Workbench
from chargeover_emulator.fynn.customers import CustomerService

__all__ = ["seed"]

_COMPANIES = ("Musterbau", "Beispiel", "Nordlicht", "Alpen", "Rhein", "Spree", "Elbe", "Hanse")
_FORMS = ("GmbH", "AG", "KG", "UG")
_FIRST = ("Anna", "Jonas", "Lea", "Paul", "Mia", "Felix", "Emma", "Lukas")
_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker")
_CITIES = (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"), ("Köln", "50667"))
_EPOCH = dt.datetime(2024, 1, 1, 8, 0, 0, tzinfo=dt.UTC)


def _customer(rng: random.Random, index: int) -> dict[str, Any]:
    """One create body; the index keeps email and customer number unique."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    city, zip_code = rng.choice(_CITIES)
    body: dict[str, Any] = {
        "email": f"{first.lower()}.{index}@example.com",
        "firstName": first,
        "lastName": last,
        "customerNumber": f"SEED-{index:05d}",
        "street": "Hauptstraße",
        "houseNumber": str(rng.randint(1, 200)),
        "zip": zip_code,
        "city": city,
        "countryCode": "DE",
        "language": rng.choice(("de", "en")),
    }
    if rng.random() < 0.6:
        body["companyName"] = f"{rng.choice(_COMPANIES)} {rng.choice(_FORMS)}"
        body["vatId"] = f"DE{rng.randint(100000000, 999999999)}"
    return body


def seed(emulator: Workbench, seed_number: int, count: int, *, progress: bool = False) -> None:
    """Create `count` top-level customers, each with 0-2 payment methods and 0-2 children."""
    rng = random.Random(seed_number)
    customers = emulator.services["customer"]
    assert isinstance(customers, CustomerService)
    index = 0
    with emulator.database.transaction() as conn:
        ctx = emulator.context(conn, ipaddr="127.0.0.1", base_url="http://127.0.0.1", rng=rng)
        for _ in tqdm(range(count), desc="seeding", unit="customer", disable=not progress):
            index += 1
            ctx.now = _EPOCH + dt.timedelta(minutes=index)
            parent = customers.create(ctx, _customer(rng, index))
            _extras(ctx, customers, parent, rng)
            for _ in range(rng.randint(0, 2)):
                index += 1
                ctx.now = _EPOCH + dt.timedelta(minutes=index)
                child = customers.create(ctx, _customer(rng, index))
                customers.table.update(ctx.conn, child, {"parentId": parent})
                _extras(ctx, customers, child, rng)


def _extras(ctx: Any, customers: CustomerService, key: str, rng: random.Random) -> None:
    """Payment methods, and the counts that keep some customers from being deleted."""
    for _ in range(rng.randint(0, 2)):
        customers.payment_methods.add(ctx, key, rng.choice(("sepa_debit", "card", "paypal")))
    counts = {
        "invoiceCount": rng.choice((0, 0, 1, 3)),
        "activeSubscriptionCount": rng.choice((0, 0, 1)),
        "bookedPaymentCount": rng.choice((0, 0, 0, 2)),
    }
    customers.table.update(ctx.conn, key, counts)
