"""Fynn's permissions: a key without `customer:write` gets 403 on every write, and nothing changes.

Every write operation of the spec (every method but GET) is sent once with a key that holds
only `customer:read`, on customers this run created with its full key. Each must answer 403
with an error body, and a snapshot of everything the write could touch (both customers as read,
with their addresses, email addresses and payment method; the run's customers as listed; the
parent's children) must be the same before and after. The read-only key must still read (a
key that is simply invalid would get 401 everywhere and prove nothing). The requests are
built per operationId; an operation the spec adds without a builder here fails the sweep, so
no write goes unchecked.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from contracts.checks import ContractViolation, Observation
from contracts.fynn.rules import check_error_body
from contracts.oracle import Oracle
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import curl

__all__ = ["FORBIDDEN", "WRITE_REQUESTS", "Fixture", "WriteRequest", "sweep", "write_operations"]

#: the matrix column of the sweep
FORBIDDEN = "fynn_forbidden_write"
_SUITE = "scopes"


@dataclasses.dataclass(frozen=True)
class Fixture:
    """What the sweep writes on, made with the full key: a customer with an address, a child of
    it (`other`), and a customer without a parent (`free`)."""

    customer: str
    other: str
    free: str
    address: str
    tag: str


@dataclasses.dataclass(frozen=True)
class WriteRequest:
    """One write as sent: method, path below the API root, JSON body (or none)."""

    method: str
    path: str
    body: Any = None


#: how each write operation of the spec is sent on the fixture
WRITE_REQUESTS: dict[str, Callable[[Fixture], WriteRequest]] = {
    "createCustomer": lambda f: WriteRequest(
        "POST",
        "customers",
        {"email": f"{f.tag}denied@example.com", "customerNumber": f"{f.tag}denied"},
    ),
    "updateCustomer": lambda f: WriteRequest(
        "PUT",
        f"customers/{f.customer}",
        {
            "countryCode": "AT",
            "timeZone": "Europe/Vienna",
            "language": "en",
            "companyName": "Denied",
        },
    ),
    "deleteCustomer": lambda f: WriteRequest("DELETE", f"customers/{f.customer}"),
    "archiveCustomer": lambda f: WriteRequest("PUT", f"customers/{f.customer}/archive"),
    "setCustomerDefaultPaymentMethod": lambda f: WriteRequest(
        "PATCH", f"customers/{f.customer}/payment-method", {"paymentMethodId": str(uuid.uuid4())}
    ),
    "addCustomerAddress": lambda f: WriteRequest(
        "POST", f"customers/{f.customer}/addresses", {"street": "Verbotene Str.", "city": "Berlin"}
    ),
    "setCustomerAddressDefault": lambda f: WriteRequest(
        "POST", f"customer-addresses/{f.address}/default"
    ),
    "createCustomerEmailAddress": lambda f: WriteRequest(
        "POST", f"customers/{f.customer}/email-addresses", {"email": f"{f.tag}denied2@example.com"}
    ),
    "setCustomerParent": lambda f: WriteRequest(
        "PUT", f"customers/{f.free}/set-parent", {"parentCustomerId": f.customer}
    ),
    "removeCustomerParent": lambda f: WriteRequest("PUT", f"customers/{f.other}/remove-parent"),
}


def write_operations(oracle: Oracle) -> list[str]:
    """Every operation of the spec that is not a GET, in document order."""
    return [str(op["operationId"]) for method, _, op in oracle.operations() if method != "GET"]


def _snapshot(client: httpx.Client, fixture: Fixture) -> dict[str, Any]:
    """Everything a forbidden write could change, as the full key reads it."""
    reads = {
        "customer": f"customers/{fixture.customer}",
        "other": f"customers/{fixture.other}",
        "free": f"customers/{fixture.free}",
        "children": f"customers/{fixture.customer}/children",
    }
    snapshot = {name: _read(client.get(path)) for name, path in reads.items()}
    snapshot["listing"] = _read(
        client.get("customers", params={"search": fixture.tag, "limit": 100})
    )
    return snapshot


def _read(response: httpx.Response) -> tuple[int, Any]:
    """A read's status and body (JSON when it is)."""
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


