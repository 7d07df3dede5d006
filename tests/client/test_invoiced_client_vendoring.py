"""Vendoring proof: generated/invoiced_client, installed alone, drives `contract-kit serve --vendor
invoiced` over real HTTP: create, get, paginate following Link headers (with a deepObject filter),
update (PATCH), delete, NotFoundError, and the async twin."""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.vendoring import clean_env, fresh_venv_with, run_script, served

pytestmark = pytest.mark.slow

API_KEY = "sk_vendored_7Hq2"

# Runs inside the fresh venv, from a folder outside the repository: argv = base URL, API key.
SCRIPT = textwrap.dedent(
    """
    import asyncio, importlib.util, sys
    from invoiced_client.api.customers import (
        create_customer, delete_customer, list_customers, retrieve_customer, update_customer,
    )
    from invoiced_client.lib import (
        AuthenticationError, NotFoundError, apaginate, connect, paginate, unwrap,
    )
    from invoiced_client.models import (
        CustomerCreate, CustomerUpdate, ListCustomersCustomerFilter,
    )

    for name in ("invoiced_models", "chargeover_client", "chargeover_emulator", "contracts",
                 "tests"):
        assert importlib.util.find_spec(name) is None, name + " leaked into the vendored venv"

    base_url, api_key = sys.argv[1:]
    client = connect(base_url, api_key=api_key)

    ids = []
    for n in (1, 2, 3):
        body = CustomerCreate(name=f"Vendored {n}", country="CA")
        ids.append(unwrap(create_customer.sync_detailed(client=client, body=body)).id)
    other = CustomerCreate(name="Other", country="US")
    unwrap(create_customer.sync_detailed(client=client, body=other))

    customer = unwrap(retrieve_customer.sync_detailed(ids[0], client=client))
    assert customer.name == "Vendored 1" and customer.country == "CA", customer

    # Three matches over pages of two: paginate follows rel="next" to the last page.
    canada = ListCustomersCustomerFilter(country="CA")
    pages = paginate(list_customers.sync_detailed, client=client, filter_=canada, per_page=2,
                     sort="id asc")
    assert [c.name for c in pages] == ["Vendored 1", "Vendored 2", "Vendored 3"]
    assert pages.total == 3
    everyone = paginate(list_customers.sync_detailed, client=client, per_page=3)
    assert len(list(everyone)) == 4 and everyone.total == 4

    body = CustomerUpdate(name="Vendored 1, renamed")
    renamed = unwrap(update_customer.sync_detailed(ids[0], client=client, body=body))
    assert renamed.name == "Vendored 1, renamed" and renamed.country == "CA", renamed

    assert unwrap(delete_customer.sync_detailed(ids[1], client=client)) is None
    try:
        unwrap(retrieve_customer.sync_detailed(ids[1], client=client))
    except NotFoundError as exc:
        assert exc.status_code == 404 and str(ids[1]) in exc.message, exc
    else:
        raise AssertionError("no NotFoundError for a deleted customer")
    left = paginate(list_customers.sync_detailed, client=client, filter_=canada, per_page=1)
    assert sorted(c.id for c in left) == [ids[0], ids[2]] and left.total == 2

    try:
        unwrap(retrieve_customer.sync_detailed(ids[0], client=connect(base_url, api_key="wrong")))
    except AuthenticationError as exc:
        assert exc.status_code == 401, exc
    else:
        raise AssertionError("a wrong key was accepted")

    async def read_async():
        async with client.get_async_httpx_client():
            names = [c.name async for c in apaginate(list_customers.asyncio_detailed,
                                                     client=client, filter_=canada, per_page=1)]
            one = unwrap(await retrieve_customer.asyncio_detailed(ids[2], client=client))
            return names, one

    names, one = asyncio.run(read_async())
    assert sorted(names) == ["Vendored 1, renamed", "Vendored 3"] and one.name == "Vendored 3"
    print("vendored client ok")
    """
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[str]:
    basic = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    with served(
        "invoiced",
        tmp_path,
        ready_path="/customers?per_page=1",
        headers={"Authorization": basic},
        options=("--api-key", API_KEY),
    ) as base_url:
        yield base_url


def test_vendored_client_installs_alone_and_drives_the_emulator(
    tmp_path: Path, emulator: str
) -> None:
    env = clean_env()
    python = fresh_venv_with("invoiced_client", tmp_path, env)
    run = run_script(python, SCRIPT, tmp_path, env, emulator, API_KEY)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "vendored client ok" in run.stdout
