"""A paginate() walk while other requests create and delete customers, on the real emulator over
HTTP: keyset paging yields every customer that exists throughout the walk exactly once; offset
paging skips one for each deletion behind it.

The writes happen between pages, deterministically: with prefetch=False the walk is lazy, so
taking one page of items and then writing puts the writes exactly between two of the walk's
requests. With the default prefetch the next page is already on its way when the writes happen;
the keyset guarantee holds all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

from chargeover_client.api.customers import create_customer, delete_customer, list_customers
from chargeover_client.client import Client
from chargeover_client.lib import Order, Where, connect, paginate, unwrap
from chargeover_client.models import Customer, CustomerCreate
from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, Settings
from tests.threaded_server import serve_in_thread

PAGE = 3
TOTAL = 12


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    settings = Settings.from_env(db=str(tmp_path / "walk.sqlite3"), rate_limit="off")
    with serve_in_thread(create_app(settings)) as origin:
        client = connect(f"{origin}/api/v3", username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD)
        yield client
        client.get_httpx_client().close()


def _id(customer: Customer) -> int:
    assert isinstance(customer.customer_id, int)
    return customer.customer_id


def _create(client: Client, company: str) -> int:
    created = unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(company)))
    return int(created.id)


def _delete(client: Client, customer_id: int) -> None:
    assert unwrap(delete_customer.sync_detailed(customer_id, client=client)) is True


def _walk_while_writing(
    client: Client, ids: list[int], *, keyset: bool, prefetch: bool = False
) -> list[int]:
    """Walk in pages of PAGE; after each of the first pages, delete an already-seen customer and
    one not seen yet, and create one. Returns the ids the walk yielded, in order."""
    walk = paginate(
        list_customers.sync_detailed,
        client=client,
        page_size=PAGE,
        keyset=keyset,
        prefetch=prefetch,
    )
    seen: list[int] = []
    for round_ in range(2):
        seen += [_id(c) for c in islice(walk, PAGE)]
        _delete(client, seen[-2])  # behind the walk: shifts every later offset down by one
        _delete(client, ids[-1 - round_])  # ahead of the walk: must never be yielded
        _create(client, f"Created during the walk {round_}")
    return seen + [_id(c) for c in walk]


@pytest.mark.parametrize("prefetch", [False, True])
def test_keyset_walk_neither_skips_nor_repeats_under_creates_and_deletes(
    client: Client, prefetch: bool
) -> None:
    ids = [_create(client, f"Customer {n}") for n in range(TOTAL)]
    seen = _walk_while_writing(client, ids, keyset=True, prefetch=prefetch)
    assert len(seen) == len(set(seen)), "a customer was yielded twice"
    survivors = set(ids) - {ids[-1], ids[-2]}  # deleted while ahead of the walk
    assert survivors <= set(seen), f"skipped: {sorted(survivors - set(seen))}"
    assert {ids[-1], ids[-2]}.isdisjoint(seen)
    assert seen == sorted(seen)
    # Created during the walk, after the key it had reached: those come at the end.
    assert len(seen) == len(survivors) + 2


def test_offset_walk_skips_a_customer_for_each_deletion_behind_it(client: Client) -> None:
    ids = [_create(client, f"Customer {n}") for n in range(TOTAL)]
    seen = _walk_while_writing(client, ids, keyset=False)
    skipped = set(ids) - {ids[-1], ids[-2]} - set(seen)
    # Each delete behind the walk moved the next unseen customer to an offset already passed.
    assert sorted(skipped) == [ids[PAGE], ids[2 * PAGE + 1]]


def test_keyset_walk_keeps_the_callers_where(client: Client) -> None:
    ids = [_create(client, f"{'Even' if n % 2 == 0 else 'Odd'} {n}") for n in range(TOTAL)]
    evens = Where().contains("company", "Even")
    walk = paginate(list_customers.sync_detailed, client=client, where=evens, page_size=PAGE)
    assert [_id(c) for c in walk] == ids[::2]


def test_an_order_on_another_field_pages_by_offset(client: Client) -> None:
    ids = [_create(client, f"Company {n:02d}") for n in range(TOTAL)]
    by_name = Order().desc("company")
    walk = paginate(list_customers.sync_detailed, client=client, order=by_name, page_size=PAGE)
    assert [_id(c) for c in walk] == ids[::-1]
