"""Vendoring proof: generated/fynn_client, installed alone, drives `contract-kit serve --vendor
fynn` over real HTTP: create, read, paginate to lastPage, update (PUT), archive, a 403 for the
read-only key's write (which changes nothing) and a 422 with its violations."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.vendoring import clean_env, fresh_venv_with, run_script, served

pytestmark = pytest.mark.slow

# The fynn dialect's built-in keys (README, "Fynn"): every permission, and customer:read only.
API_KEY = "fynn-emulator-key"
READ_ONLY_KEY = "fynn-emulator-read-only-key"

# Runs inside the fresh venv, from a folder outside the repository: argv = base URL, keys.
SCRIPT = textwrap.dedent(
    """
    import asyncio, importlib.util, sys
    from fynn_client.api.customers import (
        archive_customer, create_customer, get_customer, list_customers, update_customer,
    )
    from fynn_client.lib import (
        PermissionDeniedError, ValidationError, apaginate, connect, paginate, unwrap,
    )
    from fynn_client.models import CustomerCreate, CustomerStatus, CustomerUpdate, Language

    for name in ("fynn_models", "chargeover_client", "chargeover_emulator", "contracts",
                 "tests"):
        assert importlib.util.find_spec(name) is None, name + " leaked into the vendored venv"

    base_url, api_key, read_only_key = sys.argv[1:]
    client = connect(base_url, api_key=api_key)
    reader = connect(base_url, api_key=read_only_key)

    ids = []
    for n in (1, 2, 3):
        body = CustomerCreate(email=f"vendored{n}@example.com", company_name=f"Vendored {n}")
        ids.append(unwrap(create_customer.sync_detailed(client=client, body=body)).id)
    other = CustomerCreate(email="other@example.com", company_name="Other")
    unwrap(create_customer.sync_detailed(client=client, body=other))

    customer = unwrap(get_customer.sync_detailed(ids[0], client=reader))
    assert customer.company_name == "Vendored 1", customer

    # Three matches over pages of two: paginate stops at meta.pagination.lastPage.
    pages = paginate(list_customers.sync_detailed, client=client, search="vendored", limit=2)
    assert sorted(c.company_name for c in pages) == ["Vendored 1", "Vendored 2", "Vendored 3"]
    assert pages.total == 3

    body = CustomerUpdate(country_code=customer.country_code, time_zone="Europe/Berlin",
                          language=Language.DE, company_name="Vendored 1, renamed")
    renamed = unwrap(update_customer.sync_detailed(ids[0], client=client, body=body))
    assert renamed.company_name == "Vendored 1, renamed", renamed

    archived = unwrap(archive_customer.sync_detailed(ids[1], client=client))
    assert archived.status == CustomerStatus.STATUS_ARCHIVED, archived

    try:
        unwrap(archive_customer.sync_detailed(ids[2], client=reader))
    except PermissionDeniedError as exc:
        assert exc.status_code == 403, exc
    else:
        raise AssertionError("the read-only key archived a customer")
    untouched = unwrap(get_customer.sync_detailed(ids[2], client=client))
    assert untouched.status == CustomerStatus.STATUS_ACTIVE, untouched

    try:
        bad = CustomerCreate(email="not an address", company_name="Invalid")
        unwrap(create_customer.sync_detailed(client=client, body=bad))
    except ValidationError as exc:
        assert exc.status_code == 422, exc
        assert [v.property_path for v in exc.violations] == ["email"], exc.violations
    else:
        raise AssertionError("an invalid email was accepted")

    async def read_async():
        async with client.get_async_httpx_client():
            return [c.company_name async for c in apaginate(
                list_customers.asyncio_detailed, client=client, search="vendored", limit=1)]

    assert len(asyncio.run(read_async())) == 3
    print("vendored client ok")
    """
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[str]:
    with served(
        "fynn",
        tmp_path,
        ready_path="/customers?limit=1",
        headers={"Authorization": f"Bearer {API_KEY}"},
    ) as base_url:
        yield base_url


def test_vendored_client_installs_alone_and_drives_the_emulator(
    tmp_path: Path, emulator: str
) -> None:
    env = clean_env()
    python = fresh_venv_with("fynn_client", tmp_path, env)
    run = run_script(python, SCRIPT, tmp_path, env, emulator, API_KEY, READ_ONLY_KEY)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "vendored client ok" in run.stdout