def _fixture(client: httpx.Client, tag: str) -> Fixture:
    """The fixture, written with the full key (remove-parent needs a parent to remove)."""
    ids = []
    for n in (1, 2, 3):
        body = {
            "email": f"{tag}{n}@example.com",
            "customerNumber": f"{tag}{n}",
            "countryCode": "DE",
        }
        response = client.post("customers", json=body)
        if response.status_code != 201:
            raise ContractViolation(
                f"the full key could not create a customer: {response.text[:200]}"
            )
        ids.append(str(response.json()["id"]))
    # two addresses of one type: the second becomes the default, so that making the first the
    # default again would be a visible change
    added = [
        client.post(f"customers/{ids[0]}/addresses", json={"street": street, "city": "Berlin"})
        for street in ("Musterstr.", "Beispielweg")
    ]
    address = added[0]
    if any(response.status_code != 201 for response in added):
        raise ContractViolation(f"the full key could not add an address: {address.text[:200]}")
    # a parent for the second customer; a tenant without the hierarchy feature answers 501
    client.put(f"customers/{ids[1]}/set-parent", json={"parentCustomerId": ids[0]})
    return Fixture(ids[0], ids[1], ids[2], str(address.json()["id"]), tag)


def sweep(
    full: httpx.Client, limited: httpx.Client, oracle: Oracle, tag: str, report: RunReport
) -> list[str]:
    """Send every write with the limited key; return what went wrong (empty: all refused)."""
    problems: list[str] = []
    fixture = _fixture(full, tag)
    readable = limited.get(f"customers/{fixture.customer}")
    if readable.status_code != 200:
        return [f"the read-only key cannot read (HTTP {readable.status_code}): it proves nothing"]
    for operation_id in write_operations(oracle):
        build = WRITE_REQUESTS.get(operation_id)
        label = f"scopes {operation_id}"
        cell = report.tally(label, FORBIDDEN)
        if build is None:
            cell.failed += 1
            problems.append(f"{operation_id}: a write the sweep has no request for")
            continue
        request = build(fixture)
        before = _snapshot(full, fixture)
        response = limited.request(request.method, request.path, json=request.body)
        after = _snapshot(full, fixture)
        obs = Observation.build(
            request.method, str(response.request.url), response.status_code,
            response.headers, response.content,
        )  # fmt: skip
        found = []
        if response.status_code != 403:
            found.append(f"HTTP {response.status_code}, not 403: {response.text[:200]}")
        else:
            try:
                check_error_body(obs)
            except ContractViolation as exc:
                found.append(str(exc))
        if before != after:
            changed = sorted(key for key in before if before[key] != after[key])
            found.append(f"the refused write changed {', '.join(changed)}")
        if found:
            cell.failed += 1
            problems.append(f"{operation_id}: " + "; ".join(found))
            report.add_failure(
                FailureRecord(
                    _SUITE,
                    label,
                    FORBIDDEN,
                    found[0][:200],
                    "; ".join(found),
                    curl(response.request),
                )
            )
        else:
            cell.passed += 1
    return problems


def run_sweep(
    full: httpx.Client,
    limited: httpx.Client | None,
    oracle: Oracle,
    tag: str,
    report: RunReport,
    progress: Progress,
) -> SuiteResult:
    """The sweep as a suite result (skipped without a read-only key)."""
    result = SuiteResult(_SUITE)
    started = time.monotonic()
    if limited is None:
        result.status = "skipped"
        result.detail = "no read-only key for the target"
        progress.line(f"scopes: skipped ({result.detail})")
        return result
    try:
        problems = sweep(full, limited, oracle, tag, report)
    except ContractViolation as exc:
        problems = [str(exc)]
    result.tests = len(write_operations(oracle))
    result.status = "failed" if problems else "passed"
    result.detail = f"{result.tests} write operations with a customer:read key"
    result.duration = time.monotonic() - started
    progress.line(f"scopes: {result.status}" + "".join(f"\n  {p}" for p in problems))
    return result
