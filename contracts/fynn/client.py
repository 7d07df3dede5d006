"""Fynn's generated-client contract: every operation through `fynn_client`, its page iterator, and
model round trips.

The expectations come from the spec (the documented status, the response schema the client must
parse into, Fynn's response rules on the raw answer); the generated client is only the thing
under test. Writes are made on customers tagged with the run's prefix, as everywhere.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
import uuid
from collections.abc import Callable
from typing import Any

from contracts.checks import ContractViolation, Observation
from contracts.fynn.rules import check_error_body, check_pagination, check_violations
from contracts.oracle import Oracle, load_oracle
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import LastRequest, curl
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["PACKAGE", "PLAN", "Step", "client_available", "run_client_contracts"]

PACKAGE = "fynn_client"
_SUITE = "client"
State = dict[str, Any]


def client_available() -> bool:
    """Whether the generated package is installed (it exists after `nox -s generate`)."""
    try:
        importlib.import_module(PACKAGE)
    except ImportError:
        return False
    return True


@dataclasses.dataclass(frozen=True)
class Step:
    """One generated-client call: the operation, its arguments, the status the spec promises,
    and the state key its answer's id is kept under."""

    operation_id: str
    arguments: Callable[[State], dict[str, Any]]
    status: int
    writes: bool = False
    body: tuple[str, Callable[[State], dict[str, Any]]] | None = None
    keep: str | None = None


def _tagged(state: State, name: str) -> dict[str, Any]:
    number = f"{state['prefix']}client-{name}"
    return {"email": f"{number}@example.com", "customerNumber": number, "countryCode": "DE"}


def _id(state: State, name: str) -> uuid.UUID:
    return uuid.UUID(str(state[name]))


# In dependency order: creates, reads, updates and actions, then deletes.
PLAN: tuple[Step, ...] = (
    Step("createCustomer", lambda s: {}, 201, True,
         ("CustomerCreate", lambda s: {**_tagged(s, "child"), "firstName": "Ada"}), "customer"),
    Step("createCustomer", lambda s: {}, 201, True,
         ("CustomerCreate", lambda s: _tagged(s, "parent")), "parent"),
    Step("listCustomers", lambda s: {"search": s["prefix"], "limit": 1}, 200),
    Step("getCustomer", lambda s: {"id": _id(s, "customer")}, 200),
    Step("updateCustomer", lambda s: {"id": _id(s, "customer")}, 200, True,
         ("CustomerUpdate", lambda s: {"countryCode": "DE", "timeZone": "Europe/Berlin",
                                       "language": "en", "companyName": "Client contract"})),
    Step("addCustomerAddress", lambda s: {"customer_id": _id(s, "customer")}, 201, True,
         ("CustomerAddressCreate", lambda s: {"street": "Musterstraße", "city": "Berlin",
                                              "type": "TYPE_INVOICE"}), "address"),
    Step("setCustomerAddressDefault", lambda s: {"id": _id(s, "address")}, 201, True),
    Step("createCustomerEmailAddress", lambda s: {"customer_id": _id(s, "customer")}, 201, True,
         ("CustomerEmailAddressCreate",
          lambda s: {"email": f"{s['prefix']}client-invoices@example.com",
                     "isInvoiceEmail": True}), "email"),
    Step("getCustomerEmailAddress", lambda s: {"id": _id(s, "email")}, 200),
    Step("setCustomerParent", lambda s: {"customer_id": _id(s, "customer")}, 200, True,
         ("SetParentCustomerRequest", lambda s: {"parentCustomerId": s["parent"]})),
    Step("listCustomerChildren", lambda s: {"customer_id": _id(s, "parent")}, 200),
    Step("getCustomerHierarchy", lambda s: {"customer_id": _id(s, "customer")}, 200),
    Step("removeCustomerParent", lambda s: {"customer_id": _id(s, "customer")}, 200, True),
    # a payment method the customer does not have: the documented 422 naming the property
    Step("setCustomerDefaultPaymentMethod", lambda s: {"id": _id(s, "customer")}, 422, True,
         ("DefaultPaymentMethodRequest", lambda s: {"paymentMethodId": str(uuid.uuid4())})),
    Step("archiveCustomer", lambda s: {"id": _id(s, "customer")}, 200, True),
    Step("deleteCustomer", lambda s: {"id": _id(s, "parent")}, 204, True),
    Step("deleteCustomer", lambda s: {"id": _id(s, "customer")}, 204, True),
)  # fmt: skip


def _snake(name: str) -> str:
    """The generator's module name (`getCustomer` -> `get_customer`)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _function(oracle: Oracle, operation_id: str) -> Callable[..., Any]:
    """`fynn_client.api.<tag>.<operation>.sync_detailed`."""
    tag = next(
        op["tags"][0] for _, _, op in oracle.operations() if op["operationId"] == operation_id
    )
    module = importlib.import_module(
        f"{PACKAGE}.api.{_snake(tag).replace('-', '_')}.{_snake(operation_id)}"
    )
    function: Callable[..., Any] = module.sync_detailed
    return function


def _model(name: str) -> Any:
    """A generated model class by its schema name."""
    return getattr(importlib.import_module(f"{PACKAGE}.models.{_snake(name)}"), name)


def _schema_name(oracle: Oracle, operation_id: str, status: int) -> str | None:
    """The component the spec says a status's body is (None: no body, or not a named object)."""
    for _, _, operation in oracle.operations():
        if operation["operationId"] == operation_id:
            response = oracle.resolve(operation["responses"].get(str(status), {}))
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            return str(schema.get("$ref", "")).rsplit("/", 1)[-1] or None
    return None


