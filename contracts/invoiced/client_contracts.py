"""Invoiced's generated-client contracts: every operation through `invoiced_client`, its
paginator over the `Link` pages, and model round trips.

The expectations come from the spec (the documented statuses, the schema per status, Invoiced's
rules in `contracts.invoiced.checks`); the generated client is only the thing under test. On a
target the harness does not host, the plan reads what the account has unless writes are
allowed; the statement sends run only against the emulator (they reach real people).
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable
from typing import Any

import httpx

from contracts.checks import Observation

# the generator's naming rule, written once (`getCustomer` -> `get_customer`)
from contracts.client_contracts import _snake, client_available, roundtrip_models
from contracts.invoiced import checks
from contracts.oracle import Oracle, load_oracle
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import LastRequest, curl
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["PACKAGE", "PLAN", "Call", "run_client_contracts"]

_SUITE = "client"
PACKAGE = "invoiced_client"
State = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Call:
    """One generated-client call: the operation, its arguments, the statuses the spec allows."""

    operation_id: str
    arguments: Callable[[State], dict[str, Any]]
    statuses: tuple[int, ...] = (200,)
    writes: bool = False
    # statement sends: only where the harness hosts the target
    hosted_only: bool = False
    # the request body's schema name and its JSON, from the state
    body: tuple[str, Callable[[State], Any]] | None = None
    # the state key the answer's `id` goes under
    capture: str | None = None


def _tag(state: State) -> dict[str, str]:
    return {"contracts_run": f"{state['prefix']}client"}


def _metadata_filter(state: State) -> Any:
    return _model("ListCustomersMetadataFilter").from_dict(_tag(state))


CREATED = (200, 201)  # both declared (spec/invoiced/NOTES.md, "Create status")

# In dependency order: creates, reads, updates, sends, then deletes.
PLAN: tuple[Call, ...] = (
    Call("createCustomer", lambda s: {}, CREATED, True, body=("CustomerCreate", lambda s: {
        "name": "Client contract, Inc.", "number": f"{s['prefix']}client-c",
        "address1": "1 Main St", "city": "Austin", "state": "TX", "postal_code": "78701",
        "country": "US", "metadata": _tag(s),
    }), capture="customer"),
    Call("listCustomers", lambda s: {"per_page": 5, "metadata": _metadata_filter(s)}),
    Call("retrieveCustomer", lambda s: {"id": s["customer"]}),
    Call("retrieveCustomerBalance", lambda s: {"id": s["customer"]}),
    Call("updateCustomer", lambda s: {"id": s["customer"]}, writes=True,
         body=("CustomerUpdate", lambda s: {"notes": "client contract"})),
    Call("createContact", lambda s: {"customer_id": s["customer"]}, CREATED, True,
         body=("ContactCreate", lambda s: {"name": "Ann Client", "email": "ann@example.com"}),
         capture="contact"),
    Call("listContacts", lambda s: {"customer_id": s["customer"], "per_page": 5}),
    Call("retrieveContact", lambda s: {"customer_id": s["customer"], "contact_id": s["contact"]}),
    Call("updateContact", lambda s: {"customer_id": s["customer"], "contact_id": s["contact"]},
         writes=True, body=("ContactUpdate", lambda s: {"title": "Controller"})),
    Call("sendCustomerStatementEmail", lambda s: {"id": s["customer"]}, CREATED, True, True,
         body=("StatementEmailRequest", lambda s: {})),
    Call("sendCustomerStatementText", lambda s: {"id": s["customer"]}, CREATED, True, True,
         body=("StatementTextRequest",
               lambda s: {"to": [{"phone": "+15125550100", "name": "Ann Client"}]})),
    Call("sendCustomerStatementLetter", lambda s: {"id": s["customer"]}, CREATED, True, True,
         body=("StatementLetterRequest", lambda s: {})),
    Call("deleteContact", lambda s: {"customer_id": s["customer"], "contact_id": s["contact"]},
         (204,), True),
    Call("deleteCustomer", lambda s: {"id": s["customer"]}, (204,), True),
)  # fmt: skip


def _model(name: str) -> Any:
    """A generated model class by its schema name."""
    module = importlib.import_module(f"{PACKAGE}.models.{_snake(name)}")
    return getattr(module, name)


def _operation_function(oracle: Oracle, operation_id: str) -> Callable[..., Any]:
    """`invoiced_client.api.<tag>.<operation>.sync_detailed`."""
    tag = next(
        op["tags"][0] for _, _, op in oracle.operations() if op["operationId"] == operation_id
    )
    module = importlib.import_module(f"{PACKAGE}.api.{tag}.{_snake(operation_id)}")
    function: Callable[..., Any] = module.sync_detailed
    return function


def _expected(oracle: Oracle, operation_id: str, status: int) -> set[str]:
    """What the spec says the body of `status` parses into: `Name`, `list[Name]`, `None`."""
    for _, _, operation in oracle.operations():
        if operation["operationId"] != operation_id:
            continue
        response = oracle.resolve(operation["responses"].get(str(status), {}))
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        return _shapes(oracle, schema) if schema is not None else {"None"}
    return set()


def _shapes(oracle: Oracle, schema: Any) -> set[str]:
    """The parsed shapes a (possibly referenced) schema allows."""
    ref = str(schema.get("$ref", ""))
    name = ref.rsplit("/", 1)[-1]
    resolved = oracle.resolve(schema)
    if "anyOf" in resolved:
        return set().union(*(_shapes(oracle, part) for part in resolved["anyOf"]))
    if resolved.get("type") == "array":
        return {f"list[{shape}]" for shape in _shapes(oracle, resolved["items"])}
    return {name or "object"}


def _shape(parsed: Any) -> str:
    """The shape of what the client returned."""
    if parsed is None:
        return "None"
    if isinstance(parsed, list):
        return f"list[{_shape(parsed[0])}]" if parsed else "list[*]"
    return type(parsed).__name__


def _parses_as_documented(parsed: Any, allowed: set[str]) -> bool:
    shape = _shape(parsed)
    if shape == "list[*]":
        return any(option.startswith("list[") for option in allowed)
    return shape in allowed


def _existing(http: httpx.Client, state: State) -> None:
    """On a read-only target: address the newest customer and its first contact instead."""
    answer = http.get("customers", params={"per_page": 1, "sort": "id desc"})
    records = answer.json() if answer.status_code == 200 else []
    if records:
        state["customer"] = int(records[0]["id"])
        contacts = http.get(f"customers/{state['customer']}/contacts", params={"per_page": 1})
        found = contacts.json() if contacts.status_code == 200 else []
        if found:
            state["contact"] = int(found[0]["id"])


def run_plan(target: Target, report: RunReport) -> list[str]:
    """Call every operation through the generated client; return the operation ids not run."""
    client_module = importlib.import_module(PACKAGE)
    oracle = load_oracle(target.settings.spec_path)
    http = target.client()
    last = LastRequest(http)
    client = client_module.Client(base_url=target.base_url).set_httpx_client(http)
    state: State = {"prefix": target.settings.key_prefix}
    if not target.writes_allowed:
        _existing(http, state)
    skipped = []
    for call in PLAN:
        if (call.writes and not target.writes_allowed) or (
            call.hosted_only and not target.is_emulator
        ):
            skipped.append(call.operation_id)
            continue
        try:
            kwargs = call.arguments(state)
        except KeyError:
            skipped.append(call.operation_id)  # needs an object a read-only run cannot make
            continue
        if call.body is not None:
            name, make = call.body
            kwargs["body"] = _model(name).from_dict(make(state))
        _run_call(oracle, last, client, call, kwargs, state, report)
        if call.operation_id == "listCustomers" and target.writes_allowed and "customer" in state:
            # the run's own customer exists now (and is deleted at the end of the plan)
            _run_paginate(oracle, last, client, state, report)
    return skipped


def _run_call(
    oracle: Oracle, last: LastRequest, client: Any, call: Call, kwargs: dict[str, Any],
    state: State, report: RunReport,
) -> None:  # fmt: skip
    """One call: a documented status, the documented shape, Invoiced's rules."""
    label = oracle.labels[call.operation_id]
    problems: list[tuple[str, str]] = []
    try:
        raw = _operation_function(oracle, call.operation_id)(client=client, **kwargs)
        status = int(raw.status_code)
        request = last.request
        assert request is not None
        observation = Observation.build(
            request.method, str(request.url), status, dict(raw.headers), raw.content
        )
        problems += checks.run_all(observation, oracle)
        if status not in call.statuses:
            problems.append(("client_status", f"expected HTTP {call.statuses}, got {status}: "
                                              f"{raw.content[:300]!r}"))  # fmt: skip
        allowed = _expected(oracle, call.operation_id, status)
        if allowed and not _parses_as_documented(raw.parsed, allowed):
            problems.append(
                ("client_parse", f"parsed {_shape(raw.parsed)}, spec says {sorted(allowed)}")
            )
        if not problems and call.capture is not None:
            state[call.capture] = int(raw.parsed.id)
    except Exception as exc:  # the generated client raising on a documented answer is a failure
        problems.append(("client_parse", f"{type(exc).__name__}: {exc}"))
    _record(report, label, problems, last.request, call.operation_id)


