"""A typed Fynn client session: create a customer, read it back, list a page.

Checked by `mypy --strict` and run against the emulator in tests/client/test_client_typing.py.
By hand: `contract-kit serve --vendor fynn --port 8082` and `python examples/fynn_example.py`.
"""

from __future__ import annotations

import sys
from uuid import UUID

from fynn_client import AuthenticatedClient
from fynn_client.api.customers import create_customer, get_customer, list_customers
from fynn_client.lib import connect, paginate, unwrap
from fynn_client.models import CustomerCreate


def new_customer(client: AuthenticatedClient) -> UUID:
    """Create a customer and read it back by its id (a UUID: Fynn's ids are `format: uuid`)."""
    body = CustomerCreate(email="typed@example.com", company_name="Typed GmbH")
    created = unwrap(create_customer.sync_detailed(client=client, body=body))
    customer = unwrap(get_customer.sync_detailed(created.id, client=client))
    return customer.id


def customer_ids(client: AuthenticatedClient) -> list[UUID]:
    """Every customer's id, page after page."""
    return [customer.id for customer in paginate(list_customers.sync_detailed, client=client)]


def main(base_url: str = "http://127.0.0.1:8082") -> tuple[UUID, list[UUID]]:
    with connect(base_url, api_key="fynn-emulator-key") as client:
        return new_customer(client), customer_ids(client)


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
