"""Vendoring proof: generated/chargeover_client, installed alone, drives the emulator.

The client is copied to a temporary folder and pip-installed into a fresh virtual environment
(so only its declared dependencies come along); a script run there, from outside the checkout,
talks to `chargeover-emulator serve` over real HTTP with signature auth.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.conftest import PRIVATE_KEY, PUBLIC_KEY
from tests.client.vendoring import clean_env, fresh_venv_with, run_script
from tests.emulator_process import EmulatorProcess

pytestmark = pytest.mark.slow

EMULATOR = Path(sys.executable).parent / "chargeover-emulator"

# Runs inside the fresh venv, from a folder outside the repository: argv = base URL, keys.
SCRIPT = textwrap.dedent(
    """
    import asyncio, importlib.util, sys
    from chargeover_client.api.customers import (
        count_customers, create_customer, delete_customer, get_customer, list_customers,
        update_customer,
    )
    from chargeover_client.lib import NotFoundError, Order, Where, connect, count, paginate, unwrap
    from chargeover_client.models import CustomerCreate, CustomerUpdate

    for name in ("chargeover_models", "chargeover_emulator", "contracts", "tests"):
        assert importlib.util.find_spec(name) is None, name + " leaked into the vendored venv"

    base_url, username, password = sys.argv[1:]
    client = connect(base_url, username=username, password=password, signature=True)

    ids = []
    for n in (1, 2, 3):
        body = CustomerCreate(company=f"Vendored {n}", external_key=f"vendored-{n}")
        ids.append(int(unwrap(create_customer.sync_detailed(client=client, body=body)).id))
    unwrap(create_customer.sync_detailed(client=client, body=CustomerCreate(company="Other")))

    customer = unwrap(get_customer.sync_detailed(ids[0], client=client))
    assert customer.company == "Vendored 1" and customer.external_key == "vendored-1", customer

    # Three matches over pages of two: paginate follows the offset to the short last page.
    vendored = Where().contains("company", "Vendored")
    listed = paginate(list_customers.sync_detailed, client=client, where=vendored,
                      order=Order().asc("customer_id"), page_size=2)
    assert [c.company for c in listed] == ["Vendored 1", "Vendored 2", "Vendored 3"]

    body = CustomerUpdate(company="Vendored 1, renamed")
    unwrap(update_customer.sync_detailed(ids[0], client=client, body=body))
    renamed = Where().equals("company", "Vendored 1, renamed")
    assert count(count_customers.sync_detailed, client=client, where=renamed) == 1
    assert count(count_customers.sync_detailed, client=client, where=vendored) == 3

    assert unwrap(delete_customer.sync_detailed(ids[1], client=client)) is True
    assert count(count_customers.sync_detailed, client=client, where=vendored) == 2
    assert count(count_customers.sync_detailed, client=client) == 3
    try:
        unwrap(get_customer.sync_detailed(ids[1], client=client))
    except NotFoundError as exc:
        assert exc.status_code == 404 and exc.message == "This customer does not exist.", exc
    else:
        raise AssertionError("no NotFoundError for a deleted customer")

    async def read_async():
        return unwrap(await get_customer.asyncio_detailed(ids[2], client=client))

    assert asyncio.run(read_async()).company == "Vendored 3"
    print("vendored client ok")
    """
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[str]:
    """The installed `chargeover-emulator serve` on a free port, fresh database; the base URL."""
    with EmulatorProcess(
        tmp_path / "db.sqlite3",
        log=tmp_path / "emulator.log",
        username=PUBLIC_KEY,
        password=PRIVATE_KEY,
        command=(str(EMULATOR), "serve"),
    ) as process:
        yield process.base_url


def test_vendored_client_installs_alone_and_drives_the_emulator(
    tmp_path: Path, emulator: str
) -> None:
    # Nothing from this repository leaks in: no PYTHONPATH, cwd outside the checkout.
    env = clean_env()
    python = fresh_venv_with("chargeover_client", tmp_path, env)
    run = run_script(python, SCRIPT, tmp_path, env, emulator, PUBLIC_KEY, PRIVATE_KEY)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "vendored client ok" in run.stdout