def _run_paginate(
    oracle: Oracle, last: LastRequest, client: Any, state: State, report: RunReport
) -> None:
    """The client's paginator, one record a page, sees this run's customer once, and its
    `total` is X-Total-Count."""
    lib = importlib.import_module(f"{PACKAGE}.lib")
    function = _operation_function(oracle, "listCustomers")
    problems: list[tuple[str, str]] = []
    try:
        pages = lib.paginate(function, client=client, per_page=1, metadata=_metadata_filter(state))
        ids = [int(customer.id) for customer in pages]
        if ids != [state["customer"]] or pages.total != 1:
            expected = f"[{state['customer']}] (total 1)"
            problems.append(
                ("client_paginate", f"paginate gave {ids} (total {pages.total}), not {expected}")
            )
    except Exception as exc:
        problems.append(("client_paginate", f"{type(exc).__name__}: {exc}"))
    _record(
        report,
        oracle.labels["listCustomers"],
        problems,
        last.request,
        "paginate",
        "client_paginate",
    )


def _record(
    report: RunReport, label: str, problems: list[tuple[str, str]], request: httpx.Request | None,
    what: str, *names: str,
) -> None:  # fmt: skip
    """Tally the client checks of one call and record its failures."""
    for check in names or ("client_status", "client_parse"):
        report.record(label, check, not any(name == check for name, _ in problems))
    report.examples[label] += 1
    for name, text in problems:
        report.add_failure(FailureRecord(_SUITE, label, name, f"{what} via the client", text,
                                         curl(request) if request is not None else ""))  # fmt: skip


def run_client_contracts(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """The plan and the model round trips, or a skip when the client is not installed."""
    result = SuiteResult(_SUITE)
    started = time.monotonic()
    if not client_available(PACKAGE):
        result.status = "skipped"
        result.detail = f"{PACKAGE} is not installed: run `nox -s generate`, then reinstall"
        progress.line(f"client: skipped ({result.detail})")
        return result
    before = len(report.failures)
    skipped = run_plan(target, report)
    ran = len(PLAN) - len(skipped)
    progress.line(f"client: {ran} operations through the generated Invoiced client")
    roundtrip_models(settings, report, progress, package=PACKAGE)
    result.duration = time.monotonic() - started
    result.tests = ran
    result.status = "failed" if len(report.failures) > before else "passed"
    result.detail = f"{ran} operations" + (
        f"; not run here: {', '.join(skipped)}" if skipped else ""
    )
    return result
