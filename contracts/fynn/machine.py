"""Fynn's stateful contract: a hypothesis state machine over customers, checked against the model.

Rules create, read, update, archive and delete customers, set and remove parents, and walk the
run's customers page by page; every response also passes Fynn's response rules
(`contracts.fynn.rules`). The model (`contracts.fynn.model`) predicts each answer: the merged
fields after a PUT, an archived customer still readable and listed, the 400 for a parent the
hierarchy rules refuse, the tree `getCustomerHierarchy` shows. Every customer the machine
creates carries the run's tag (its `customerNumber` and `email` start with the run's prefix)
and every listing is narrowed to the tag with `search`, so the invariants hold on a shared
sandbox too.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from contracts.checks import ContractViolation, Observation
from contracts.fynn.model import CustomerModel
from contracts.fynn.rules import (
    check_archived,
    check_error_body,
    check_hierarchy_tree,
    check_pages_cover_totals,
    check_pagination,
    check_violations,
    page_summary,
)
from contracts.oracle import Oracle, load_oracle
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import curl
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["CustomerMachine", "machine_class", "run_model"]

_SUITE = "model"
# names of 2 to 12 characters (the create schema's minLength is 2), printable, never the tag
_NAME = st.text(alphabet=st.sampled_from("abcXYZ äöüß-'."), min_size=2, max_size=12).filter(
    lambda value: value.strip() == value and len(value) >= 2
)
#: the response rules every answer of the machine passes, by their check names
_RULES: dict[str, Callable[[Observation, Oracle], None]] = {
    "fynn_error_body": lambda obs, oracle: check_error_body(obs),
    "fynn_violations": lambda obs, oracle: check_violations(obs),
    "fynn_pagination": check_pagination,
}


class CustomerMachine(RuleBasedStateMachine):
    """The base machine; `machine_class` binds it to a target."""

    client: httpx.Client
    oracle: Oracle
    prefix: str
    writes: bool
    tally: Callable[[str, str, bool], None]
    counter = itertools.count(1)
    last_request: httpx.Request | None = None

    customers = Bundle("customers")

    def __init__(self) -> None:
        super().__init__()
        self.model = CustomerModel()
        self.instance = f"{self.prefix}{next(self.counter)}-"
        self.hierarchy = True  # until the target answers 501 (the feature flag is off)
        readable = self.oracle.schemas["Customer"]["properties"]
        self.compared = frozenset(readable)

    # -- HTTP ----------------------------------------------------------------------------------
    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request; its answer must pass every Fynn response rule."""
        response = self.client.request(method, path, **kwargs)
        type(self).last_request = response.request  # after the shrunk replay: the culprit
        obs = Observation.build(
            method, str(response.request.url), response.status_code, response.headers,
            response.content,
        )  # fmt: skip
        where = f"model {method} {path.split('/')[0] or '/'}"
        for name, rule_function in _RULES.items():
            try:
                rule_function(obs, self.oracle)
            except ContractViolation:
                self.tally(where, name, False)
                raise
            self.tally(where, name, True)
        return response

    def expect(self, response: httpx.Response, status: int, what: str) -> Any:
        """Assert the status (tallied as `model_<last word>`) and return the JSON body."""
        ok = response.status_code == status
        self.tally(f"model {what.split()[0]}", f"model_{what.split()[-1]}", ok)
        assert ok, (
            f"{what}: expected HTTP {status}, got {response.status_code}: {response.text[:300]}"
        )
        return response.json() if response.content else None

    def observed(self, response: httpx.Response) -> Observation:
        """A response as the rules see it."""
        return Observation.build(
            response.request.method, str(response.request.url), response.status_code,
            response.headers, response.content,
        )  # fmt: skip

    def assert_matches(self, record: Mapping[str, Any], customer: str) -> None:
        """A customer as read holds what the model says was written."""
        expected = self.model.get(customer)
        assert record.get("id") == customer, f"read {record.get('id')!r}, asked for {customer}"
        for field, value in expected.fields.items():
            if field in self.compared:
                assert record.get(field) == value, (
                    f"customer {customer}.{field}: {record.get(field)!r} != {value!r}"
                )
        assert record.get("status") == expected.status, (
            f"customer {customer}.status: {record.get('status')!r} != {expected.status!r}"
        )

    # -- customers -----------------------------------------------------------------------------
    @precondition(lambda self: self.writes)
    @rule(target=customers, first=_NAME, last=_NAME, company=_NAME)
    def create_customer(self, first: str, last: str, company: str) -> str:
        """POST /customers answers the customer (bare, 201); it is then readable as written."""
        number = f"{self.instance}{next(self.counter)}"
        fields = {
            "email": f"{number}@example.com",
            "customerNumber": number,
            "firstName": first,
            "lastName": last,
            "companyName": company,
            "countryCode": "DE",
        }
        created = self.expect(self.call("POST", "customers", json=fields), 201, "customer create")
        customer = str(created["id"])
        self.model.create(customer, fields)
        self.assert_matches(created, customer)
        return customer

    @precondition(lambda self: self.writes)
    @rule(customer=customers, company=_NAME, language=st.sampled_from(["de", "en"]))
    def update_customer(self, customer: str, company: str, language: str) -> None:
        """PUT merges: the fields sent change, the others keep their values (read back too)."""
        if customer not in self.model.customers:
            return
        fields = {"countryCode": "DE", "timeZone": "Europe/Berlin", "language": language,
                  "companyName": company}  # fmt: skip
        answer = self.expect(
            self.call("PUT", f"customers/{customer}", json=fields), 200, "customer update"
        )
        self.model.update(customer, fields)
        self.assert_matches(answer, customer)
        self.read_back(customer)

    @precondition(lambda self: self.writes)
    @rule(customer=customers)
    def archive_customer(self, customer: str) -> None:
        """An archive is a soft delete: still readable (STATUS_ARCHIVED), still listed."""
        if customer not in self.model.customers:
            return
        archived = self.call("PUT", f"customers/{customer}/archive")
        read_back = self.call("GET", f"customers/{customer}")
        try:
            check_archived(self.observed(archived), self.observed(read_back))
        except ContractViolation:
            self.tally("model customer", "fynn_archive_keeps", False)
            raise
        self.tally("model customer", "fynn_archive_keeps", True)
        self.model.archive(customer)
        self.assert_matches(read_back.json(), customer)

    @precondition(lambda self: self.writes)
    @rule(customer=consumes(customers))
    def delete_customer(self, customer: str) -> None:
        """DELETE (204) of a customer without children; then 404 with an error body."""
        if customer not in self.model.customers or self.model.children(customer):
            return
        self.expect(self.call("DELETE", f"customers/{customer}"), 204, "customer delete")
        self.model.delete(customer)
        self.expect(self.call("GET", f"customers/{customer}"), 404, "customer deleted")

    @rule(data=st.data())
    def get_customer(self, data: st.DataObject) -> None:
        """A customer this run wrote reads back as the model holds it."""
        if not self.model.customers:
            return
        self.read_back(data.draw(st.sampled_from(self.model.ids())))

    def read_back(self, customer: str) -> None:
        record = self.expect(self.call("GET", f"customers/{customer}"), 200, "customer get")
        self.assert_matches(record, customer)

    # -- paging --------------------------------------------------------------------------------
    @rule(limit=st.integers(1, 4))
    def walk_pages(self, limit: int) -> None:
        """Pages 1..lastPage of the run's customers hold each exactly once, as many as
        totalItems says, archived ones included; the page after the last is empty."""
        params: dict[str, Any] = {"search": self.instance, "limit": limit}
        pages = []
        number = 1
        while True:
            response = self.call("GET", "customers", params={**params, "page": number})
            self.expect(response, 200, "customer list")
            pages.append(page_summary(self.observed(response)))
            if number >= pages[0].pagination["lastPage"] or number > 100:
                break
            number += 1
        try:
            check_pages_cover_totals(pages)
        except ContractViolation:
            self.tally("model customer", "fynn_pages_cover_totals", False)
            raise
        self.tally("model customer", "fynn_pages_cover_totals", True)
        listed = sorted(item for page in pages for item in page.ids)
        assert listed == sorted(self.model.ids()), (
            f"listed {listed} != model {sorted(self.model.ids())}"
        )
        after = self.call("GET", "customers", params={**params, "page": number + 1})
        assert self.expect(after, 200, "customer list")["data"] == [], "a page past lastPage"

    # -- hierarchy -----------------------------------------------------------------------------
    @precondition(lambda self: self.writes and self.hierarchy)
    @rule(child=customers, parent=customers)
    def set_parent(self, child: str, parent: str) -> None:
        """A parent the rules allow is set (200 {id}); one they refuse is a 400 that changes
        nothing (self, archived, a cycle, more than 3 levels)."""
        if child not in self.model.customers or parent not in self.model.customers:
            return
        response = self.call(
            "PUT", f"customers/{child}/set-parent", json={"parentCustomerId": parent}
        )
        if response.status_code == 501:
            self.hierarchy = False  # the tenant's customer.hierarchy feature is off
            return
        refusal = self.model.parent_refusal(child, parent)
        if refusal is not None:
            self.expect(response, 400, f"hierarchy refused ({refusal.reason}) set-parent")
        else:
            answer = self.expect(response, 200, "hierarchy set-parent")
            assert answer.get("id") == child, (
                f"set-parent answered {answer}, not {{'id': {child!r}}}"
            )
            self.model.set_parent(child, parent)
        self.check_tree(child)

    @precondition(lambda self: self.writes and self.hierarchy)
    @rule(child=customers)
    def remove_parent(self, child: str) -> None:
        """remove-parent detaches (200 {id}); a customer without a parent stays as it is."""
        if child not in self.model.customers:
            return
        response = self.call("PUT", f"customers/{child}/remove-parent")
        if response.status_code == 501:
            self.hierarchy = False
            return
        assert self.expect(response, 200, "hierarchy remove-parent").get("id") == child
        self.model.remove_parent(child)
        self.check_tree(child)

    def check_tree(self, customer: str) -> None:
        """The hierarchy from the root and the parent's children are what the model holds."""
        root = self.model.root(customer)
        body = self.expect(
            self.call("GET", f"customers/{customer}/hierarchy"), 200, "hierarchy get"
        )
        try:
            check_hierarchy_tree(body, customer)
        except ContractViolation:
            self.tally("model hierarchy", "fynn_hierarchy", False)
            raise
        self.tally("model hierarchy", "fynn_hierarchy", True)
        assert body["root"]["id"] == root, f"root {body['root']['id']} != model {root}"
        assert _edges(body["root"]) == self.model.edges(root), (
            f"tree {sorted(_edges(body['root']))} != model {sorted(self.model.edges(root))}"
        )
        for node in [root, *self.model.children(root)]:
            children = self.expect(
                self.call("GET", f"customers/{node}/children"), 200, "hierarchy children"
            )
            listed = sorted(str(child["id"]) for child in children)
            assert listed == sorted(self.model.children(node)), (
                f"children of {node}: {listed} != model {sorted(self.model.children(node))}"
            )

    # -- read-only targets ---------------------------------------------------------------------
    @precondition(lambda self: not self.writes)
    @rule(limit=st.integers(1, 5))
    def existing(self, limit: int) -> None:
        """On a read-only target: a page of what is there; each listed customer is readable."""
        page = self.expect(
            self.call("GET", "customers", params={"limit": limit}), 200, "customer list"
        )
        for record in page["data"][:2]:
            one = self.expect(self.call("GET", f"customers/{record['id']}"), 200, "customer get")
            assert one["id"] == record["id"]

    @initialize()
    def start(self) -> None:
        """Nothing to prepare; the model starts empty."""


