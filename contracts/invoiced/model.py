"""Invoiced's reference model: a hypothesis state machine over customers and their contacts.

Rules create, retrieve, PATCH, delete and list (walking the `Link` pages) customers and
contacts; the model is the object as last read back, so a retrieve must equal it, a PATCH must
change exactly the fields it sends (`checks.check_patch_partial`) and a walk must cover the
model's objects once each (`checks.check_walk`). Every response also passes Invoiced's
single-response rules (`checks.run_all`). What the machine creates carries the run's prefix in
`number` and in `metadata.contracts_run`, and the customer listings it checks are filtered by
that metadata, so the invariants hold on a shared target too. Without writes, the machine only
walks and retrieves what the account already has.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
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
)

from contracts.checks import ContractViolation, Observation
from contracts.invoiced import checks
from contracts.oracle import Oracle, load_oracle
from contracts.reporting import Progress, RunReport, SuiteResult
from contracts.settings import Settings
from contracts.stateful import run_machine
from contracts.targets import Target

__all__ = ["InvoicedMachine", "machine_class", "run_model"]

_WORD = st.text(alphabet=st.sampled_from("abcXYZ019 -.'é"), min_size=1, max_size=16).filter(
    lambda value: value.strip() == value and value != ""
)
_EMAIL = st.from_regex(r"\A[a-z]{1,8}@example\.com\Z")
# the metadata key that tags this machine's customers (key at most 40 characters)
TAG = "contracts_run"
_CREATED = (200, 201)  # both declared; which one Invoiced sends is UNCONFIRMED (NOTES.md)

# fields a rule may send in a PATCH, with their values (`None` clears a nullable field)
_CUSTOMER_PATCH: dict[str, st.SearchStrategy[Any]] = {
    "name": _WORD,
    "email": st.none() | _EMAIL,
    "city": st.none() | _WORD,
    "payment_terms": st.none() | st.sampled_from(["NET 14", "NET 30", "Due on receipt"]),
    "notes": st.none() | _WORD,
    "phone": st.none() | st.from_regex(r"\A\+1[0-9]{10}\Z"),
}
_CONTACT_PATCH: dict[str, st.SearchStrategy[Any]] = {
    "name": _WORD,
    "title": st.none() | _WORD,
    "email": st.none() | _EMAIL,
    "department": st.none() | _WORD,
    "city": st.none() | _WORD,
}


class InvoicedMachine(RuleBasedStateMachine):
    """The base machine; `machine_class` binds it to a target."""

    client: httpx.Client
    oracle: Oracle
    prefix: str
    writes: bool
    tally: Callable[[str, str, bool], None]
    counter = itertools.count(1)
    last_request: httpx.Request | None = None

    customers = Bundle("customers")
    contacts = Bundle("contacts")

    def __init__(self) -> None:
        super().__init__()
        # the objects as last read back: customers by id, contacts by (customer id, id)
        self.customer_records: dict[int, dict[str, Any]] = {}
        self.contact_records: dict[tuple[int, int], dict[str, Any]] = {}
        self.instance = f"{self.prefix}{next(self.counter)}"

    # -- HTTP ----------------------------------------------------------------------------
    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request, check it against Invoiced's rules, return the response."""
        response = self.client.request(method, path, **kwargs)
        type(self).last_request = response.request
        observation = Observation.build(
            method, str(response.request.url), response.status_code, response.headers,
            response.content,
        )  # fmt: skip
        problems = checks.run_all(observation, self.oracle)
        # one row per resource, whatever form the path came in (a followed Link is absolute)
        row = "model contacts" if "/contacts" in response.request.url.path else "model customers"
        for name in ("invoiced_link_header", "invoiced_page_total", "invoiced_error_body",
                     "invoiced_delete_no_content"):  # fmt: skip
            self.tally(row, name, not any(problem[0] == name for problem in problems))
        assert not problems, "; ".join(f"{name}: {text}" for name, text in problems)
        return response

    def expect(self, response: httpx.Response, statuses: tuple[int, ...], what: str) -> Any:
        """Assert the status; return the parsed body (None for an empty one)."""
        ok = response.status_code in statuses
        self.tally(f"model {what.split()[0]}", f"model_{what.split()[-1]}", ok)
        assert ok, (
            f"{what}: expected HTTP {'/'.join(map(str, statuses))}, got "
            f"{response.status_code}: {response.text[:300]}"
        )
        return response.json() if response.content else None

    def same_record(self, what: str, read: dict[str, Any], expected: dict[str, Any]) -> None:
        """An object read back equals the model's copy."""
        differing = sorted(
            field for field in set(read) | set(expected) if read.get(field) != expected.get(field)
        )
        ok = not differing
        self.tally(f"model {what.split()[0]}", "model_read_back", ok)
        assert ok, f"{what} differs from the model in {differing}: " + "; ".join(
            f"{field}: read {read.get(field)!r}, model {expected.get(field)!r}"
            for field in differing
        )

    def number(self) -> str:
        """A fresh customer number with the run's prefix."""
        return f"{self.instance}-{next(self.counter)}"

    # -- customers ---------------------------------------------------------------------------
    @precondition(lambda self: self.writes)
    @rule(target=customers, name=_WORD, email=st.none() | _EMAIL, city=st.none() | _WORD)
    def create_customer(self, name: str, email: str | None, city: str | None) -> int:
        """POST /customers; the answer holds what was sent; a retrieve equals the answer."""
        fields: dict[str, Any] = {
            "name": name,
            "number": self.number(),
            "metadata": {TAG: self.instance},
        }
        if email is not None:
            fields["email"] = email
        if city is not None:
            fields["city"] = city
        created = self.expect(
            self.call("POST", "customers", json=fields), _CREATED, "customers create"
        )
        checks.check_patch_partial({}, fields, created)  # what was sent is what is read
        customer = int(created["id"])
        read = self.expect(self.call("GET", f"customers/{customer}"), (200,), "customers get")
        self.same_record(f"customers {customer}", read, created)
        self.customer_records[customer] = read
        return customer

    @precondition(lambda self: self.writes)
    @rule(customer=customers, data=st.data())
    def patch_customer(self, customer: int, data: st.DataObject) -> None:
        """PATCH changes exactly the fields sent, in the answer and in the next retrieve."""
        if customer not in self.customer_records:
            return
        sent = self._patch(data, _CUSTOMER_PATCH)
        self.patch_and_read_back(
            f"customers/{customer}", "customers", sent, self.customer_records, customer
        )

    @rule(customer=customers)
    def get_customer(self, customer: int) -> None:
        """A retrieve equals the object as last read (nothing changed it since)."""
        if customer not in self.customer_records:
            return
        read = self.expect(self.call("GET", f"customers/{customer}"), (200,), "customers get")
        self.same_record(f"customers {customer}", read, self.customer_records[customer])

    @precondition(lambda self: self.writes)
    @rule(customer=consumes(customers))
    def delete_customer(self, customer: int) -> None:
        """DELETE answers 204; the customer and its contacts are gone (404, the error body)."""
        if customer not in self.customer_records:
            return
        self.expect(self.call("DELETE", f"customers/{customer}"), (204,), "customers delete")
        del self.customer_records[customer]
        self.gone(f"customers/{customer}", "customer", customer)
        for key in [key for key in self.contact_records if key[0] == customer]:
            del self.contact_records[key]
            self.gone(f"customers/{customer}/contacts/{key[1]}", None, key[1])

    @precondition(lambda self: self.writes)
    @rule(per_page=st.integers(1, 4))
    def walk_customers(self, per_page: int) -> None:
        """Following `next` from page 1 of this machine's customers visits each exactly once,
        in id order, as many as X-Total-Count says, each equal to its retrieve."""
        params = {f"metadata[{TAG}]": self.instance, "sort": "id asc"}
        self._walk(
            "customers", params, per_page, {(c,): r for c, r in self.customer_records.items()}
        )

    # -- contacts ---------------------------------------------------------------------------
    @precondition(lambda self: self.writes)
    @rule(target=contacts, customer=customers, name=_WORD, email=st.none() | _EMAIL,
          primary=st.booleans())  # fmt: skip
    def create_contact(
        self, customer: int, name: str, email: str | None, primary: bool
    ) -> tuple[int, int]:
        """POST a contact under a customer; the answer holds what was sent."""
        if customer not in self.customer_records:
            return (customer, -1)
        fields: dict[str, Any] = {"name": name, "primary": primary}
        if email is not None:
            fields["email"] = email
        path = f"customers/{customer}/contacts"
        created = self.expect(self.call("POST", path, json=fields), _CREATED, "contacts create")
        checks.check_patch_partial({}, fields, created)
        contact = int(created["id"])
        read = self.expect(self.call("GET", f"{path}/{contact}"), (200,), "contacts get")
        self.same_record(f"contacts {contact}", read, created)
        self.contact_records[(customer, contact)] = read
        return (customer, contact)

    @precondition(lambda self: self.writes)
    @rule(contact=contacts, data=st.data())
    def patch_contact(self, contact: tuple[int, int], data: st.DataObject) -> None:
        """PATCH on a contact changes exactly the fields sent."""
        if contact not in self.contact_records:
            return
        sent = self._patch(data, _CONTACT_PATCH)
        path = f"customers/{contact[0]}/contacts/{contact[1]}"
        self.patch_and_read_back(path, "contacts", sent, self.contact_records, contact)

    @rule(contact=contacts)
    def get_contact(self, contact: tuple[int, int]) -> None:
        """A contact's retrieve equals the object as last read."""
        if contact not in self.contact_records:
            return
        path = f"customers/{contact[0]}/contacts/{contact[1]}"
        read = self.expect(self.call("GET", path), (200,), "contacts get")
        self.same_record(f"contacts {contact[1]}", read, self.contact_records[contact])

    @precondition(lambda self: self.writes)
    @rule(contact=consumes(contacts))
    def delete_contact(self, contact: tuple[int, int]) -> None:
        """DELETE a contact: 204; then 404; its customer's listing no longer has it."""
        if contact not in self.contact_records:
            return
        path = f"customers/{contact[0]}/contacts/{contact[1]}"
        self.expect(self.call("DELETE", path), (204,), "contacts delete")
        del self.contact_records[contact]
        self.gone(path, "contact", contact[1])

    @precondition(lambda self: self.writes)
    @rule(customer=customers, per_page=st.integers(1, 4))
    def walk_contacts(self, customer: int, per_page: int) -> None:
        """A customer's contacts, walked by `next`, are the model's, once each, in id order."""
        if customer not in self.customer_records:
            return
        mine = {(k[1],): r for k, r in self.contact_records.items() if k[0] == customer}
        self._walk(f"customers/{customer}/contacts", {"sort": "id asc"}, per_page, mine)

    # -- read-only targets ----------------------------------------------------------------
    @precondition(lambda self: not self.writes)
    @rule(per_page=st.integers(1, 5))
    def existing(self, per_page: int) -> None:
        """Without writes: the first page of customers checks out, and each listed customer's
        retrieve equals its listing."""
        response = self.call("GET", "customers", params={"per_page": per_page})
        page = self.expect(response, (200,), "customers list")
        for record in page[:2]:
            read = self.expect(
                self.call("GET", f"customers/{record['id']}"), (200,), "customers get"
            )
            self.same_record(f"customers {record['id']}", read, record)

    @initialize()
    def start(self) -> None:
        """Nothing to prepare; the model starts empty."""

    # -- shared steps ------------------------------------------------------------------------
    @staticmethod
    def _patch(data: st.DataObject, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
        """A PATCH body: some of `fields` (none at all is a valid, empty PATCH)."""
        chosen = data.draw(st.sets(st.sampled_from(sorted(fields)), max_size=3), label="fields")
        return {name: data.draw(fields[name], label=name) for name in sorted(chosen)}

    def patch_and_read_back(
        self, path: str, kind: str, sent: dict[str, Any], records: dict[Any, dict[str, Any]],
        key: Any,
    ) -> None:  # fmt: skip
        """PATCH `sent`; the answer and the next retrieve differ from before only in `sent`."""
        before = records[key]
        answer = self.expect(self.call("PATCH", path, json=sent), (200,), f"{kind} patch")
        try:
            checks.check_patch_partial(before, sent, answer)
            read = self.expect(self.call("GET", path), (200,), f"{kind} get")
            checks.check_patch_partial(before, sent, read)
            self.tally(f"model {kind}", "model_patch_partial", True)
        except ContractViolation as exc:
            self.tally(f"model {kind}", "model_patch_partial", False)
            raise AssertionError(f"PATCH {path} {sent}: {exc}") from None
        self.same_record(f"{kind} {key}", read, answer)
        records[key] = read

    def _walk(
        self, path: str, params: dict[str, Any], per_page: int,
        expected: dict[tuple[int], dict[str, Any]],
    ) -> None:  # fmt: skip
        """Walk a listing by its `next` links from page 1; compare with `expected`."""
        kind = path.split("/")[-1]
        sizes = checks.PageSize.of(self.oracle)
        pages: list[checks.LinkPage] = []
        url: str | None = path
        query: dict[str, Any] | None = {**params, "per_page": per_page}
        while url is not None:
            response = self.call("GET", url, params=query)
            self.expect(response, (200,), f"{kind} list")
            observation = Observation.build(
                "GET", str(response.request.url), 200, response.headers, response.content
            )
            page = checks.LinkPage.read(observation, sizes)
            pages.append(page)
            assert len(pages) <= len(expected) + 2, f"walking {path}: `next` never ends"
            url, query = page.links.get("next"), None
        try:
            ids = checks.check_walk(pages)
        except ContractViolation as exc:
            self.tally(f"model {kind}", "model_walk", False)
            raise AssertionError(f"walking {path} by {per_page}: {exc}") from None
        wanted = sorted(key[0] for key in expected)
        ok = ids == wanted
        self.tally(f"model {kind}", "model_walk", ok)
        assert ok, f"walking {path} by {per_page} gave ids {ids}, the model has {wanted}"
        for item in (item for page in pages for item in page.items):
            self.same_record(f"{kind} {item['id']} (listed)", item, expected[(item["id"],)])

    def gone(self, path: str, resource: str | None, object_id: int) -> None:
        """A deleted object answers 404 with the error body (and the spec's message)."""
        response = self.call("GET", path)
        body = self.expect(response, (404,), f"{path.split('/')[-2]} deleted")
        if resource is not None:
            template = self.oracle.resources[resource].not_found_message
            if template:
                expected = template.replace("{id}", str(object_id))
                assert body["message"] == expected, f"{body['message']!r} != {expected!r}"


def machine_class(target: Target, report: RunReport) -> type[InvoicedMachine]:
    """A machine class bound to one target and report."""
    oracle = load_oracle(target.settings.spec_path)

    return type(
        "InvoicedMachine",
        (InvoicedMachine,),
        {
            "client": target.client(),
            "oracle": oracle,
            "prefix": target.settings.key_prefix,
            "writes": target.writes_allowed,
            "tally": staticmethod(report.record),
        },
    )


def run_model(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Run the Invoiced machine under the profile's settings (contracts.stateful.run_machine)."""
    return run_machine(machine_class(target, report), target, settings, report, progress)
