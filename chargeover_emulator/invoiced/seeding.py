"""Deterministic demo data for Invoiced: customers, each with one to three contacts.

The same seed number writes the same rows, timestamps and generated numbers included: the
clock and the random source of the seeding context both come from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tqdm import tqdm

from chargeover_emulator.dialect import Workbench

__all__ = ["seed"]

_COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka")
_SUFFIXES = ("Inc.", "LLC", "Ltd.", "Co.")
_FIRST = ("Nancy", "Sarah", "Bob", "Jan", "Wei", "Amara", "Lars", "Priya")
_LAST = ("Talty", "Fisher", "Loblaw", "Levinson", "Chen", "Okafor", "Berg", "Patel")
_PLACES = (("Austin", "TX", "US"), ("Hill Valley", "CA", "US"), ("Toronto", "ON", "CA"))
_TERMS = ("NET 30", "NET 14", "Due on receipt", None)
#: the seeding clock: this instant, plus an hour per customer
_EPOCH = dt.datetime(2024, 1, 1, 9, 0, 0, tzinfo=dt.UTC)


def _customer(rng: random.Random, index: int) -> dict[str, Any]:
    city, state, country = rng.choice(_PLACES)
    company = f"{rng.choice(_COMPANIES)} {rng.choice(_SUFFIXES)} {index}"
    return {
        "name": company,
        "email": f"billing.{index}@example.com",
        "payment_terms": rng.choice(_TERMS),
        "address1": f"{rng.randint(1, 999)} Main St",
        "city": city,
        "state": state,
        "postal_code": f"{rng.randint(10000, 99999)}",
        "country": country,
        "currency": rng.choice(("usd", "cad", "eur")),
        "type": rng.choice(("company", "person")),
        "metadata": {"seed": str(index)} if rng.random() < 0.5 else {},
    }


def _contact(rng: random.Random, index: int, position: int) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}.{index}.{position}@example.com",
        "phone": f"+1512555{rng.randint(1000, 9999)}",
        "primary": position == 0,
        "sms_enabled": rng.random() < 0.5,
    }


def seed(emulator: Workbench, seed_number: int, count: int, *, progress: bool = False) -> None:
    """Create `count` customers with one to three contacts each, reproducibly."""
    rng = random.Random(seed_number)
    customers = emulator.services["customer"]
    contacts = emulator.services["contact"]
    with emulator.database.transaction() as conn:
        ctx = emulator.context(conn, ipaddr="127.0.0.1", base_url="http://127.0.0.1", rng=rng)
        for index in tqdm(
            range(1, count + 1), desc="seeding", unit="customer", disable=not progress
        ):
            ctx.now = _EPOCH + dt.timedelta(hours=index)
            key = customers.create(ctx, _customer(rng, index))
            ctx.parents["customer"] = key
            for position in range(rng.randint(1, 3)):
                contacts.create(ctx, _contact(rng, index, position))