def _edges(node: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(parent, child) pairs of a hierarchy answer."""
    pairs: set[tuple[str, str]] = set()
    for child in node.get("children") or []:
        pairs.add((str(node["id"]), str(child["id"])))
        pairs |= _edges(child)
    return pairs


def machine_class(target: Target, report: RunReport) -> type[CustomerMachine]:
    """A machine class bound to one target and report."""
    client = target.client()
    oracle = load_oracle(target.settings.spec_path)

    return type(
        "CustomerMachine",
        (CustomerMachine,),
        {
            "client": client,
            "oracle": oracle,
            "prefix": target.settings.key_prefix,
            "writes": target.writes_allowed,
            "tally": staticmethod(report.record),
        },
    )


def run_model(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Run the machine under the profile's settings; a failure becomes a report entry."""
    result = SuiteResult(_SUITE)
    started = time.monotonic()
    machine = machine_class(target, report)
    profile = settings.profile
    hypothesis_settings = profile.hypothesis_profile(max_examples=profile.model_examples)
    hypothesis_settings = type(hypothesis_settings)(
        hypothesis_settings, stateful_step_count=profile.model_steps
    )
    progress.line(f"model: {profile.model_examples} runs of up to {profile.model_steps} steps")
    try:
        run_state_machine_as_test(machine, settings=hypothesis_settings)
        progress.line("model: passed")
    except (AssertionError, ContractViolation) as exc:
        steps = "\n".join(getattr(exc, "__notes__", []))
        request = machine.last_request
        report.add_failure(
            FailureRecord(
                suite=_SUITE,
                operation="model",
                check="model_invariant",
                title=str(exc).splitlines()[0][:200] if str(exc) else "assertion failed",
                message=f"{exc}\n\n{steps}",
                reproduction=curl(request) if request is not None else "",
            )
        )
        result.status = "failed"
        progress.line("model: FAILED")
    result.duration = time.monotonic() - started
    result.tests = profile.model_examples
    writes = "on" if target.writes_allowed else "off"
    result.detail = f"{profile.model_examples} runs x {profile.model_steps} steps, writes {writes}"
    return result
