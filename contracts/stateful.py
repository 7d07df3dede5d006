"""Stateful contracts: a hypothesis RuleBasedStateMachine checked against the reference model.

Rules create, update, get (by id, external_key and token), query, page, count, delete and run
actions on customers, users and invoices; every response also passes the ChargeOver checks.
Everything the machine creates carries the run's external_key prefix, and every listing it
checks is restricted to its own objects, so the invariants hold on a shared target too.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any, ClassVar

import httpx
from hypothesis import seed
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from contracts import checks
from contracts.oracle import Oracle, load_oracle
from contracts.reference_model import Condition, ReferenceModel, where
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import curl
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["ContractMachine", "machine_class", "run_machine", "run_model"]

# text with the characters `where` must escape, kept printable so failures read well
_TEXT = st.text(alphabet=st.sampled_from("abcXYZ019 :,\\-_.'é"), min_size=1, max_size=12).filter(
    lambda value: value.strip() == value and value.strip() != ""
)
_SUITE = "model"


class ContractMachine(RuleBasedStateMachine):
    """The base machine; `machine_class` binds it to a target."""

    client: httpx.Client
    oracle: Oracle
    prefix: str
    writes: bool
    tally: Callable[[str, str, bool], None]
    counter = itertools.count(1)
    # the requests of the latest run, kept on the class: after hypothesis replays the shrunk
    # failure, they are the failing sequence
    sent: ClassVar[list[httpx.Request]] = []

    customers = Bundle("customers")
    users = Bundle("users")
    invoices = Bundle("invoices")

    def __init__(self) -> None:
        super().__init__()
        self.model = ReferenceModel(
            {name: resource.primary_key for name, resource in self.oracle.resources.items()}
        )
        self.tokens: dict[tuple[str, int], str] = {}
        self.instance = f"{self.prefix}{next(self.counter)}-"
        type(self).sent = []

    # -- HTTP ----------------------------------------------------------------------------
    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request, check it against the ChargeOver rules, return the response."""
        response = self.client.request(method, path, **kwargs)
        type(self).sent.append(response.request)
        observation = checks.Observation.build(
            method,
            str(response.request.url),
            response.status_code,
            response.headers,
            response.content,
        )
        problems = checks.run_all(observation, self.oracle)
        for name in (
            "chargeover_envelope",
            "chargeover_enums",
            "chargeover_paging",
            "chargeover_location",
        ):
            self.tally(f"model {path.split('/')[0]}", name, not any(p[0] == name for p in problems))
        assert not problems, "; ".join(f"{name}: {text}" for name, text in problems)
        return response

    def expect(self, response: httpx.Response, status: int, what: str) -> Any:
        """Assert the status and return the envelope's `response`."""
        ok = response.status_code == status
        self.tally(f"model {what.split()[0]}", f"model_{what.split()[-1]}", ok)
        assert ok, (
            f"{what}: expected HTTP {status}, got {response.status_code}: {response.text[:300]}"
        )
        return response.json()["response"]

    def key(self) -> str:
        """A fresh external_key with the run's prefix (a `:` and `,` to exercise escaping)."""
        return f"{self.instance}k:{next(self.counter)},x"

    # -- creates ---------------------------------------------------------------------------
    @precondition(lambda self: self.writes)
    @rule(target=customers, company=_TEXT)
    def create_customer(self, company: str) -> int:
        """POST /customer, then it is retrievable."""
        fields = {"company": company, "external_key": self.key()}
        created = self.expect(self.call("POST", "customer", json=fields), 201, "customer create")
        object_id = int(created["id"])
        self.model.create("customer", object_id, fields)
        self._remember_token("customer", object_id)
        return object_id

    @precondition(lambda self: self.writes)
    @rule(target=users, customer=customers, first=_TEXT, last=_TEXT)
    def create_user(self, customer: int, first: str, last: str) -> int:
        """POST /user linked to a customer of this run."""
        if customer not in self.model.ids("customer"):
            return -1
        fields = {
            "customer_id": customer,
            "first_name": first,
            "last_name": last,
            "external_key": self.key(),
        }
        created = self.expect(self.call("POST", "user", json=fields), 201, "user create")
        object_id = int(created["id"])
        self.model.create("user", object_id, fields)
        self._remember_token("user", object_id)
        return object_id

    @precondition(lambda self: self.writes and self.is_emulator)
    @rule(target=invoices, customer=customers, rate=st.integers(1, 500), quantity=st.integers(1, 9))
    def create_invoice(self, customer: int, rate: int, quantity: int) -> int:
        """POST /invoice with one line (item 1, as in the spec's examples)."""
        if customer not in self.model.ids("customer"):
            return -1
        fields = {
            "customer_id": customer,
            "external_key": self.key(),
            "line_items": [{"item_id": 1, "line_rate": rate, "line_quantity": quantity}],
        }
        created = self.expect(self.call("POST", "invoice", json=fields), 201, "invoice create")
        object_id = int(created["id"])
        self.model.create(
            "invoice",
            object_id,
            {
                "customer_id": customer,
                "external_key": fields["external_key"],
                "total": rate * quantity,
            },
        )
        self._remember_token("invoice", object_id)
        return object_id

    def _remember_token(self, resource: str, object_id: int) -> None:
        """Read the server-assigned token (lookups by token use it)."""
        record = self.expect(self.call("GET", f"{resource}/{object_id}"), 200, f"{resource} get")
        self.tokens[(resource, object_id)] = str(record["token"])

    # -- updates and actions ---------------------------------------------------------------
    @precondition(lambda self: self.writes)
    @rule(customer=customers, company=_TEXT)
    def update_customer(self, customer: int, company: str) -> None:
        """PUT changes only the fields sent; Location names the object."""
        if customer not in self.model.ids("customer"):
            return
        result = self.expect(
            self.call("PUT", f"customer/{customer}", json={"company": company}),
            202,
            "customer update",
        )
        assert int(result["id"]) == customer
        self.model.update("customer", customer, {"company": company})
        self.read_back("customer", customer)

    @precondition(lambda self: self.writes)
    @rule(user=users, first=_TEXT)
    def update_user(self, user: int, first: str) -> None:
        """PUT on a user."""
        if user not in self.model.ids("user"):
            return
        self.expect(
            self.call("PUT", f"user/{user}", json={"first_name": first}), 202, "user update"
        )
        self.model.update("user", user, {"first_name": first})
        self.read_back("user", user)

    @precondition(lambda self: self.writes)
    @rule(customer=customers, active=st.booleans())
    def set_customer_state(self, customer: int, active: bool) -> None:
        """setActive/setInactive, then the status state follows."""
        if customer not in self.model.ids("customer"):
            return
        action = "setActive" if active else "setInactive"
        assert (
            self.expect(
                self.call("POST", f"customer/{customer}/_action/{action}", json={}),
                200,
                "customer action",
            )
            is True
        )
        record = self.expect(self.call("GET", f"customer/{customer}"), 200, "customer get")
        assert record["customer_status_state"] == ("a" if active else "i"), record[
            "customer_status_state"
        ]

    @precondition(lambda self: self.writes and self.is_emulator)
    @rule(invoice=invoices)
    def void_invoice(self, invoice: int) -> None:
        """void closes the invoice with nothing due."""
        if invoice not in self.model.ids("invoice") or self.model.get("invoice", invoice).get(
            "void"
        ):
            return
        assert (
            self.expect(
                self.call("POST", f"invoice/{invoice}/_action/void", json={}), 200, "invoice action"
            )
            is True
        )
        record = self.expect(self.call("GET", f"invoice/{invoice}"), 200, "invoice get")
        assert (
            record["invoice_status_str"] == "closed-void" and record["invoice_status_state"] == "c"
        ), record
        self.model.update("invoice", invoice, {"void": True})

    def read_back(self, resource: str, object_id: int) -> None:
        """A write acknowledged with 202 is visible to the next read."""
        record = self.expect(self.call("GET", f"{resource}/{object_id}"), 200, f"{resource} get")
        for field, value in self.model.get(resource, object_id).items():
            if field not in {"line_items", "void", "total"}:
                assert record.get(field) == value, (
                    f"{resource} {object_id}.{field} after the update: "
                    f"{record.get(field)!r} != {value!r}"
                )

    # -- reads -----------------------------------------------------------------------------
    @rule(
        data=st.data(),
        resource=st.sampled_from(["customer", "user", "invoice"]),
        how=st.sampled_from(["id", "external_key", "token"]),
    )
    def get(self, data: st.DataObject, resource: str, how: str) -> None:
        """An object this run wrote is retrievable by id, external_key and token, as written."""
        ids = self.model.ids(resource)
        if not ids:
            return
        object_id = data.draw(st.sampled_from(ids))
        expected = self.model.get(resource, object_id)
        address = {
            "id": str(object_id),
            "external_key": f"external_key:{expected['external_key']}",
            "token": f"token:{self.tokens[(resource, object_id)]}",
        }[how]
        record = self.expect(self.call("GET", f"{resource}/{address}"), 200, f"{resource} get")
        pk = self.oracle.resources[resource].primary_key
        assert int(record[pk]) == object_id, f"{address} gave {record[pk]}"
        for field, value in expected.items():
            if field in {"line_items", "void", "total"}:
                continue
            assert record.get(field) == value, (
                f"{resource} {object_id}.{field}: {record.get(field)!r} != {value!r}"
            )

    @rule(
        data=st.data(),
        resource=st.sampled_from(["customer", "user"]),
        operator=st.sampled_from(["EQUALS", "CONTAINS"]),
    )
    def query(self, data: st.DataObject, resource: str, operator: str) -> None:
        """`where` results satisfy the predicate (escaped values included) and miss nothing."""
        ids = self.model.ids(resource)
        if not ids:
            return
        field = {"customer": "company", "user": "first_name"}[resource]
        source = self.model.get(resource, data.draw(st.sampled_from(ids)))[field]
        value = source if operator == "EQUALS" else source[: max(1, len(source) // 2)]
        conditions = [
            Condition("external_key", "CONTAINS", self.instance),
            Condition(field, operator, value),
        ]
        found = self.list_all(resource, conditions)
        for record in found:
            assert all(c.holds(record) for c in conditions), (
                f"{record.get(field)!r} does not satisfy {where(conditions)}"
            )
        pk = self.oracle.resources[resource].primary_key
        expected = self.model.matching(resource, conditions)
        assert [int(r[pk]) for r in found] == expected, (
            f"where={where(conditions)}: {[r[pk] for r in found]} != {expected}"
        )
        self.tally(f"model {resource}", "model_query", True)

    @rule(data=st.data(), resource=st.sampled_from(["customer", "user", "invoice"]))
    def page(self, data: st.DataObject, resource: str) -> None:
        """Pages with random offset/limit concatenate to the full listing; _count agrees."""
        conditions = self.scope(resource)
        if conditions is None:
            return
        full = self.list_all(resource, conditions)
        pk = self.oracle.resources[resource].primary_key
        full_ids = [int(record[pk]) for record in full]
        expected = (
            self.model.matching(resource, [c for c in conditions if c.field != "external_key"])
            if resource == "invoice"
            else self.model.ids(resource)
        )
        assert full_ids == expected, f"listing {full_ids} != model {expected}"
        collected: list[int] = []
        offset = 0
        while offset <= len(full_ids):
            limit = data.draw(st.integers(1, 4), label="limit")
            params = {
                "where": where(conditions),
                "offset": offset,
                "limit": limit,
                "order": f"{pk}:ASC",
            }
            page = self.expect(self.call("GET", resource, params=params), 200, f"{resource} list")
            assert len(page) <= limit
            collected += [int(record[pk]) for record in page]
            offset += limit
        assert collected == full_ids, f"pages {collected} != listing {full_ids}"
        count = self.expect(
            self.call("GET", f"{resource}/_count", params={"where": where(conditions)}),
            200,
            f"{resource} count",
        )
        assert int(count) == len(full_ids), f"_count {count} != {len(full_ids)}"
        self.tally(f"model {resource}", "model_paging", True)

    def scope(self, resource: str) -> list[Condition] | None:
        """Conditions that select exactly this machine's objects of a resource."""
        if resource == "invoice":
            customers = self.model.ids("customer")
            return [Condition("customer_id", "EQUALS", str(customers[0]))] if customers else None
        return [Condition("external_key", "CONTAINS", self.instance)]

    def list_all(self, resource: str, conditions: list[Condition]) -> list[dict[str, Any]]:
        """The whole listing for `conditions`, in primary-key order, 500 at a time."""
        pk = self.oracle.resources[resource].primary_key
        records: list[dict[str, Any]] = []
        while True:
            params = {
                "where": where(conditions),
                "limit": self.oracle.max_limit,
                "offset": len(records),
                "order": f"{pk}:ASC",
            }
            page = self.expect(self.call("GET", resource, params=params), 200, f"{resource} list")
            records += page
            if len(page) < self.oracle.max_limit:
                return records

    # -- deletes ---------------------------------------------------------------------------
    @precondition(lambda self: self.writes)
    @rule(invoice=consumes(invoices))
    def delete_invoice(self, invoice: int) -> None:
        """DELETE, then 404 with the documented body."""
        if invoice in self.model.ids("invoice"):
            self.delete("invoice", invoice)

    @precondition(lambda self: self.writes)
    @rule(user=consumes(users))
    def delete_user(self, user: int) -> None:
        """DELETE a contact (a customer's primary contact may be refused with 400)."""
        if user not in self.model.ids("user"):
            return
        response = self.call("DELETE", f"user/{user}")
        if response.status_code == 400 and "primary contact" in response.json()["message"]:
            return
        self.expect(response, 200, "user delete")
        self.model.delete("user", user)
        self.gone("user", user)

    @precondition(lambda self: self.writes)
    @rule(customer=consumes(customers))
    def delete_customer(self, customer: int) -> None:
        """DELETE a customer without contacts or invoices."""
        if customer in self.model.ids("customer") and not self.model.children(customer):
            self.delete("customer", customer)

    def delete(self, resource: str, object_id: int) -> None:
        """DELETE answers `true`; the object is gone."""
        assert (
            self.expect(self.call("DELETE", f"{resource}/{object_id}"), 200, f"{resource} delete")
            is True
        )
        self.model.delete(resource, object_id)
        self.gone(resource, object_id)

    def gone(self, resource: str, object_id: int) -> None:
        """A deleted object gives 404 with `response: null` and the spec's message."""
        response = self.call("GET", f"{resource}/{object_id}")
        self.expect(response, 404, f"{resource} deleted")
        message = self.oracle.resources[resource].not_found_message
        assert response.json()["message"] == message, response.json()["message"]

    # -- read-only targets: check what is already there -----------------------------------
    @precondition(lambda self: not self.writes)
    @rule(resource=st.sampled_from(["customer", "user", "invoice"]), data=st.data())
    def existing(self, resource: str, data: st.DataObject) -> None:
        """On a read-only target: listed objects are retrievable; _count covers the listing."""
        pk = self.oracle.resources[resource].primary_key
        page = self.expect(
            self.call("GET", resource, params={"limit": 5, "order": f"{pk}:ASC"}),
            200,
            f"{resource} list",
        )
        for record in page[:2]:
            one = self.expect(self.call("GET", f"{resource}/{record[pk]}"), 200, f"{resource} get")
            assert one[pk] == record[pk]
            if record.get("token"):
                self.expect(
                    self.call("GET", f"{resource}/token:{record['token']}"), 200, f"{resource} get"
                )
        count = self.expect(self.call("GET", f"{resource}/_count"), 200, f"{resource} count")
        assert int(count) >= len(page)

    @initialize()
    def start(self) -> None:
        """Nothing to prepare; the model starts empty."""

    @invariant()
    def model_is_consistent(self) -> None:
        """Users and invoices in the model belong to customers the model knows (or knew)."""
        for resource in ("user", "invoice"):
            for record in self.model.objects.get(resource, {}).values():
                assert record["customer_id"] in self.model.objects.get("customer", {}) or record[
                    "customer_id"
                ] in self.model.deleted.get("customer", set())

    @property
    def is_emulator(self) -> bool:
        """Invoices need a known item id, which only the emulator guarantees."""
        return bool(getattr(self, "_is_emulator", False))


def machine_class(target: Target, report: RunReport) -> type[ContractMachine]:
    """A machine class bound to one target and report."""
    client = target.client()
    oracle = load_oracle(target.settings.spec_path)

    return type(
        "ContractMachine",
        (ContractMachine,),
        {
            "client": client,
            "oracle": oracle,
            "prefix": target.settings.key_prefix,
            "writes": target.writes_allowed,
            "tally": staticmethod(report.record),
            "_is_emulator": target.is_emulator,
        },
    )


def run_model(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Run ChargeOver's machine under the profile's settings; a failure becomes a report entry."""
    return run_machine(machine_class(target, report), target, settings, report, progress)


def run_machine(
    machine: Any, target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Run a vendor's bound machine class (with a `last_request`) under the profile's settings;
    a failure becomes a report entry with the last request as curl."""
    result = SuiteResult(_SUITE)
    started = time.monotonic()
    profile = settings.profile
    hypothesis_settings = profile.hypothesis_profile(max_examples=profile.model_examples)
    hypothesis_settings = type(hypothesis_settings)(
        hypothesis_settings, stateful_step_count=profile.model_steps
    )
    progress.line(f"model: {profile.model_examples} runs of up to {profile.model_steps} steps")
    if settings.seed is not None:
        machine = seed(settings.seed)(machine)
    try:
        run_state_machine_as_test(machine, settings=hypothesis_settings)
        progress.line("model: passed")
    except (AssertionError, Flaky) as exc:
        report.add_failure(
            FailureRecord(
                suite=_SUITE,
                operation="model",
                check="model_invariant",
                title=_first_line(_assertion(exc)),
                message=_failure_text(exc),
                reproduction=_requests_as_curl(machine),
            )
        )
        result.status = "failed"
        progress.line("model: FAILED")
    result.duration = time.monotonic() - started
    result.tests = profile.model_examples
    writes = "on" if target.writes_allowed else "off"
    result.detail = f"{profile.model_examples} runs x {profile.model_steps} steps, writes {writes}"
    return result


def _assertion(exc: BaseException) -> BaseException:
    """The assertion behind a failure: itself, or the first one a flaky failure groups."""
    if isinstance(exc, BaseExceptionGroup):
        inner = [e for e in exc.exceptions if isinstance(e, AssertionError)]
        return inner[0] if inner else exc.exceptions[0]
    return exc


def _first_line(exc: BaseException) -> str:
    """A one-line title for the report."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else f"{type(exc).__name__} (no message)"


def _failure_text(exc: BaseException) -> str:
    """The assertion text and the steps hypothesis printed, for a plain or a flaky failure.

    A flaky failure is the model failing once and passing on hypothesis' replay (before issue 19,
    a 429 did that); its assertion text used to be lost in the suite's error detail.
    """
    parts = []
    if isinstance(exc, Flaky):
        parts.append(
            f"hypothesis: the run did not repeat on replay ({type(exc).__name__}); it reported:"
        )
    cause = _assertion(exc)
    parts.append(f"{type(cause).__name__}: {cause}")
    parts += [note for error in (exc, cause) for note in getattr(error, "__notes__", [])]
    return "\n\n".join(dict.fromkeys(parts))


# a run of `model_steps` steps sends a few requests each; beyond this the head says enough
_MAX_REPRODUCTION_REQUESTS = 60


def _requests_as_curl(machine: Any) -> str:
    """The requests of the last (shrunk) failing run, in order, as curl commands (a machine
    that keeps only its `last_request`, Invoiced's and Fynn's, gives that one)."""
    sent = getattr(machine, "sent", None)
    if sent is None:
        last = getattr(machine, "last_request", None)
        sent = [last] if last is not None else []
    lines = [curl(request) for request in sent[:_MAX_REPRODUCTION_REQUESTS]]
    if len(sent) > _MAX_REPRODUCTION_REQUESTS:
        lines.append(f"# ... and {len(sent) - _MAX_REPRODUCTION_REQUESTS} more requests")
    return "\n".join(lines)
