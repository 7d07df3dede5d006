"""Proof that each Invoiced check can fail: a deliberately broken emulator variant per rule.

The variants (tests/contracts/invoiced_variants.py) wrap the real Invoiced emulator; the harness
runs its small profile in process, restricted to the operations that matter. The model's rules
(walk, PATCH partiality, 204) are also shown step by step, deterministically.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import cast

import pytest

from chargeover_emulator.dialects import vendors
from contracts.invoiced.model import InvoicedMachine, machine_class
from contracts.reporting import RunReport
from contracts.settings import Settings
from contracts.targets import open_target
from tests.contracts.conftest import ASGIApp, Credentials
from tests.contracts.invoiced_variants import (
    chargeover_shaped_errors,
    delete_answers_200_with_a_body,
    fresh_invoiced,
    next_points_to_itself,
    patch_clears_unsent_fields,
    previous_named_prev,
    reported,
    run_invoiced,
    total_count_plus_one,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "invoiced" not in vendors(), reason="the Invoiced emulator dialect is not merged yet"
    ),
]

LISTS = ("listCustomers", "listContacts")


def test_the_real_emulator_passes_the_same_runs() -> None:
    app, credentials = fresh_invoiced(customers=7)
    report = run_invoiced(
        app, credentials, suites=("schemathesis", "model"),
        operation_ids=(*LISTS, "createCustomer", "retrieveCustomer", "updateCustomer",
                       "deleteCustomer", "createContact", "deleteContact"),
        phases=("examples", "coverage"),
    )  # fmt: skip
    unexpected = list(report.failures)
    assert not unexpected and not report.errors, report.markdown()


def test_previous_named_prev() -> None:
    app, credentials = fresh_invoiced(customers=7)
    report = run_invoiced(
        previous_named_prev(app), credentials, operation_ids=LISTS, phases=("coverage", "fuzzing")
    )
    assert "GET /customers" in reported(report, "invoiced_link_header"), report.markdown()


def test_next_points_to_the_page_it_is_on() -> None:
    app, credentials = fresh_invoiced(customers=7)
    report = run_invoiced(
        next_points_to_itself(app), credentials, operation_ids=LISTS, phases=("coverage",)
    )
    assert "GET /customers" in reported(report, "invoiced_link_header"), report.markdown()


def test_x_total_count_one_too_many() -> None:
    app, credentials = fresh_invoiced(customers=3)
    report = run_invoiced(
        total_count_plus_one(app), credentials, operation_ids=LISTS, phases=("coverage",)
    )
    assert "GET /customers" in reported(report, "invoiced_page_total"), report.markdown()


def test_a_chargeover_shaped_error_body() -> None:
    app, credentials = fresh_invoiced(customers=2)
    report = run_invoiced(
        chargeover_shaped_errors(app), credentials,
        operation_ids=("retrieveCustomer", "createCustomer"), phases=("examples", "coverage"),
    )  # fmt: skip
    assert reported(report, "invoiced_error_body"), report.markdown()


def test_delete_answers_200_with_a_body() -> None:
    app, credentials = fresh_invoiced(customers=40)
    report = run_invoiced(
        delete_answers_200_with_a_body(app), credentials,
        operation_ids=("deleteCustomer",), phases=("examples", "coverage", "fuzzing"),
    )  # fmt: skip
    assert "DELETE /customers/{id}" in reported(report, "invoiced_delete_no_content"), (
        report.markdown()
    )


# -- the model's rules, step by step ---------------------------------------------------------


@contextlib.contextmanager
def machine(app: ASGIApp, credentials: Credentials) -> Iterator[InvoicedMachine]:
    """A bound Invoiced machine over `app`, in process."""
    settings = Settings.from_env({}, vendor="invoiced", target="emulator-inprocess")
    report = RunReport(target=settings.target, base_url="", profile=settings.profile_name)
    with open_target(settings, app=app, credentials=credentials) as target:
        yield machine_class(target, report)()


def test_the_model_catches_a_patch_that_clears_unsent_fields() -> None:
    app, credentials = fresh_invoiced()
    with machine(patch_clears_unsent_fields(app), credentials) as m:
        customer = m.create_customer(name="Acme", email="a@example.com", city="Austin")
        with pytest.raises(AssertionError, match="unsent email changed"):
            m.patch_and_read_back(
                f"customers/{customer}", "customers", {"name": "Acme 2"}, m.customer_records,
                customer,
            )  # fmt: skip
    # the same steps against the intact emulator pass
    app, credentials = fresh_invoiced()
    with machine(app, credentials) as m:
        customer = m.create_customer(name="Acme", email="a@example.com", city="Austin")
        m.patch_and_read_back(
            f"customers/{customer}", "customers", {"name": "Acme 2"}, m.customer_records, customer
        )


def test_the_model_catches_a_contact_patch_that_clears_unsent_fields() -> None:
    app, credentials = fresh_invoiced()
    with machine(patch_clears_unsent_fields(app), credentials) as m:
        customer = m.create_customer(name="Acme", email=None, city=None)
        # a rule's return value is typed as hypothesis' MultipleResults
        contact = cast(
            tuple[int, int],
            m.create_contact(customer=customer, name="Ann", email="a@example.com", primary=True),
        )
        path = f"customers/{customer}/contacts/{contact[1]}"
        with pytest.raises(AssertionError, match="unsent email changed"):
            m.patch_and_read_back(path, "contacts", {"name": "Ann B"}, m.contact_records, contact)


def test_a_patch_that_clears_unsent_fields_fails_the_model_run() -> None:
    app, credentials = fresh_invoiced()
    # random runs find it only when a PATCH step is drawn: long enough that missing it is
    # negligible (the tests above are deterministic)
    report = run_invoiced(
        patch_clears_unsent_fields(app), credentials, suites=("model",), model_runs=30
    )
    failures = [failure for failure in report.failures if failure.suite == "model"]
    assert failures and "PATCH is not partial" in failures[0].message, report.markdown()
    assert failures[0].reproduction.startswith("curl")


def test_the_model_walk_catches_a_total_one_too_many() -> None:
    app, credentials = fresh_invoiced()
    with machine(total_count_plus_one(app), credentials) as m:
        m.create_customer(name="Acme", email=None, city=None)
        with pytest.raises(AssertionError, match=r"invoiced_page_total|X-Total-Count"):
            m.walk_customers(per_page=2)


def test_the_model_walk_catches_pages_that_never_end() -> None:
    app, credentials = fresh_invoiced()
    with machine(next_points_to_itself(app), credentials) as m:
        for name in ("A", "B", "C"):
            m.create_customer(name=name, email=None, city=None)
        with pytest.raises(AssertionError, match="invoiced_link_header"):
            m.walk_customers(per_page=1)


def test_the_model_catches_a_delete_that_answers_200() -> None:
    app, credentials = fresh_invoiced()
    with machine(delete_answers_200_with_a_body(app), credentials) as m:
        customer = m.create_customer(name="Acme", email=None, city=None)
        with pytest.raises(AssertionError, match="invoiced_delete_no_content"):
            m.delete_customer(customer=customer)
