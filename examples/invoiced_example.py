"""A typed Invoiced client session: create a customer, read it back, list a page.

Checked by `mypy --strict` and run against the emulator in tests/client/test_client_typing.py.
By hand: `contract-kit serve --vendor invoiced --port 8081` and
`python examples/invoiced_example.py`.
"""

from __future__ import annotations

import sys

from invoiced_client import Client
from invoiced_client.api.customers import create_customer, list_customers, retrieve_customer
from invoiced_client.lib import connect, paginate, unwrap
from invoiced_client.models import CustomerCreate
from invoiced_client.types import Unset


def new_customer_number(client: Client) -> str:
    """Create a customer; return the number Invoiced generated for it."""
    created = unwrap(
        create_customer.sync_detailed(client=client, body=CustomerCreate(name="Typed"))
    )
    # `id` is `int | Unset` (the read schema leaves every field optional): narrow before use
    if isinstance(created.id, Unset):
        raise RuntimeError("the create answer carries no id")
    customer = unwrap(retrieve_customer.sync_detailed(created.id, client=client))
    return customer.number or ""  # `str | Unset`; Unset is falsy


def customer_ids(client: Client) -> list[int]:
    """Every customer's id, page after page."""
    customers = paginate(list_customers.sync_detailed, client=client, per_page=50)
    return [customer.id for customer in customers if not isinstance(customer.id, Unset)]


def main(base_url: str = "http://127.0.0.1:8081") -> tuple[str, list[int]]:
    with connect(base_url, api_key="invoiced-emulator-key") as client:
        return new_customer_number(client), customer_ids(client)


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