def run_plan(target: Target, report: RunReport) -> list[str]:
    """Call every operation through the generated client; return the steps not run here."""
    from fynn_client import AuthenticatedClient

    oracle = load_oracle(target.settings.spec_path)
    http = target.client()
    last = LastRequest(http)
    # the target's client carries the key and the safety transport; the token is not used
    client = AuthenticatedClient(base_url=target.base_url, token="").set_httpx_client(http)
    state: State = {"prefix": target.settings.key_prefix}
    skipped: list[str] = []
    if not target.writes_allowed:
        page = http.get("customers", params={"limit": 1}).json().get("data") or []
        state.update({"customer": page[0]["id"], "parent": page[0]["id"]} if page else {})
    for step in PLAN:
        if step.writes and not target.writes_allowed:
            skipped.append(step.operation_id)
            continue
        try:
            kwargs = step.arguments(state)
            if step.body is not None:
                kwargs["body"] = _model(step.body[0]).from_dict(step.body[1](state))
        except KeyError:  # needs an object a read-only run could not find or make
            skipped.append(step.operation_id)
            continue
        _run_step(oracle, last, client, step, kwargs, state, report)
    if target.writes_allowed:
        _walk(client, last, state, report)
    return skipped


def _run_step(
    oracle: Oracle,
    last: LastRequest,
    client: Any,
    step: Step,
    kwargs: dict[str, Any],
    state: State,
    report: RunReport,
) -> None:
    """One call: the documented status, the spec's model, Fynn's rules on the raw answer."""
    label = oracle.labels[step.operation_id]
    problems: list[tuple[str, str]] = []
    try:
        raw = _function(oracle, step.operation_id)(client=client, **kwargs)
        request = last.request
        assert request is not None
        obs = Observation.build(
            request.method, str(request.url), int(raw.status_code), dict(raw.headers), raw.content
        )
        for name, rule in (("fynn_error_body", check_error_body),
                           ("fynn_violations", check_violations),
                           ("fynn_pagination", lambda o: check_pagination(o, oracle))):  # fmt: skip
            try:
                rule(obs)
            except ContractViolation as exc:
                problems.append((name, str(exc)))
        if raw.status_code != step.status:
            text = f"expected HTTP {step.status}, got {raw.status_code}: {raw.content[:300]!r}"
            problems.append(("client_status", text))
        expected = _schema_name(oracle, step.operation_id, int(raw.status_code))
        if expected and type(raw.parsed).__name__ != expected:
            parsed = type(raw.parsed).__name__
            problems.append(("client_parse", f"parsed {parsed}, the spec says {expected}"))
        if not problems and step.keep is not None:
            state[step.keep] = str(raw.parsed.id)
    except Exception as exc:  # the generated client raising on a documented answer is a failure
        problems.append(("client_parse", f"{type(exc).__name__}: {exc}"))
    for check in ("client_status", "client_parse"):
        cell = report.tally(label, check)
        failed = any(name == check for name, _ in problems)
        cell.failed, cell.passed = cell.failed + failed, cell.passed + (not failed)
    report.examples[label] += 1
    for name, text in problems:
        reproduction = curl(last.request) if last.request is not None else ""
        report.add_failure(
            FailureRecord(_SUITE, label, name, f"{step.operation_id} via the client", text,
                          reproduction)
        )  # fmt: skip


def _walk(client: Any, last: LastRequest, state: State, report: RunReport) -> None:
    """The client's page iterator over the run's customers sees each once, totalItems of them."""
    from fynn_client.api.customers import list_customers
    from fynn_client.lib import paginate

    def customer(name: str) -> dict[str, Any]:
        return _tagged(state, name)

    made = [customer(name) for name in ("walk-1", "walk-2", "walk-3")]
    created = [client.get_httpx_client().post("customers", json=body) for body in made]
    ids = sorted(str(response.json()["id"]) for response in created)
    tag = f"{state['prefix']}client-walk-"
    pages = paginate(list_customers.sync_detailed, client=client, limit=2, search=tag)
    seen = sorted(str(item.id) for item in pages)
    cell = report.tally("GET /customers", "client_paginate")
    if seen == ids and pages.total == len(ids):
        cell.passed += 1
    else:
        cell.failed += 1
        text = f"the page iterator saw {seen} (total {pages.total}), the run made {ids}"
        reproduction = curl(last.request) if last.request is not None else ""
        report.add_failure(
            FailureRecord(
                _SUITE, "GET /customers", "client_paginate", "paginate", text, reproduction
            )
        )


def run_client_contracts(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """The client plan and the round trips, or a skip with the reason when there is no client."""
    from contracts.client_contracts import roundtrip_models

    result = SuiteResult(_SUITE)
    started = time.monotonic()
    if not client_available():
        result.status = "skipped"
        result.detail = f"{PACKAGE} is not installed: run `nox -s generate`, then reinstall"
        progress.line(f"client: skipped ({result.detail})")
        return result
    before = len(report.failures)
    skipped = run_plan(target, report)
    progress.line(f"client: {len(PLAN) - len(skipped)} calls through the generated client")
    roundtrip_models(settings, report, progress, package=PACKAGE)
    result.duration = time.monotonic() - started
    result.tests = len(PLAN) - len(skipped)
    result.status = "failed" if len(report.failures) > before else "passed"
    result.detail = f"{result.tests} calls" + (
        f"; not run here: {', '.join(skipped)}" if skipped else ""
    )
    return result
