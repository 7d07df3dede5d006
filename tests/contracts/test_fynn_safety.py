"""Safety on a real Fynn account: read-only by default; with writes, only the run's tagged
customers (and what hangs off them) are touched, and cleanup detaches and deletes them.

The account is a mock (`httpx.MockTransport`): these tests are about what the harness sends to
a real vendor account, which is the one place the kit allows a mock.
"""

from __future__ import annotations

import itertools
import json
import uuid

import httpx
import pytest

from contracts.fynn.writes import FynnWrites
from contracts.safety import GuardedTransport, UnsafeWrite

PREFIX = "contracts-run1-"


def account(
    sent: list[str] | None = None, children: dict[str, list[dict[str, str]]] | None = None
) -> httpx.MockTransport:
    """A Fynn account that creates customers and addresses with fresh UUIDs."""
    children = children or {}
    ids = (str(uuid.UUID(int=n)) for n in itertools.count(1))

    def handler(request: httpx.Request) -> httpx.Response:
        if sent is not None:
            sent.append(f"{request.method} {request.url.path}")
        if request.method == "POST" and request.url.path.endswith(("/customers", "/addresses")):
            return httpx.Response(201, json={"id": next(ids)})
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.url.path.endswith("/children"):
            return httpx.Response(200, json=children.get(request.url.path.split("/")[2], []))
        return httpx.Response(200, json={"data": [], "meta": {}})

    return httpx.MockTransport(handler)


def client(
    transport: httpx.BaseTransport, **guard: object
) -> tuple[httpx.Client, GuardedTransport]:
    guarded = GuardedTransport(
        transport,
        sleep=lambda _: None,
        policy=FynnWrites(),
        guard_writes=True,
        **guard,  # type: ignore[arg-type]
    )
    return httpx.Client(base_url="https://acme.coreapi.io/", transport=guarded), guarded


def tagged(n: int) -> dict[str, str]:
    return {"email": f"{PREFIX}{n}@example.com", "customerNumber": f"{PREFIX}{n}"}


def test_read_only_by_default():
    http, _ = client(account())
    assert http.get("customers").status_code == 200
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        with pytest.raises(UnsafeWrite, match="read-only"):
            http.request(method, "customers", json=tagged(1))


def test_creates_must_carry_the_run_tag_in_customer_number_and_email():
    http, guarded = client(account(), allow_writes=True, key_prefix=PREFIX)
    with pytest.raises(UnsafeWrite, match="customerNumber"):
        http.post("customers", json={"email": f"{PREFIX}1@example.com"})
    with pytest.raises(UnsafeWrite, match="email"):
        http.post(
            "customers", json={"email": "someone@example.com", "customerNumber": f"{PREFIX}1"}
        )
    customer = http.post("customers", json=tagged(1)).json()["id"]
    assert guarded.cleanup.owns("customers", customer)


def test_writes_touch_only_the_runs_objects():
    http, guarded = client(account(), allow_writes=True, key_prefix=PREFIX)
    mine = http.post("customers", json=tagged(1)).json()["id"]
    other = http.post("customers", json=tagged(2)).json()["id"]
    foreign = str(uuid.uuid4())
    assert http.put(f"customers/{mine}/archive").status_code == 200
    address = http.post(f"customers/{mine}/addresses", json={"city": "Berlin"}).json()["id"]
    assert guarded.cleanup.owns("customer-addresses", address)
    assert http.post(f"customer-addresses/{address}/default").status_code == 200
    assert (
        http.put(f"customers/{mine}/set-parent", json={"parentCustomerId": other}).status_code
        == 200
    )
    for method, path in (("PUT", f"customers/{foreign}"), ("DELETE", f"customers/{foreign}"),
                         ("POST", f"customer-addresses/{uuid.uuid4()}/default")):  # fmt: skip
        with pytest.raises(UnsafeWrite, match="not an object this run created"):
            http.request(method, path, json={})
    with pytest.raises(UnsafeWrite, match="parent"):
        http.put(f"customers/{mine}/set-parent", json={"parentCustomerId": foreign})
    with pytest.raises(UnsafeWrite, match="only creates"):
        http.put("customers", json=tagged(3))


def test_cleanup_detaches_and_deletes_the_runs_customers_newest_first():
    sent: list[str] = []
    first, second = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))
    tree = {second: [{"id": first}]}  # the older customer is the newer one's child
    http, guarded = client(account(sent, tree), allow_writes=True, key_prefix=PREFIX)
    assert http.post("customers", json=tagged(1)).json()["id"] == first
    assert http.post("customers", json=tagged(2)).json()["id"] == second
    http.post(f"customers/{first}/addresses", json={"city": "Berlin"})
    sent.clear()
    assert guarded.cleanup.run(http, FynnWrites()) == []
    assert sent == [
        f"GET /customers/{second}/children", f"PUT /customers/{first}/remove-parent",
        f"PUT /customers/{second}/remove-parent", f"DELETE /customers/{second}",
        f"GET /customers/{first}/children",
        f"PUT /customers/{first}/remove-parent", f"DELETE /customers/{first}",
    ]  # fmt: skip
    # addresses go with their customer: nothing is sent for them, nothing is left over
    assert guarded.cleanup.created["customers"] == []


def test_cleanup_reports_what_it_could_not_delete():
    def refusing(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            body = {"detail": "has invoices", "violations": [{"propertyPath": "", "message": "x"}]}
            return httpx.Response(422, content=json.dumps(body))
        return httpx.Response(200, json={})

    http, guarded = client(httpx.MockTransport(refusing), allow_writes=True, key_prefix=PREFIX)
    guarded.cleanup.record("customers", "c-1")
    assert guarded.cleanup.run(http, FynnWrites()) == ["customers c-1: HTTP 422"]
    assert guarded.cleanup.owns("customers", "c-1")  # still the run's: reported, not forgotten
