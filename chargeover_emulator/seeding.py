"""Deterministic demo data: N customers (each with a contact) and invoices from one seed number."""

from __future__ import annotations

import random
from typing import Any

from tqdm import tqdm

from chargeover_emulator.dialect import Workbench
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.resources.catalogue import ITEMS

__all__ = ["seed"]

_COMPANIES = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
)
_SUFFIXES = ("Inc", "LLC", "Ltd", "Co", "Group")
_FIRST = ("Karli", "John", "Jane", "Keith", "David", "Maria", "Wei", "Amara", "Lars", "Priya")
_LAST = ("Marie", "Doe", "Palmer", "Smith", "Garcia", "Chen", "Okafor", "Berg", "Patel", "Rossi")
_PLACES = (
    ("Storrs", "CT", "United States"),
    ("Minneapolis", "MN", "USA"),
    ("Toronto", "ON", "Canada"),
)


def _customer(rng: random.Random, index: int) -> dict[str, Any]:
    """One customer body; the index keeps company and external_key unique."""
    city, state, country = rng.choice(_PLACES)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "company": f"{rng.choice(_COMPANIES)} {rng.choice(_SUFFIXES)} {index}",
        "external_key": f"seed-{index}",
        "bill_addr1": f"{rng.randint(1, 999)} Main Street",
        "bill_city": city,
        "bill_state": state,
        "bill_postcode": f"{rng.randint(10000, 99999)}",
        "bill_country": country,
        "superuser_name": f"{first} {last}",
        "superuser_email": f"{first.lower()}.{last.lower()}.{index}@example.com",
        "superuser_phone": f"860-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "tags": ["seed"],
    }


def _invoice(rng: random.Random, customer_id: int) -> dict[str, Any]:
    """One invoice body with one to three catalogue lines."""
    lines = [
        {"item_id": item_id, "line_rate": price, "line_quantity": rng.randint(1, 12)}
        for item_id, _name, _key, price in rng.sample(ITEMS, rng.randint(1, 3))
    ]
    return {
        "customer_id": customer_id,
        "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "line_items": lines,
    }


def seed(emulator: Workbench, seed_number: int, count: int, *, progress: bool = False) -> int:
    """Create `count` customers, each with a primary contact and 0-3 invoices, reproducibly.

    Idempotent on a persisted database: customer N is `external_key` `seed-N`, and one whose
    key is taken (by an earlier run of the seed, or ever: keys are never reused) is left as it
    is, with its invoices. Its random draws are still made, so the customers added after it are
    the ones a fresh database would get. Returns how many customers were created.
    """
    rng = random.Random(seed_number)
    customers = emulator.services["customer"]
    invoices = emulator.services.get("invoice")
    created = 0
    with emulator.database.transaction() as conn:
        for index in tqdm(
            range(1, count + 1), desc="seeding", unit="customer", disable=not progress
        ):
            # what the services draw (a contact's username) comes from a generator of its own
            # per customer, so a customer skipped draws the same as one created
            own = random.Random(f"{seed_number}:{index}")
            ctx = emulator.context(conn, ipaddr="127.0.0.1", base_url=emulator.origin, rng=own)
            body = _customer(rng, index)
            invoice_bodies = [
                _invoice(rng, 0) for _ in range(rng.randint(0, 3) if invoices is not None else 0)
            ]
            if _taken(customers, ctx, body["external_key"]):
                continue
            customer_id = customers.create(ctx, body)
            created += 1
            for invoice in invoice_bodies:
                assert invoices is not None
                invoices.create(ctx, {**invoice, "customer_id": customer_id})
    return created


def _taken(customers: Any, ctx: Any, external_key: str) -> bool:
    """Whether a customer holds (or ever held) this external_key."""
    try:
        customers.check_external_key(ctx, external_key)
    except BadRequest:
        return True
    return False
