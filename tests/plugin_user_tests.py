"""Users' test files for the pytest plugin, one per vendor: each uses only the plugin's fixtures
(create, get, list, one of the vendor's errors, the generated client). Run by
tests/test_pytest_plugin.py (pytester, the checkout) and tests/test_pytest_plugin_fresh_venv.py
(a fresh venv with the project installed, from outside the checkout)."""

from __future__ import annotations

CHARGEOVER = """
import pytest

pytestmark = pytest.mark.emulator(vendor="chargeover")


def test_create_get_list(emulator_http):
    created = emulator_http.post("customer", json={"company": "Acme"})
    assert created.status_code == 201
    customer_id = created.json()["response"]["id"]
    assert emulator_http.get(f"customer/{customer_id}").json()["response"]["company"] == "Acme"
    listed = emulator_http.get("customer").json()["response"]
    assert [c["company"] for c in listed] == ["Acme"]


def test_a_vendor_error(emulator_http):
    answer = emulator_http.get("customer/999")
    assert answer.status_code == 404
    assert answer.json()["status"] == "Error" and answer.json()["code"] == 404


def test_the_generated_client(emulator_client):
    from chargeover_client.api.customers import create_customer, get_customer
    from chargeover_client.lib import NotFoundError, unwrap
    from chargeover_client.models import CustomerCreate

    made = unwrap(create_customer.sync_detailed(client=emulator_client,
                                                body=CustomerCreate(company="Gen")))
    assert unwrap(get_customer.sync_detailed(made.id, client=emulator_client)).company == "Gen"
    with pytest.raises(NotFoundError):
        unwrap(get_customer.sync_detailed(999, client=emulator_client))
"""

INVOICED = """
import pytest

pytestmark = pytest.mark.emulator(vendor="invoiced")


def test_create_get_list(emulator_http, emulator_url):
    assert not emulator_url.endswith("/")
    created = emulator_http.post("customers", json={"name": "Acme", "country": "CA"})
    assert created.status_code == 201
    customer_id = created.json()["id"]
    assert emulator_http.get(f"customers/{customer_id}").json()["name"] == "Acme"
    listed = emulator_http.get("customers")
    assert [c["name"] for c in listed.json()] == ["Acme"]
    assert listed.headers["X-Total-Count"] == "1"


def test_every_test_starts_with_no_data(emulator_http):
    assert emulator_http.get("customers").json() == []


def test_a_vendor_error(emulator_http):
    answer = emulator_http.get("customers/999")
    assert answer.status_code == 404
    assert answer.json()["type"] == "invalid_request"


def test_the_credentials_for_the_users_own_client(emulator_url, emulator_credentials):
    import httpx

    assert httpx.get(f"{emulator_url}/customers", auth=emulator_credentials).status_code == 200
    assert httpx.get(f"{emulator_url}/customers", auth=("wrong", "")).status_code == 401


def test_the_generated_client(emulator_client):
    from invoiced_client.api.customers import create_customer, list_customers, retrieve_customer
    from invoiced_client.lib import NotFoundError, paginate, unwrap
    from invoiced_client.models import CustomerCreate

    made = unwrap(create_customer.sync_detailed(client=emulator_client,
                                                body=CustomerCreate(name="Gen", country="US")))
    read = unwrap(retrieve_customer.sync_detailed(made.id, client=emulator_client))
    assert read.name == "Gen"
    assert [c.name for c in paginate(list_customers.sync_detailed, client=emulator_client)] == [
        "Gen"
    ]
    with pytest.raises(NotFoundError):
        unwrap(retrieve_customer.sync_detailed(made.id + 1000, client=emulator_client))
"""

FYNN = """
import pytest

pytestmark = pytest.mark.emulator(vendor="fynn")
ACME = {"email": "billing@acme.example", "companyName": "Acme"}


def test_create_get_list(emulator_http):
    created = emulator_http.post("customers", json=ACME)
    assert created.status_code == 201
    customer_id = created.json()["id"]
    assert emulator_http.get(f"customers/{customer_id}").json()["companyName"] == "Acme"
    listed = emulator_http.get("customers").json()
    assert [c["companyName"] for c in listed["data"]] == ["Acme"]


def test_every_test_starts_with_no_data(emulator_http):
    assert emulator_http.get("customers").json()["data"] == []


def test_a_vendor_error(emulator_http):
    answer = emulator_http.post("customers", json={**ACME, "email": "not an address"})
    assert answer.status_code == 422
    assert [v["propertyPath"] for v in answer.json()["violations"]] == ["email"]


@pytest.mark.emulator(credentials="read-only")
def test_the_read_only_key_may_read_but_not_write(emulator_http, emulator):
    assert emulator_http.get("customers").status_code == 200
    assert emulator_http.post("customers", json=ACME).status_code == 403
    assert set(emulator.named_credentials) == {"default", "read-only"}


@pytest.mark.emulator(credentials="read-only")
def test_the_read_only_key_in_the_generated_client(emulator_client):
    from fynn_client.api.customers import create_customer
    from fynn_client.lib import PermissionDeniedError, unwrap
    from fynn_client.models import CustomerCreate

    body = CustomerCreate(email="x@example.com", company_name="X")
    with pytest.raises(PermissionDeniedError):
        unwrap(create_customer.sync_detailed(client=emulator_client, body=body))


def test_the_generated_client(emulator_client):
    from fynn_client.api.customers import create_customer, get_customer, list_customers
    from fynn_client.lib import NotFoundError, paginate, unwrap
    from fynn_client.models import CustomerCreate

    body = CustomerCreate(email="gen@example.com", company_name="Gen")
    made = unwrap(create_customer.sync_detailed(client=emulator_client, body=body))
    assert unwrap(get_customer.sync_detailed(made.id, client=emulator_client)).company_name == "Gen"
    assert [c.company_name for c in paginate(list_customers.sync_detailed,
                                             client=emulator_client)] == ["Gen"]
    with pytest.raises(NotFoundError):
        unwrap(get_customer.sync_detailed("00000000-0000-4000-8000-000000000000",
                                          client=emulator_client))
"""

#: file name -> (source, tests in it): every one passes
USER_TEST_FILES = {
    "test_chargeover_user": (CHARGEOVER, 3),
    "test_invoiced_user": (INVOICED, 5),
    "test_fynn_user": (FYNN, 6),
}
